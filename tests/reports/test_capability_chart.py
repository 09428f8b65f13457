"""The capability chart (the pack's and the forecast page's): every line told apart by colour, marker and dash
(so a greyscale print still separates them) and labelled with the power's title, never its code."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt

from reports import charts
from reports.pdf.compliance_pack import _chart_data, chart_alts

MONTHS = ["now", "Jan 2027", "Feb 2027"]


def test_every_line_has_its_own_colour_marker_and_dash_and_a_label() -> None:
    series = {f"Power number {i} with a long title that wraps in the legend": [i, i, 0] for i in range(20)}
    fig = charts.capability_figure(MONTHS, series)
    try:
        ax = fig.axes[0]
        lines = ax.get_lines()
        assert len(lines) == 20
        styles = [(line.get_color(), line.get_marker(), line.get_linestyle()) for line in lines]
        assert len(set(styles)) == 20
        # Greyscale loses the colour: marker and dash together still tell each line from the others.
        assert len({(marker, dash) for _, marker, dash in styles}) == 20
        legend = [text.get_text().replace("\n", " ") for text in ax.get_legend().get_texts()]
        assert legend == list(series)  # wrapped, never cut short
    finally:
        plt.close(fig)


def test_the_pack_names_powers_by_title() -> None:
    data = {"cliff_months": [], "cliff": [], "trend_months": [], "trend": [],
            "capability_starts": [dt.date(2026, 12, 2), dt.date(2027, 1, 1), dt.date(2027, 2, 1)],
            "capability": {"FPN_LITTER": [3, 2, 1]}, "power_titles": {"FPN_LITTER": "Fixed penalty: litter"}}
    months, series = _chart_data(data)["capability"]
    assert months == MONTHS and series == {"Fixed penalty: litter": [3, 2, 1]}
    assert "Fixed penalty: litter 3 now, 1 in Feb 2027" in chart_alts(data)["capability"]
    assert "FPN_LITTER" not in chart_alts(data)["capability"]


def test_the_chart_is_drawn_as_svg_or_png() -> None:
    assert charts.capability_forecast(MONTHS, {"Fixed penalty: litter": [1, 1, 0]}).startswith(b"\x89PNG")
    assert b"<svg" in charts.capability_forecast(MONTHS, {"Fixed penalty: litter": [1, 1, 0]}, fmt="svg")[:2000]

"""Charts as PNG (or SVG) bytes, drawn with matplotlib's Agg backend (no display): the expiry cliff, the capability
forecast and the compliance trend. Each takes plain data (labels and counts) so pages, API and the pack share them; each
has a describe_* twin that says in words, from the same data, what the chart shows (its alternative text)."""

from __future__ import annotations

import textwrap
from io import BytesIO
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

BAR = "#2b5d8c"
WARN = "#b3541e"
# A line is told from its neighbours by colour (Okabe and Ito's palette, distinct to colour-blind readers), by
# marker and by dash, so a greyscale print still separates them: 8 colours, 7 markers and 4 dashes cycle together,
# so no two of the first 56 lines share all three.
COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#000000", "#e69f00", "#56b4e9", "#8c6d1f"]
MARKERS = ["o", "s", "^", "D", "v", "X", "P"]
DASHES = ["-", "--", ":", "-."]
MONTH_ABBR = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LABEL_WIDTH = 34  # a longer title wraps in the legend (never cut, so no two labels read the same)


def line_style(index: int) -> dict[str, Any]:
    """The index-th line's colour, marker and dash."""
    return {"color": COLOURS[index % len(COLOURS)], "marker": MARKERS[index % len(MARKERS)],
            "linestyle": DASHES[index % len(DASHES)]}


def _png(fig: Any, fmt: str = "png", whole: bool = False) -> bytes:
    """The figure's bytes; `whole` widens the image to hold what sits outside the axes (a legend beside them)."""
    buffer = BytesIO()
    if not whole:  # tight_layout would shrink the axes to make room for the legend instead
        fig.tight_layout()
    fig.savefig(buffer, format=fmt, dpi=110, **({"bbox_inches": "tight", "pad_inches": 0.1} if whole else {}))
    plt.close(fig)
    return buffer.getvalue()


def expiry_cliff(months: list[str], counts: list[int], title: str = "Items expiring per month") -> bytes:
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    bars = ax.bar(months, counts, color=BAR)
    ax.bar_label(bars, fontsize=7)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("items expiring", fontsize=8)
    ax.tick_params(axis="both", labelsize=7)
    ax.tick_params(axis="x", rotation=45)
    ax.margins(y=0.15)
    return _png(fig)


def capability_figure(months: list[str], series: dict[str, list[int]],
                      title: str = "Officers able to use each power, at each month start") -> Any:
    """One step line per power, keyed by the label its legend gives it (the power's title)."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6 + 0.15 * max(len(series) - 10, 0)))
    for index, (label, counts) in enumerate(series.items()):
        ax.step(months, counts, where="post", label=textwrap.fill(label, LABEL_WIDTH),
                linewidth=1.4, markersize=4, **line_style(index))
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("officers", fontsize=8)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # officers are counted whole
    ax.tick_params(axis="both", labelsize=7)
    ax.tick_params(axis="x", rotation=45)
    if series:
        ax.legend(fontsize=6, ncol=1 if len(series) <= 20 else 2, loc="center left", bbox_to_anchor=(1.0, 0.5),
                  frameon=False, handlelength=3.2)
    return fig


def capability_forecast(months: list[str], series: dict[str, list[int]],
                        title: str = "Officers able to use each power, at each month start", fmt: str = "png") -> bytes:
    """capability_figure as `fmt` (png or svg) bytes."""
    return _png(capability_figure(months, series, title), fmt, whole=True)


def compliance_trend(months: list[str], counts: list[int], title: str = "Powers lapsed per month") -> bytes:
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    ax.plot(months, counts, marker="o", color=WARN)
    for x, y in zip(months, counts, strict=True):
        ax.annotate(str(y), (x, y), textcoords="offset points", xytext=(0, 4), ha="center", fontsize=7)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("lapses", fontsize=8)
    ax.set_ylim(bottom=0, top=max([*counts, 1]) * 1.25)
    ax.tick_params(axis="both", labelsize=7)
    ax.tick_params(axis="x", rotation=45)
    return _png(fig)


# --- the charts in words ----------------------------------------------------------------------------------

def _extremes(labels: list[str], counts: list[int]) -> str:
    """"highest 8 in Apr 2027, lowest 0 in Nov 2027" (the first month of each, if tied)."""
    if not counts:
        return "no data"
    if min(counts) == max(counts):
        return f"{counts[0]} in every month"
    high = max(range(len(counts)), key=lambda i: (counts[i], -i))
    low = min(range(len(counts)), key=lambda i: (counts[i], i))
    return f"highest {counts[high]} in {labels[high]}, lowest {counts[low]} in {labels[low]}"


def _span(labels: list[str]) -> str:
    return f"{labels[0]} to {labels[-1]}" if labels else "no months"


def describe_expiry_cliff(months: list[str], counts: list[int], title: str = "Items expiring per month") -> str:
    return (f"Bar chart: {title.lower()}, {_span(months)}; {sum(counts)} in all; "
            f"{_extremes(months, counts)}.")


def describe_capability_forecast(months: list[str], series: dict[str, list[int]],
                                 title: str = "Officers able to use each power, at each month start") -> str:
    if not series:
        return f"Step chart: {title.lower()}, {_span(months)}; no designated powers in scope."
    lines = []
    first = months[0] if months[0] == "now" else f"on {months[0]}"  # the pack's "now", or the window's first day
    for code, counts in series.items():
        low = min(range(len(counts)), key=lambda i: (counts[i], i))
        lines.append(f"{code} {counts[0]} {first}, {counts[-1]} in {months[-1]}"
                     + (f", lowest {counts[low]} in {months[low]}" if counts[low] < min(counts[0], counts[-1])
                        else ""))
    return (f"Step chart: {title.lower()}, {_span(months)}, one line per power ({len(series)}): "
            + "; ".join(lines) + ".")


def describe_compliance_trend(months: list[str], counts: list[int], title: str = "Powers lapsed per month") -> str:
    return (f"Line chart: {title.lower()}, {_span(months)}; {sum(counts)} in all; "
            f"{_extremes(months, counts)}.")


# --- capacity planning ------------------------------------------------------------------------------------

DEMAND, LEVELLED, CAPACITY = COLOURS[1], COLOURS[0], COLOURS[4]
CapacitySeries = dict[str, dict[str, list[int | None]]]


def capacity_series(rows: list[dict[str, Any]], titles: dict[str, str]) -> tuple[list[str], CapacitySeries]:
    """The capacity plan's months (scheduler.planning.CapacityPlan.rows) as the chart's month labels and, per kind
    (by its title), the due, levelled and capacity figures."""
    labels = [f"{MONTH_ABBR[int(r['month'][5:7])]} {r['month'][:4]}" for r in rows]
    return labels, {title: {field: [r[field][kind] for r in rows] for field in ("demand", "levelled", "capacity")}
                    for kind, title in titles.items()}


def capacity_chart(months: list[str], kinds: CapacitySeries, fmt: str = "png") -> bytes:
    """One panel per kind of renewal: renewals due to start each month (unlevelled demand, hatched) beside the
    levelled schedule's starts, each bar labelled, and the month's capacity as a dashed step with markers (none
    drawn where no limit is set). kinds: title -> {"demand", "levelled", "capacity"}, one value per month."""
    fig, axes = plt.subplots(len(kinds), 1, figsize=(7.5, 2.3 * len(kinds) + 0.6), sharex=True, squeeze=False)
    x = list(range(len(months)))
    width = 0.4
    for ax, (title, values) in zip(axes[:, 0], kinds.items(), strict=True):
        demand = [v or 0 for v in values["demand"]]
        levelled = [v or 0 for v in values["levelled"]]
        due = ax.bar([i - width / 2 for i in x], demand, width, color=DEMAND, hatch="//", edgecolor="white",
                     label="Due to start (unlevelled)")
        fitted = ax.bar([i + width / 2 for i in x], levelled, width, color=LEVELLED, label="Levelled start")
        ax.bar_label(due, fontsize=6, padding=1)
        ax.bar_label(fitted, fontsize=6, padding=1)
        capacity = values["capacity"]
        if any(c is not None for c in capacity):
            ax.step(x, [float("nan") if c is None else c for c in capacity], where="mid", color=CAPACITY,
                    linestyle="--", marker="_", markersize=10, linewidth=1.2, label="Capacity")
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_ylabel("renewals", fontsize=7)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="both", labelsize=7)
        ax.margins(y=0.2)
        ax.set_ylim(bottom=0)
    axes[-1, 0].set_xticks(x, months, rotation=45)
    axes[0, 0].legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _png(fig, fmt, whole=True)


def describe_capacity(months: list[str], kinds: CapacitySeries) -> str:
    """The capacity chart in words: per kind, the renewals due, the busiest month, and the months over capacity."""
    parts = []
    for title, values in kinds.items():
        demand = [v or 0 for v in values["demand"]]
        over = [m for m, d, c in zip(months, demand, values["capacity"], strict=True) if c is not None and d > c]
        parts.append(f"{title}: {sum(demand)} due, {_extremes(months, demand)}; "
                     + (f"over capacity in {', '.join(over)}" if over else "never over capacity"))
    return (f"Bar charts, one per kind of renewal, {_span(months)}, due against levelled starts: "
            + "; ".join(parts) + ".")

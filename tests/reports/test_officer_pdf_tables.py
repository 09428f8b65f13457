"""The reports' own tables (drawn without fpdf2's table(), issue 8; tagged, issue 17): wrapping, page breaks with the
headings repeated, nothing lost; and officer_record_data's role and scope checks, now made before its reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.errors import Forbidden, NotFound
from reports import data
from reports.pdf import officer_record
from reports.pdf.fonts import FONT, ReportPDF, wrap
from tests.factories import World
from tests.reports.reporting import SYSTEM, TODAY, pdf_pages, pdf_text
from training import services as training_services


def _pdf() -> ReportPDF:
    pdf = ReportPDF("t", TODAY, TODAY)
    pdf.add_page()
    pdf.set_font(FONT, size=8)
    return pdf


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("", 30, [""]),
    ("short", 30, ["short"]),
    ("one two three four five six seven eight nine ten", 30, None),
    ("X" * 80, 20, None),
])
def test_wrap_keeps_every_character_and_each_line_fits(text: str, width: float, lines: list[str] | None) -> None:
    pdf = _pdf()
    out = wrap(pdf, text, width)
    if lines is not None:
        assert out == lines
    else:
        assert len(out) > 1
    assert all(pdf.get_string_width(line) <= width for line in out)
    assert "".join(out).replace(" ", "") == text.replace(" ", "")
    assert " ".join(out) == text or "".join(out) == text
    pdf.output()  # closes the font files


async def _loaded(world: World, extra_training: int = 0, provider: str = "Police CPI") -> dict[str, Any]:
    officer_id = world.officers["A1a-1"]
    for i in range(1 + extra_training):
        await training_services.record_completion(
            SYSTEM, today=TODAY, officer_id=officer_id, module_code="PREVENT",
            completed_on=dt.date(2020, 1, 1) + dt.timedelta(days=i), result="pass", provider=provider,
            certificate_ref=f"CERT-{i:04d}")
    return await data.officer_record_data(SYSTEM, officer_id, TODAY)


async def test_a_long_cell_wraps_inside_its_column_and_keeps_all_its_words(world: World) -> None:
    provider = "The Very Long Named Regional Community Safety Training Academy and Partners Limited"
    text = pdf_text(officer_record.render(await _loaded(world, provider=provider), TODAY))
    assert provider not in text  # wrapped over several lines of its column
    for word in provider.split():
        assert word in text
    assert "CERT-0000" in text


async def test_many_rows_run_over_pages_with_the_headings_repeated(world: World) -> None:
    content = officer_record.render(await _loaded(world, extra_training=79), TODAY)
    text = pdf_text(content)
    assert pdf_pages(content) >= 2
    assert text.count("Certificate") >= 2  # the Training headings again on the next page
    for i in range(80):
        assert f"CERT-{i:04d}" in text
    assert "page 1 of" in text and "Renewal plan" in text and "History" in text


@pytest.mark.parametrize(("who", "officer", "error"), [
    ("mgr_a1a", "A1b-1", Forbidden),   # another team
    ("hr_a1", "B1a-1", Forbidden),     # another employer
])
async def test_record_data_checks_scope_before_loading(world: World, who: str, officer: str,
                                                       error: type[Exception]) -> None:
    with pytest.raises(error):
        await data.officer_record_data(world.principals[who], world.officers[officer], TODAY)


async def test_record_data_unknown_officer_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await data.officer_record_data(world.principals["coord_a"], 999_999, TODAY)


async def test_record_data_for_the_officer_themself(world: World) -> None:
    loaded = await data.officer_record_data(world.principals["off_a1a1"], world.officers["A1a-1"], TODAY)
    assert loaded["officer"]["id"] == world.officers["A1a-1"] and loaded["status"] == "active"
    with pytest.raises(Forbidden):
        await data.officer_record_data(world.principals["off_a1a1"], world.officers["A1a-2"], TODAY)

"""Exports of every dataset as CSV and XLSX: columns, scope per role, no vetting notes."""

from __future__ import annotations

import httpx
import pytest

from register.demo import BOROUGHS
from reports.exports import COLUMNS, DATASETS
from tests.factories import World
from tests.reports.reporting import load_demo_force, read_sheet
from vetting.tables import VettingEvent


async def test_every_dataset_in_both_formats_on_the_demo_force(client: httpx.AsyncClient, world: World) -> None:
    await load_demo_force()
    notes = [n["note"] for n in await VettingEvent.select(VettingEvent.note).where(VettingEvent.note.is_not_null())]
    for dataset in DATASETS:
        sheets = {}
        for fmt in ("csv", "xlsx"):
            reply = await client.get(f"/api/exports/{dataset}.{fmt}", headers=world.auth("admin"))
            assert reply.status_code == 200, (dataset, fmt, reply.text[:200])
            assert f'filename="{dataset}-' in reply.headers["content-disposition"]
            if fmt == "csv":
                assert reply.headers["content-type"] == "text/csv; charset=utf-8"
                for note in notes:
                    assert note not in reply.text
            sheets[fmt] = read_sheet(reply.content, fmt)
            assert list(sheets[fmt].columns) == COLUMNS[dataset]
            assert len(sheets[fmt]) > 0, dataset
        assert sheets["csv"].to_dict("records") == sheets["xlsx"].to_dict("records")
    officers = read_sheet((await client.get("/api/exports/officers.csv", headers=world.auth("admin"))).content, "csv")
    assert set(BOROUGHS) <= {o.split(" Borough")[0] for o in officers["organisation"]}


async def test_xlsx_has_a_frozen_header_and_sized_columns(client: httpx.AsyncClient, world: World) -> None:
    import io

    from openpyxl import load_workbook

    reply = await client.get("/api/exports/officers.xlsx", headers=world.auth("admin"))
    sheet = load_workbook(io.BytesIO(reply.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "staff_number" and sheet.column_dimensions["D"].width >= 10


@pytest.mark.parametrize(("who", "expected"), [
    ("admin", {"A1A1", "A1A2", "A1B1", "A1B2", "A2A1", "A2A2", "B1A1", "B1A2"}),
    ("coord_a", {"A1A1", "A1A2", "A1B1", "A1B2", "A2A1", "A2A2"}),
    ("hr_a1", {"A1A1", "A1A2", "A1B1", "A1B2"}),
    ("mgr_a1a", {"A1A1", "A1A2"}),
    ("off_a1a1", {"A1A1"}),
])
async def test_officers_export_is_scoped(client: httpx.AsyncClient, world: World, who: str,
                                         expected: set[str]) -> None:
    for fmt in ("csv", "xlsx"):
        reply = await client.get(f"/api/exports/officers.{fmt}", headers=world.auth(who))
        assert reply.status_code == 200
        assert set(read_sheet(reply.content, fmt)["staff_number"]) == expected


async def test_unknown_dataset_or_format_is_404(client: httpx.AsyncClient, world: World) -> None:
    for path in ("/api/exports/payroll.csv", "/api/exports/officers.pdf", "/api/exports/officers"):
        reply = await client.get(path, headers=world.auth("admin"))
        assert reply.status_code == 404, path
    assert (await client.get("/api/exports/officers.csv")).status_code == 401

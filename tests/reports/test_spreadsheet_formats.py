"""Spreadsheets as Excel opens them (issue 17): XLSX dates are date cells, CSV is RFC 4180 with a UTF-8 byte order
mark, a control character in an old stored row never breaks an XLSX export, and both formats import back exactly."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import httpx

from core.tables import AuditEvent
from register.tables import Officer
from reports.spreadsheets import REPLACEMENT
from tests.cli.test_cli import csas
from tests.factories import World, make_officer

BOM = b"\xef\xbb\xbf"


def _sheet(content: bytes) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content)).active


async def _zoe(world: World) -> dict[str, Any]:
    return await make_officer(world.orgs["A1"], world.teams["A1a"], "ZOE1", given_name="Zoë",
                              family_name="£ Smith", email="zoe@a1.example")


async def test_xlsx_dates_are_date_cells(client: httpx.AsyncClient, world: World) -> None:
    zoe = await _zoe(world)
    reply = await client.get("/api/exports/officers.xlsx", headers=world.auth("hr_a1"))
    assert reply.status_code == 200
    sheet = _sheet(reply.content)
    header = [cell.value for cell in sheet[1]]
    column = header.index("started_on")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "ZOE1")
    cell = row[column]
    assert cell.is_date and cell.number_format == "YYYY-MM-DD"
    assert isinstance(cell.value, dt.datetime) and cell.value.date() == zoe["started_on"]
    assert row[header.index("left_on")].value is None  # no date: an empty cell, not text


async def test_csv_has_a_bom_and_crlf_line_ends(client: httpx.AsyncClient, world: World) -> None:
    await _zoe(world)
    reply = await client.get("/api/exports/officers.csv", headers=world.auth("hr_a1"))
    assert reply.status_code == 200
    content = reply.content
    assert content.startswith(BOM + b"staff_number,")
    assert content.endswith(b"\r\n") and content.count(b"\n") == content.count(b"\r\n") == 1 + 5
    assert "Zoë,£ Smith".encode() in content


async def test_the_cli_writes_the_same_formats(world: World, tmp_path: Path) -> None:
    await _zoe(world)
    target = tmp_path / "officers.csv"
    assert csas("export", "officers", str(target)).returncode == 0
    assert target.read_bytes().startswith(BOM) and target.read_bytes().count(b"\n") == \
        target.read_bytes().count(b"\r\n")
    workbook = tmp_path / "officers.xlsx"
    assert csas("export", "officers", str(workbook)).returncode == 0
    sheet = _sheet(workbook.read_bytes())
    column = [cell.value for cell in sheet[1]].index("started_on")
    assert all(row[column].is_date for row in sheet.iter_rows(min_row=2))


async def test_a_stored_control_character_never_breaks_an_xlsx_export(client: httpx.AsyncClient,
                                                                      world: World) -> None:
    """New input refuses control characters; a row stored before that may hold one. Written directly."""
    await Officer.update({Officer.given_name: "Bad\x01Name", Officer.family_name: "Form\x0cFeed"}).where(
        Officer.staff_number == "A1A1")
    reply = await client.get("/api/exports/officers.xlsx", headers=world.auth("hr_a1"))
    assert reply.status_code == 200, reply.text[:300]
    row = next(r for r in _sheet(reply.content).iter_rows(min_row=2, values_only=True) if r[0] == "A1A1")
    assert row[1:3] == (f"Bad{REPLACEMENT}Name", f"Form{REPLACEMENT}Feed")
    csv_reply = await client.get("/api/exports/officers.csv", headers=world.auth("hr_a1"))
    assert csv_reply.status_code == 200 and "Bad\x01Name" in csv_reply.content.decode("utf-8-sig")


async def _register() -> list[dict[str, Any]]:
    return await Officer.select(Officer.staff_number, Officer.given_name, Officer.family_name, Officer.email,
                                Officer.team, Officer.started_on).order_by(Officer.id)


async def test_both_formats_round_trip_exactly(client: httpx.AsyncClient, world: World) -> None:
    await _zoe(world)
    before = await _register()
    audits = await AuditEvent.count()
    for fmt in ("csv", "xlsx"):
        sheet = await client.get(f"/api/exports/officers.{fmt}", headers=world.auth("hr_a1"))
        reply = await client.post("/api/imports/officers", headers=world.auth("hr_a1"),
                                  files={"file": (f"officers.{fmt}", sheet.content, "application/octet-stream")})
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert (body["created"], body["updated"], body["errors"], body["unchanged"]) == (0, 0, [], 5), (fmt, body)
    assert await _register() == before and await AuditEvent.count() == audits


async def test_imports_take_date_cells_and_a_bom(client: httpx.AsyncClient, world: World) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["officer", "module", "completed_on", "result"])
    book.active.append(["A1A1", "CSAS_CORE", dt.datetime.combine(dt.date(2025, 2, 10), dt.time(9, 30)), "pass"])
    book.active.append(["A1A2", "CSAS_CORE", dt.date(2025, 2, 11), "pass"])
    buffer = io.BytesIO()
    book.save(buffer)
    reply = await client.post("/api/imports/training?dry_run=true", headers=world.auth("hr_a1"),
                              files={"file": ("t.xlsx", buffer.getvalue(), "application/octet-stream")})
    assert reply.status_code == 200 and reply.json()["created"] == 2, reply.text
    text = BOM + b"officer,module,completed_on,result\r\nA1A1,CSAS_CORE,2025-02-10,pass\r\n"
    reply = await client.post("/api/imports/training?dry_run=true", headers=world.auth("hr_a1"),
                              files={"file": ("t.csv", text, "text/csv")})
    assert reply.status_code == 200 and reply.json()["created"] == 1, reply.text

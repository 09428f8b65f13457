"""Issue 17: a sheet that names a column twice is refused as a whole (422, a message per column, nothing
written), in CSV and XLSX, by the API and the CLI, instead of being half-read."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest

from core.tables import AuditEvent
from register.tables import Officer
from tests.cli.test_cli import csas
from tests.factories import World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = ["organisation", "staff_number", "given_name", "family_name", "email", "started_on"]
ROW = ["Council A1", "DUP1", "Ada", "Lovelace", "ada@a1.example", "2025-01-01"]


def workbook(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet(fmt: str, header: list[str], *rows: list[str]) -> bytes:
    if fmt == "xlsx":
        return workbook([header, *rows])
    return "\n".join(",".join(r) for r in [header, *rows]).encode() + b"\n"


async def post(client: httpx.AsyncClient, world: World, fmt: str, content: bytes,
               dry_run: bool = False) -> httpx.Response:
    return await client.post("/api/imports/officers", headers=world.auth("hr_a1"),
                             files={"file": (f"people.{fmt}", content, XLSX if fmt == "xlsx" else "text/csv")},
                             data={"dry_run": "true"} if dry_run else {})


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("dry_run", [False, True])
async def test_a_repeated_column_refuses_the_file(client: httpx.AsyncClient, world: World, fmt: str,
                                                  dry_run: bool) -> None:
    officers, audits = await Officer.count(), await AuditEvent.count()
    # The second given_name would have been read as 'given_name.1' and ignored: Ada, not Grace, imported.
    header = [*GOOD, "given_name"]
    reply = await post(client, world, fmt, sheet(fmt, header, [*ROW, "Grace"]), dry_run=dry_run)
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["code"] == "import_duplicate_columns" and body["status"] == 422
    assert "given_name (C, G)" in body["detail"] and "Nothing was imported" in body["detail"]
    assert body["violations"] == [{
        "code": "duplicate_column", "field": "given_name",
        "message": "Column given_name appears 2 times (columns C, G, headed 'given_name'): keep one and remove "
                   "or rename the others."}]
    assert await Officer.count() == officers and await AuditEvent.count() == audits


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_headers_that_read_as_the_same_column_are_repeats_too(client: httpx.AsyncClient, world: World,
                                                                    fmt: str) -> None:
    """'Staff number' and 'STAFF_NUMBER' are both the staff_number column; each repeated column is named."""
    header = ["Organisation", "Staff number", "Given name", "Family name", "Email", "Started on", "STAFF_NUMBER",
              "email "]
    reply = await post(client, world, fmt, sheet(fmt, header, [*ROW, "DUP2", "x@a1.example"]))
    assert reply.status_code == 422, reply.text
    violations = {v["field"]: v["message"] for v in reply.json()["violations"]}
    assert set(violations) == {"staff_number", "email"}
    assert "columns B, G, headed 'Staff number' and 'STAFF_NUMBER'" in violations["staff_number"]
    assert "columns E, H" in violations["email"]
    assert await Officer.count() == 8


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_unique_headers_and_blank_header_cells_still_import(client: httpx.AsyncClient, world: World,
                                                                   fmt: str) -> None:
    """Columns without a header are not repeats of one another: they are ignored, as before."""
    reply = await post(client, world, fmt, sheet(fmt, [*GOOD, "", ""], [*ROW, "a note", "another"]))
    assert reply.status_code == 200, reply.text
    assert reply.json()["created"] == 1
    ada = await Officer.select().where(Officer.staff_number == "DUP1").first()
    assert (ada["given_name"], ada["family_name"]) == ("Ada", "Lovelace")


async def test_the_cli_refuses_a_repeated_column(world: World, tmp_path: Path) -> None:
    target = tmp_path / "people.csv"
    target.write_bytes(sheet("csv", [*GOOD, "family_name"], [*ROW, "Byron"]))
    result = csas("import", "officers", str(target))
    assert result.returncode == 2
    assert "import_duplicate_columns" in result.stderr and "family_name (D, G)" in result.stderr
    assert await Officer.count() == 8

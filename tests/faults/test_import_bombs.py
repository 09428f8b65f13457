"""Decompression bombs and oversized sheets (issue 17): each is refused with a clear problem-details answer, the
read stops at the first limit breached, and memory stays bounded; the service answers normally afterwards.

The bombs are built here with zipfile, streamed and compact (a million rows are never held as cells), and posted
through the real app. Memory is measured as tracemalloc's peak over the request: every Python allocation, the
parsing thread's included, so the figure does not depend on what earlier tests left in the process.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from register.tables import Officer
from reports import import_files
from reports.spreadsheets import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_MEMBERS,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
)
from tests.cli.test_cli import csas
from tests.factories import World
from tests.reports.test_imports import post, xlsx
from training.tables import TrainingRecord

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
# Far below what the bombs cost unguarded (861 MiB and 1.1 GiB measured from outside), far above a bounded read.
MEMORY_BOUND = 64 * 1024 * 1024
HEADER = ("officer", "module", "completed_on", "result")


def _parts(with_strings: bool) -> dict[str, str]:
    strings = (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
               if with_strings else "")
    return {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="xml" ContentType="application/xml"/><Override '
                               'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                               'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
                       'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="training" sheetId="1" '
                           'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
                                      f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>{strings}'
                                      '</Relationships>',
    }


def _cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _row(cells: tuple[str, ...]) -> str:
    return "<row>" + "".join(_cell(text) for text in cells) + "</row>"


def workbook(rows: Iterator[str], dimension: str | None = None, shared_strings: str | None = None,
             extra_members: int = 0) -> bytes:
    """A minimal workbook whose sheet XML is written chunk by chunk from `rows` (each a <row> element)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _parts(shared_strings is not None).items():
            archive.writestr(name, text)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = f'<dimension ref="{dimension}"/>' if dimension else ""
            sheet.write(f'<worksheet xmlns="{MAIN}">{head}<sheetData>'.encode())
            batch: list[str] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
        for index in range(extra_members):
            archive.writestr(f"xl/media/image{index}.xml", "<x/>")
    return buffer.getvalue()


def training_rows(count: int) -> Iterator[str]:
    yield _row(HEADER)
    for index in range(count):  # distinct rows, so the sheet compresses like a real one
        yield _row((f"S{index}", "CSAS_CORE", f"2025-01-{1 + index % 28:02d}", "pass"))


def numbered_rows(count: int) -> Iterator[str]:
    """As small as a row can be (one number), so a million of them fit every limit on the archive."""
    yield _row(HEADER)
    for index in range(count):
        yield f"<row><c><v>{index}</v></c></row>"


async def _refused(client: httpx.AsyncClient, world: World, content: bytes,
                   filename: str) -> tuple[int, dict[str, Any], int]:
    """The answer to posting the file, and the peak memory allocated while it was answered."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        reply = await post(client, world, "admin", "training", content, filename=filename)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return reply.status_code, reply.json(), peak


async def _still_serving(client: httpx.AsyncClient, world: World) -> None:
    assert (await client.get("/health")).status_code == 200
    good = [{"officer": "A1A1", "module": "CSAS_CORE", "completed_on": "2025-02-10", "result": "pass"}]
    reply = await post(client, world, "admin", "training", xlsx(good), filename="training.xlsx")
    assert reply.status_code == 200, reply.text
    assert reply.json()["created"] == 1 and await TrainingRecord.count() == 1


def test_the_bomb_builder_makes_workbooks_the_import_reads() -> None:
    """So every refusal below is the limit's, not a damaged file's."""
    from openpyxl import load_workbook

    content = workbook(training_rows(3), dimension="A1:D4")
    assert [c.value for c in next(load_workbook(io.BytesIO(content)).active.iter_rows())] == list(HEADER)
    rows = import_files.read_table("t.xlsx", content)
    assert rows[2] == {"officer": "S2", "module": "CSAS_CORE", "completed_on": "2025-01-03", "result": "pass"}


@pytest.mark.parametrize("dimension", ["A1:D1000001", None])
async def test_a_million_row_workbook_is_refused_at_the_row_limit(client: httpx.AsyncClient, world: World,
                                                                   dimension: str | None) -> None:
    """With a <dimension> the sheet is refused before any row is read; without one, at row MAX_ROWS + 2."""
    content = workbook(numbered_rows(1_000_000), dimension=dimension)
    assert len(content) < 3 * 1024 * 1024  # the finding from outside: a million rows in 1.3 MB
    status, body, peak = await _refused(client, world, content, "million.xlsx")
    assert status == 422 and body["code"] == "import_too_many_rows", body
    assert f"{MAX_ROWS:,}" in body["detail"]
    assert peak < MEMORY_BOUND, peak
    await _still_serving(client, world)


async def test_one_enormous_cell_is_refused_from_the_zip_directory(client: httpx.AsyncClient,
                                                                    world: World) -> None:
    """The outside finding: half a megabyte holding a 500 MB cell. Its declared size refuses it unread."""
    def rows() -> Iterator[str]:
        yield _row(HEADER)
        yield "<row>" + '<c t="inlineStr"><is><t>'
        yield from ("x" * (1024 * 1024) for _ in range(500))
        yield "</t></is></c></row>"

    content = workbook(rows())
    assert len(content) < 1024 * 1024
    status, body, peak = await _refused(client, world, content, "cell.xlsx")
    assert status == 422 and body["code"] == "import_workbook_too_large", body
    assert f"{MAX_PART_BYTES // (1024 * 1024)} MB" in body["detail"]
    assert peak < MEMORY_BOUND, peak
    await _still_serving(client, world)


async def test_a_part_that_expands_too_many_times_is_refused(client: httpx.AsyncClient, world: World) -> None:
    strings = f'<sst xmlns="{MAIN}"><si><t>' + " " * (40 * 1024 * 1024) + "</t></si></sst>"
    content = workbook(training_rows(2), shared_strings=strings)
    status, body, peak = await _refused(client, world, content, "ratio.xlsx")
    assert status == 422 and body["code"] == "import_workbook_too_large", body
    assert "times" in body["detail"]
    assert peak < MEMORY_BOUND, peak


async def test_a_long_cell_under_the_zip_limits_is_refused_while_streaming(client: httpx.AsyncClient,
                                                                           world: World) -> None:
    def rows() -> Iterator[str]:
        yield _row(HEADER)
        yield _row(("A1A1", "x" * (MAX_CELL_CHARS + 1), "2025-01-01", "pass"))

    status, body, _ = await _refused(client, world, workbook(rows()), "long.xlsx")
    assert status == 422 and body["code"] == "import_cell_too_long", body
    assert "B2" in body["detail"] and f"{MAX_CELL_CHARS:,}" in body["detail"]
    long_text = f'<sst xmlns="{MAIN}"><si><t>' + "y" * (MAX_CELL_CHARS + 1) + "</t></si></sst>"

    def shared() -> Iterator[str]:
        yield _row(HEADER)
        yield '<row><c t="s"><v>0</v></c></row>'

    status, body, _ = await _refused(client, world, workbook(shared(), shared_strings=long_text), "sst.xlsx")
    assert status == 422 and body["code"] == "import_cell_too_long" and "A2" in body["detail"], body


async def test_a_value_past_the_last_column_is_refused(client: httpx.AsyncClient, world: World) -> None:
    def rows() -> Iterator[str]:
        yield _row(HEADER)
        yield "<row>" + _cell("A1A1") + f'<c r="{_letter(MAX_COLUMNS + 1)}2" t="inlineStr"><is><t>x</t></is></c></row>'

    status, body, _ = await _refused(client, world, workbook(rows()), "wide.xlsx")
    assert status == 422 and body["code"] == "import_too_many_columns", body


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


async def test_an_archive_of_many_parts_and_xml_entities_are_refused(client: httpx.AsyncClient,
                                                                     world: World) -> None:
    status, body, _ = await _refused(client, world, workbook(training_rows(2), extra_members=MAX_MEMBERS),
                                     "parts.xlsx")
    assert status == 422 and body["code"] == "import_workbook_too_large", body
    laughs = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              f'<sst xmlns="{MAIN}"><si><t>&b;</t></si></sst>')
    status, body, _ = await _refused(client, world, workbook(training_rows(2), shared_strings=laughs), "dtd.xlsx")
    assert status == 422 and body["code"] == "import_not_a_workbook", body


async def test_csv_over_the_limits_is_refused(client: httpx.AsyncClient, world: World) -> None:
    header = ",".join(HEADER).encode() + b"\r\n"
    many = header + b"".join(f"S{i},CSAS_CORE,2025-01-01,pass\r\n".encode() for i in range(MAX_ROWS + 1))
    status, body, peak = await _refused(client, world, many, "many.csv")
    assert status == 422 and body["code"] == "import_too_many_rows", body
    assert peak < MEMORY_BOUND, peak
    long_cell = header + b"A1A1,CSAS_CORE,2025-01-01," + b"p" * (20 * MAX_CELL_CHARS) + b"\r\n"
    status, body, peak = await _refused(client, world, long_cell, "cell.csv")
    assert status == 422 and body["code"] == "import_cell_too_long" and "row 2" in body["detail"], body
    assert peak < MEMORY_BOUND, peak
    for name, line in (("one 5 MB cell", b"p" * (5 * 1024 * 1024)), ("three million fields", b"ab," * 3_000_000)):
        status, body, peak = await _refused(client, world, header + line, "row.csv")
        assert status == 422 and body["code"] == "import_row_too_long" and "Row 2" in body["detail"], (name, body)
        assert peak < MEMORY_BOUND, (name, peak)
    await _still_serving(client, world)


async def test_an_upload_over_the_limit_is_413_naming_the_limit(client: httpx.AsyncClient, world: World) -> None:
    huge = b"organisation,staff_number\r\n" + b"x" * (MAX_UPLOAD_BYTES + 1)
    reply = await post(client, world, "admin", "officers", huge)
    assert reply.status_code == 413
    body = reply.json()
    assert body["code"] == "import_too_large" and body["status"] == 413
    assert body["detail"] == "The file is larger than the 10 MB limit."
    assert reply.headers["content-type"].startswith("application/problem+json")
    with pytest.raises(ImportFileError) as refused:  # the CLI reads the file itself: the same refusal
        import_files.read_table("big.csv", huge)
    assert refused.value.status == 413 and refused.value.detail == body["detail"]
    assert await Officer.count() == 8


def test_the_limits_are_inclusive() -> None:
    header = ",".join(HEADER) + "\n"
    exactly = header + "".join(f"S{i},CSAS_CORE,2025-01-01,pass\n" for i in range(MAX_ROWS))
    assert len(import_files.read_table("rows.csv", exactly.encode())) == MAX_ROWS
    longest = header + "A1A1,CSAS_CORE,2025-01-01," + "p" * MAX_CELL_CHARS + "\n"
    assert len(import_files.read_table("cell.csv", longest.encode())[0]["result"]) == MAX_CELL_CHARS


async def test_the_cli_refuses_a_bomb_by_the_same_limits(world: World, tmp_path: Path) -> None:
    bomb = tmp_path / "million.xlsx"
    bomb.write_bytes(workbook(numbered_rows(1_000_000)))
    result = csas("import", "training", str(bomb))
    assert result.returncode == 2 and "import_too_many_rows" in result.stderr, result.stderr
    big = tmp_path / "big.csv"
    big.write_bytes(b"officer\r\n" + b"x" * (MAX_UPLOAD_BYTES + 1))
    result = csas("import", "training", str(big))
    assert result.returncode == 2 and "The file is larger than the 10 MB limit." in result.stderr, result.stderr
    assert await TrainingRecord.count() == 0

"""Input no form would send but a sheet or a record can hold: each answered as a client error or served, never a
500 (found reading the change as its next owner)."""

from __future__ import annotations

import io
import zipfile

import httpx

from tests.factories import World, make_officer
from tests.reports.test_imports import XLSX, post


async def test_a_superscript_digit_in_an_id_column_is_a_row_error(client: httpx.AsyncClient, world: World) -> None:
    sheet = ("organisation_id,team,staff_number,given_name,family_name,email,started_on\n"
             "\u00b2,,S1,Ann,Lee,a.lee@a1.example,2025-01-01\n").encode()
    reply = await post(client, world, "admin", "officers", sheet)
    assert reply.status_code == 422, reply.text
    assert reply.json()["errors"][0]["row"] == 2


async def test_a_staff_number_outside_latin_1_still_downloads(client: httpx.AsyncClient, world: World) -> None:
    officer = await make_officer(world.orgs["A1"], world.teams["A1a"], "\u0141-12\"x")
    for path in (f"/api/officers/{officer['id']}/record.pdf", f"/api/officers/{officer['id']}/card.pdf"):
        answer = await client.get(path, headers=world.auth("admin"))
        assert answer.status_code == 200, path
        assert "filename*=utf-8''" in answer.headers["content-disposition"]
        assert "%C5%81-12%22x" in answer.headers["content-disposition"]


def _workbook_with_date_cell(value: str) -> bytes:
    """The smallest workbook whose first sheet holds a date-styled number in A2 under a header."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                           '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                                      'org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
                                      'sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.'
                                      'org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                                      '</Relationships>',
        "xl/styles.xml": '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>'
                         '<xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml": '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>started_on</t></is></c>'
                                    f'</row><row r="2"><c r="A2" s="1"><v>{value}</v></c></row></sheetData>'
                                    '</worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


async def test_a_date_cell_beyond_any_calendar_names_its_cell(client: httpx.AsyncClient, world: World) -> None:
    reply = await client.post("/api/imports/officers", headers=world.auth("admin"),
                              files={"file": ("s.xlsx", _workbook_with_date_cell("2999999"), XLSX)})
    assert reply.status_code == 422, reply.text
    assert "A2" in reply.json()["detail"]


async def test_an_organisation_name_two_employers_share_is_refused_not_guessed(client: httpx.AsyncClient,
                                                                                 world: World) -> None:
    import datetime as dt

    from register.officers import services
    from register.tables import Officer
    from tests.reports.reporting import SYSTEM

    await services.create_organisation(SYSTEM, name="Council A1", force_id=world.forces["B"], kind="council",
                                       arrangement_approved_on=dt.date(2024, 1, 1),
                                       arrangement_review_due_on=dt.date(2028, 1, 1))
    sheet = (b"organisation,team,staff_number,given_name,family_name,email,started_on\n"
             b"Council A1,,S9,Ann,Lee,a.lee@a1.example,2025-01-01\n")
    before = await Officer.count()
    reply = await post(client, world, "admin", "officers", sheet)
    assert reply.status_code == 422
    assert reply.json()["errors"] == [{"row": 2, "column": "organisation", "message":
                                       "More than one organisation in your scope is named 'Council A1': "
                                       "use organisation_id."}]
    assert await Officer.count() == before

"""Imports: happy paths, dry runs, one bad row refusing the whole file, idempotence, XLSX and CSV, readable
columns, scope and bad files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.tables import AuditEvent
from register.tables import KitIssue, Officer
from tests.factories import World
from tests.reports.reporting import load_demo_force
from training.tables import TrainingRecord
from vetting.tables import VettingApplication

FILES = Path(__file__).parent / "files"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def post(client: httpx.AsyncClient, world: World, who: str, dataset: str, content: bytes,
               filename: str = "sheet.csv", dry_run: bool = False) -> httpx.Response:
    kind = XLSX if filename.endswith(".xlsx") else "text/csv"
    return await client.post(f"/api/imports/{dataset}", headers=world.auth(who),
                             files={"file": (filename, content, kind)},
                             data={"dry_run": "true"} if dry_run else {})


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    return buffer.getvalue()


async def test_officers_import_creates_then_changes_nothing(client: httpx.AsyncClient, world: World) -> None:
    content = (FILES / "officers.csv").read_bytes()
    reply = await post(client, world, "hr_a1", "officers", content)
    assert reply.status_code == 200, reply.text
    assert reply.json() | {"dry_run": False} == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0,
                                                 "dry_run": False, "errors": []}
    marek = await Officer.select().where(Officer.staff_number == "NEW002").first()
    assert marek["team"] == world.teams["A1b"] and str(marek["started_on"]) == "2025-04-14"
    assert await AuditEvent.count().where(AuditEvent.action == "officer.create") == 8 + 2
    again = await post(client, world, "hr_a1", "officers", content)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 2)
    assert await Officer.count() == 10
    changed = content.replace(b"marek.nowak@a1.example", b"m.nowak@a1.example")
    third = await post(client, world, "hr_a1", "officers", changed)
    assert (third.json()["created"], third.json()["updated"], third.json()["unchanged"]) == (0, 1, 1)
    assert (await Officer.select(Officer.email).where(Officer.staff_number == "NEW002").first())["email"] \
        == "m.nowak@a1.example"


async def test_dry_run_writes_nothing(client: httpx.AsyncClient, world: World) -> None:
    audits = await AuditEvent.count()
    reply = await post(client, world, "hr_a1", "officers", (FILES / "officers.csv").read_bytes(), dry_run=True)
    assert reply.status_code == 200 and reply.json()["dry_run"] is True and reply.json()["created"] == 2
    assert await Officer.count() == 8 and await AuditEvent.count() == audits
    query = await client.post("/api/imports/officers?dry_run=true", headers=world.auth("hr_a1"),
                              files={"file": ("o.csv", (FILES / "officers.csv").read_bytes(), "text/csv")})
    assert query.status_code == 200 and query.json()["dry_run"] is True and await Officer.count() == 8


async def test_one_bad_row_refuses_the_whole_file(client: httpx.AsyncClient, world: World) -> None:
    audits = await AuditEvent.count()
    reply = await post(client, world, "hr_a1", "officers", (FILES / "officers_bad_row.csv").read_bytes())
    assert reply.status_code == 422
    body = reply.json()
    assert body["code"] == "import_invalid" and body["status"] == 422 and body["created"] == 0
    assert body["errors"] == [{"row": 3, "column": "started_on",
                               "message": "'next tuesday' is not a date (use YYYY-MM-DD or DD/MM/YYYY)."}]
    assert await Officer.count() == 8 and await AuditEvent.count() == audits


async def test_domain_rule_failures_are_reported_per_row_and_column(client: httpx.AsyncClient,
                                                                    world: World) -> None:
    rows = [
        {"organisation": "Council A1", "team": "Team A1a", "staff_number": "N1", "given_name": "A",
         "family_name": "B", "email": "not-an-email", "started_on": "2025-01-01"},
        {"organisation": "Council A2", "team": "", "staff_number": "N2", "given_name": "C",
         "family_name": "D", "email": "c.d@a2.example", "started_on": "2025-01-01"},
        {"organisation": "Council A1", "team": "Team A2a", "staff_number": "N3", "given_name": "E",
         "family_name": "F", "email": "e.f@a1.example", "started_on": "2025-01-01"},
    ]
    reply = await post(client, world, "hr_a1", "officers", xlsx(rows), filename="people.xlsx")
    assert reply.status_code == 422
    errors = {(e["row"], e["column"]) for e in reply.json()["errors"]}
    assert (2, "email") in errors                 # the domain's own rule
    assert (3, "organisation") in errors          # another employer: outside HR's scope
    assert (4, "team") in errors                  # a team of another employer
    assert await Officer.count() == 8


async def test_training_import_from_xlsx_with_readable_columns_scoped_to_a_manager(
        client: httpx.AsyncClient, world: World) -> None:
    rows = [{"officer": "A1A1", "module": "CSAS_CORE", "completed_on": "2025-02-10", "result": "pass"},
            {"officer": "A1A2", "module": "csas_core", "completed_on": "10/02/2025", "result": "fail"}]
    reply = await post(client, world, "mgr_a1a", "training", xlsx(rows), filename="training.xlsx")
    assert reply.status_code == 200, reply.text
    assert reply.json()["created"] == 2 and await TrainingRecord.count() == 2
    again = await post(client, world, "mgr_a1a", "training", xlsx(rows), filename="training.xlsx")
    assert again.json()["created"] == 0 and again.json()["unchanged"] == 2 and await TrainingRecord.count() == 2
    outside = [*rows, {"officer": "A1B1", "module": "CSAS_CORE", "completed_on": "2025-02-10", "result": "pass"},
               {"officer": "A1A1", "module": "NO_SUCH", "completed_on": "2025-02-11", "result": "pass"}]
    refused = await post(client, world, "mgr_a1a", "training", xlsx(outside), filename="training.xlsx")
    assert refused.status_code == 422
    assert {(e["row"], e["column"]) for e in refused.json()["errors"]} == {(4, "officer"), (5, "module")}
    assert await TrainingRecord.count() == 2


async def test_training_csv_import(client: httpx.AsyncClient, world: World) -> None:
    reply = await post(client, world, "hr_a1", "training", (FILES / "training.csv").read_bytes())
    assert reply.status_code == 200 and reply.json()["created"] == 2


async def test_vetting_clearances_go_through_the_lifecycle(client: httpx.AsyncClient, world: World) -> None:
    content = (b"officer,level,requested_on,granted_on,force_reference\n"
               b"A1A1,NPPV2A,2025-01-05,2025-03-01,SV/2025/0001\n")
    assert (await post(client, world, "hr_a1", "vetting", content)).status_code == 403
    reply = await post(client, world, "vet_a", "vetting", content)
    assert reply.status_code == 200, reply.text
    row = await VettingApplication.select().first()
    assert row["status"] == "granted" and str(row["granted_on"]) == "2025-03-01"
    assert str(row["expires_on"]) == "2028-03-01" and row["force_reference"] == "SV/2025/0001"
    again = await post(client, world, "vet_a", "vetting", content)
    assert again.json()["unchanged"] == 1 and await VettingApplication.count() == 1
    backwards = b"officer,level,requested_on,granted_on\nA1A2,NPPV2A,2025-03-05,2025-03-01\n"
    refused = await post(client, world, "vet_a", "vetting", backwards)
    assert refused.status_code == 422 and refused.json()["errors"][0]["column"] == "granted_on"
    outside = b"officer,level,requested_on,granted_on\nB1A1,NPPV2A,2025-01-05,2025-03-01\n"
    assert (await post(client, world, "vet_a", "vetting", outside)).status_code == 422


async def test_kit_import_skips_what_is_already_issued(client: httpx.AsyncClient, world: World) -> None:
    content = (b"officer,kit_type,issued_on,serial_number,size\n"
               b"A1A1,HI_VIS_JACKET,2025-02-01,,L\n"
               b"A1A2,NOTEBOOK,2025-02-01,NB-77,\n")
    reply = await post(client, world, "mgr_a1a", "kit", content)
    assert reply.status_code == 200, reply.text
    assert reply.json()["created"] == 2 and await KitIssue.count() == 2
    again = await post(client, world, "mgr_a1a", "kit", content)
    assert again.json()["unchanged"] == 2 and await KitIssue.count() == 2


@pytest.mark.parametrize(("content", "filename", "code"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "photo.png", "import_file_invalid"),
    (b"", "empty.csv", "import_file_invalid"),
    ((FILES / "header_only.csv").read_bytes(), "header.csv", "import_file_invalid"),
    ((FILES / "missing_columns.csv").read_bytes(), "missing.csv", "import_missing_columns"),
    (b"not a workbook", "sheet.xlsx", "import_not_a_workbook"),
    (b"PK\x03\x04broken zip", "sheet.xlsx", "import_not_a_workbook"),
])
async def test_bad_files_are_refused_clearly(client: httpx.AsyncClient, world: World, content: bytes,
                                             filename: str, code: str) -> None:
    dataset = "training" if "missing" in filename else "officers"
    reply = await post(client, world, "admin", dataset, content, filename=filename)
    assert reply.status_code == 422, reply.text
    assert reply.json()["code"] == code and reply.json()["detail"]
    assert await Officer.count() == 8


async def test_roles_unknown_dataset_and_no_file(client: httpx.AsyncClient, world: World) -> None:
    content = (FILES / "officers.csv").read_bytes()
    assert (await post(client, world, "mgr_a1a", "officers", content)).status_code == 403
    assert (await post(client, world, "off_a1a1", "training", content)).status_code == 403
    assert (await post(client, world, "admin", "payroll", content)).status_code == 404
    missing = await client.post("/api/imports/officers", headers=world.auth("admin"), data={"x": "1"})
    assert missing.status_code in (400, 422)


async def test_exported_sheets_reimport_without_changes(client: httpx.AsyncClient, world: World) -> None:
    await load_demo_force()
    counts = (await Officer.count(), await TrainingRecord.count(), await KitIssue.count(),
              await VettingApplication.count())
    for dataset, fmt in (("officers", "xlsx"), ("training", "csv"), ("kit", "xlsx"), ("vetting", "csv")):
        sheet = await client.get(f"/api/exports/{dataset}.{fmt}", headers=world.auth("admin"))
        reply = await post(client, world, "admin", dataset, sheet.content, filename=f"{dataset}.{fmt}")
        assert reply.status_code == 200, (dataset, reply.text[:500])
        assert reply.json()["created"] == 0 and reply.json()["updated"] == 0, dataset
    assert counts == (await Officer.count(), await TrainingRecord.count(), await KitIssue.count(),
                      await VettingApplication.count())


async def test_uploads_over_the_limits_are_refused(client: httpx.AsyncClient, world: World) -> None:
    huge = b"organisation,staff_number\n" + b"x" * (11 * 1024 * 1024)
    assert (await post(client, world, "admin", "officers", huge)).status_code == 413
    many = b"officer,module,completed_on,result\n" + b"A1A1,CSAS_CORE,2025-01-01,pass\n" * 50_001
    reply = await post(client, world, "admin", "training", many)
    assert reply.status_code == 422 and reply.json()["code"] == "import_too_many_rows"
    assert await TrainingRecord.count() == 0


async def test_days_outside_the_registers_range_are_refused_per_row(client: httpx.AsyncClient,
                                                                     world: World) -> None:
    """Stored, 9999-12-31 broke the calendar feeds and the training matrix for everyone."""
    rows = [{"organisation": "Council A1", "team": "Team A1a", "staff_number": f"R{n}", "given_name": "A",
             "family_name": "B", "email": f"r{n}@a1.example", "started_on": day}
            for n, day in enumerate(("9999-12-31", "01/01/0001", "1900-01-01"), start=1)]
    reply = await post(client, world, "hr_a1", "officers", xlsx(rows), filename="people.xlsx")
    assert reply.status_code == 422
    assert [(e["row"], e["column"]) for e in reply.json()["errors"]] == [(2, "started_on"), (3, "started_on")]
    assert "between 1 January 1900 and 31 December 2199" in reply.json()["errors"][0]["message"]
    assert await Officer.count() == 8

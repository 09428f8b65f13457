"""The training import as one batch (issue 8): the same rules and outcome as recording the rows one by one
(per-row errors, all or nothing, dry run, idempotence, scope), bulk writes in chunks, one audit event per record;
and training.batch itself, checked against the single-record service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from core.audit import record_audits
from core.db import write_transaction
from core.errors import Forbidden, Invalid
from core.tables import AuditEvent
from reports import imports
from tests.factories import World
from tests.reports.reporting import SYSTEM, TODAY
from training import batch
from training import services as training_services
from training.rules import compute_expiry
from training.tables import TrainingRecord

HEADER = "officer,module,completed_on,result,provider,expires_on,expiry_override_reason"


def sheet(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


async def post(client: httpx.AsyncClient, world: World, who: str, content: bytes,
               dry_run: bool = False) -> httpx.Response:
    return await client.post("/api/imports/training", headers=world.auth(who),
                             files={"file": ("training.csv", content, "text/csv")},
                             data={"dry_run": "true"} if dry_run else {})


async def created_events() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await AuditEvent.select().where(
        AuditEvent.action == "training_record.create").order_by(AuditEvent.id).output(load_json=True)
    return rows


async def test_every_imported_record_is_audited_as_the_single_path_audits_it(
        client: httpx.AsyncClient, world: World) -> None:
    single = await training_services.record_completion(
        SYSTEM, today=TODAY, officer_id=world.officers["A1a-1"], module_code="PREVENT",
        completed_on=dt.date(2025, 1, 31), result="pass")
    content = sheet("A1A1,CSAS_CORE,29/02/2024,pass,Police CPI,,", "A1B2,FIRST_AID,2025-03-01,fail,St John,,")
    reply = await post(client, world, "hr_a1", content)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "dry_run": False, "errors": []}
    events = await created_events()
    assert len(events) == 3 and events[0]["entity_id"] == single["id"]
    records = {r["id"]: r for r in await TrainingRecord.select()}
    imported = events[1:]
    assert {e["entity_id"] for e in imported} == set(records) - {single["id"]}
    for event in imported:
        assert event["actor"] == "hr_a1" and event["entity"] == "training_record" and event["before"] is None
        assert set(event["after"]) == set(events[0]["after"])  # the same shape as the single-record path
        assert event["after"]["id"] == event["entity_id"]
    core = next(e["after"] for e in imported if e["after"]["module_code"] == "CSAS_CORE")
    # 29 Feb 2024 + 36 months: the month-end rule, through the same rules as the API
    assert core["completed_on"] == "2024-02-29" and core["expires_on"] == "2027-02-28"
    assert core["provider"] == "Police CPI" and core["officer"] == world.officers["A1a-1"]
    fail = next(e["after"] for e in imported if e["after"]["module_code"] == "FIRST_AID")
    assert fail["result"] == "fail" and fail["expires_on"] is None


async def test_rule_failures_are_reported_per_row_and_nothing_is_written(
        client: httpx.AsyncClient, world: World) -> None:
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    content = sheet(
        "A1A1,CSAS_CORE,2025-02-10,pass,,,",                       # fine on its own
        f"A1A2,CSAS_CORE,{tomorrow},pass,,,",                       # in the future
        "A1B1,PREVENT,2025-02-10,maybe,,,",                         # not a result
        "A1B2,PREVENT,2025-02-10,pass,,2026-01-01,",                # an override with no reason
        "A1B2,FIRST_AID,2025-02-10,fail,,2026-01-01,",              # a fail has no expiry
        "A1A1,NO_SUCH,2025-02-10,pass,,,",                          # parsing: unknown module
    )
    audits = await AuditEvent.count()
    reply = await post(client, world, "hr_a1", content)
    assert reply.status_code == 422
    body = reply.json()
    assert body["code"] == "import_invalid" and body["created"] == 0
    assert body["errors"] == [
        {"row": 3, "column": "completed_on", "message": "completed_on cannot be in the future."},
        {"row": 4, "column": "result", "message": "result must be one of: pass, fail, referred."},
        {"row": 5, "column": "expiry_override_reason",
         "message": "An expiry other than completed_on + the module's validity needs expiry_override_reason."},
        {"row": 6, "column": "expires_on", "message": "Only a pass has an expiry: a fail or referral confers nothing."},
        {"row": 7, "column": "module", "message": "No module with code 'NO_SUCH'."},
    ]
    assert await TrainingRecord.count() == 0 and await AuditEvent.count() == audits


async def test_an_override_with_a_reason_is_kept(client: httpx.AsyncClient, world: World) -> None:
    reply = await post(client, world, "mgr_a1a", sheet("A1A2,PREVENT,2025-02-10,pass,,2026-01-01,certificate says so"))
    assert reply.status_code == 200, reply.text
    row = await TrainingRecord.select().first()
    assert row["expires_on"] == dt.date(2026, 1, 1) and row["expiry_override_reason"] == "certificate says so"


async def test_a_row_repeated_in_the_sheet_is_recorded_once(client: httpx.AsyncClient, world: World) -> None:
    line = "A1A1,CSAS_CORE,2025-02-10,pass,Police CPI,,"
    reply = await post(client, world, "mgr_a1a", sheet(line, line))
    assert reply.status_code == 200, reply.text
    assert (reply.json()["created"], reply.json()["unchanged"]) == (1, 1)
    assert await TrainingRecord.count() == 1 and len(await created_events()) == 1


async def test_a_refused_row_does_not_claim_its_key_for_a_later_row(client: httpx.AsyncClient,
                                                                    world: World) -> None:
    # As row by row: the first row fails its rule, so the second (same officer, module, day and result) is tried
    # on its own merits and is not 'unchanged'. The file is still refused as a whole.
    content = sheet("A1A1,PREVENT,2025-02-10,pass,,2026-01-01,", "A1A1,PREVENT,2025-02-10,pass,,,")
    reply = await post(client, world, "mgr_a1a", content)
    assert reply.status_code == 422
    assert [(e["row"], e["column"]) for e in reply.json()["errors"]] == [(2, "expiry_override_reason")]
    assert reply.json()["unchanged"] == 0 and await TrainingRecord.count() == 0


async def test_dry_run_counts_and_writes_nothing(client: httpx.AsyncClient, world: World) -> None:
    audits = await AuditEvent.count()
    content = sheet("A1A1,CSAS_CORE,2025-02-10,pass,,,", "A1A2,CSAS_CORE,2025-02-10,fail,,,")
    reply = await post(client, world, "mgr_a1a", content, dry_run=True)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "dry_run": True,
                                 "errors": []}
    assert await TrainingRecord.count() == 0 and await AuditEvent.count() == audits


async def test_scope_officers_outside_the_managers_teams_are_not_found(client: httpx.AsyncClient,
                                                                       world: World) -> None:
    reply = await post(client, world, "mgr_a1a", sheet("A1A1,CSAS_CORE,2025-02-10,pass,,,",
                                                       "B1A1,CSAS_CORE,2025-02-10,pass,,,"))
    assert reply.status_code == 422
    assert reply.json()["errors"] == [{"row": 3, "column": "officer",
                                       "message": "No officer with staff number 'B1A1' in your scope."}]
    assert await TrainingRecord.count() == 0


async def test_a_big_sheet_is_written_in_chunks_and_reimports_as_unchanged(world: World) -> None:
    staff = ["A1A1", "A1A2", "A1B1", "A1B2", "A2A1", "A2A2", "B1A1", "B1A2"]
    modules = ("PREVENT", "DATA_PROTECTION", "MODERN_SLAVERY", "RADIO")
    count = 2 * batch.CHUNK + 7
    rows = [{"officer": staff[i % len(staff)], "module": modules[i % len(modules)],
             "completed_on": (dt.date(2020, 1, 1) + dt.timedelta(days=i // len(staff))).isoformat(),
             "result": "pass", "provider": "Bench Academy"} for i in range(count)]
    seen: list[int] = []
    result = await imports.run_import(SYSTEM, "training", rows, today=TODAY, progress=seen.append)
    assert result.errors == [] and result.created == count and result.unchanged == 0
    assert seen == list(range(1, count + 1))
    ids = sorted(r["id"] for r in await TrainingRecord.select(TrainingRecord.id))
    events = await created_events()
    assert len(ids) == count and sorted(e["entity_id"] for e in events) == ids
    radio = await TrainingRecord.select().where(TrainingRecord.module.code == "RADIO").first()
    assert radio["expires_on"] is None  # RADIO never expires
    again = await imports.run_import(SYSTEM, "training", rows, today=TODAY)
    assert (again.created, again.unchanged, again.errors) == (0, count, [])
    assert await TrainingRecord.count() == count and len(await created_events()) == count


# --- training.batch on its own ----------------------------------------------------------------------------

CASES = [
    pytest.param({}, id="valid"),
    pytest.param({"result": "maybe"}, id="bad-result"),
    pytest.param({"completed_on": TODAY + dt.timedelta(days=1)}, id="tomorrow"),
    pytest.param({"completed_on": TODAY}, id="today"),
    pytest.param({"expires_on": dt.date(2026, 1, 1)}, id="override-no-reason"),
    pytest.param({"expires_on": dt.date(2026, 1, 1), "expiry_override_reason": "cert"}, id="override-reason"),
    pytest.param({"expires_on": dt.date(2024, 1, 31), "expiry_override_reason": "cert"}, id="expiry-before"),
    pytest.param({"expires_on": dt.date(2027, 1, 31)}, id="expiry-as-computed"),
    pytest.param({"result": "fail", "expires_on": dt.date(2026, 1, 1)}, id="fail-with-expiry"),
    pytest.param({"provider": "x" * 201}, id="provider-too-long"),
    pytest.param({"module_code": "NO_SUCH"}, id="unknown-module"),
]


@pytest.mark.parametrize("change", CASES)
async def test_batch_checks_agree_with_the_single_record_service(world: World, change: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"officer_id": world.officers["A1a-1"], "module_code": "CSAS_CORE",
                              "completed_on": dt.date(2024, 1, 31), "result": "pass"} | change
    actor = world.principals["mgr_a1a"]
    [found] = await batch.check_completions(actor, today=TODAY, items=[batch.Completion(**fields)])
    try:
        await training_services.record_completion(actor, today=TODAY, **fields)
    except Invalid as exc:
        expected = [(v.code, v.field, v.message) for v in exc.violations]
    else:
        expected = []
    assert [(v.code, v.field, v.message) for v in found] == expected


async def test_batch_refuses_the_lot_naming_each_item(world: World) -> None:
    actor = world.principals["mgr_a1a"]
    items = [
        batch.Completion(world.officers["A1a-1"], "CSAS_CORE", dt.date(2025, 2, 10), "pass"),
        batch.Completion(world.officers["B1a-1"], "CSAS_CORE", dt.date(2025, 2, 10), "pass"),
        batch.Completion(999_999, "CSAS_CORE", dt.date(2025, 2, 10), "pass"),
        batch.Completion(world.officers["A1a-2"], "NO_SUCH", dt.date(2025, 2, 10), "pass"),
    ]
    audits = await AuditEvent.count()
    with pytest.raises(Invalid) as caught:
        await batch.record_completions(actor, today=TODAY, items=items)
    assert [(v.code, v.field) for v in caught.value.violations] == [
        ("out_of_scope", "items[1].officer_id"), ("officer_not_found", "items[2].officer_id"),
        ("unknown_module", "items[3].module_code")]
    assert await TrainingRecord.count() == 0 and await AuditEvent.count() == audits


@pytest.mark.parametrize("who", ["vet_a", "off_a1a1"])
async def test_batch_needs_a_training_writer(world: World, who: str) -> None:
    items = [batch.Completion(world.officers["A1a-1"], "CSAS_CORE", dt.date(2025, 2, 10), "pass")]
    with pytest.raises(Forbidden):
        await batch.check_completions(world.principals[who], today=TODAY, items=items)
    with pytest.raises(Forbidden):
        await batch.record_completions(world.principals[who], today=TODAY, items=items)
    assert await TrainingRecord.count() == 0


async def test_batch_records_with_the_rules_expiry_and_joins_the_callers_transaction(world: World) -> None:
    actor = world.principals["hr_a1"]
    items = [batch.Completion(world.officers["A1a-1"], "CSAS_CORE", dt.date(2024, 1, 31), "pass", provider=" CPI "),
             batch.Completion(world.officers["A1b-1"], "RADIO", dt.date(2024, 1, 31), "pass")]
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await batch.record_completions(actor, today=TODAY, items=items)
            raise RuntimeError("the caller fails after the batch")
    assert await TrainingRecord.count() == 0 and await created_events() == []
    ids = await batch.record_completions(actor, today=TODAY, items=items)
    rows = {r["id"]: r for r in await TrainingRecord.select()}
    assert sorted(rows) == ids
    first, second = (rows[i] for i in ids)
    assert first["expires_on"] == compute_expiry(dt.date(2024, 1, 31), 36) == dt.date(2027, 1, 31)
    assert first["provider"] == "CPI" and second["expires_on"] is None
    assert [e["entity_id"] for e in await created_events()] == ids


async def test_record_audits_writes_one_event_each_in_chunks(world: World) -> None:
    before = await AuditEvent.count()
    events = [(i, None, {"n": i, "on": dt.date(2025, 1, 1)}) for i in range(1, 1203)]
    async with write_transaction():
        assert await record_audits(SYSTEM, "test.bulk", "thing", events) == len(events)
    rows = await AuditEvent.select().where(AuditEvent.action == "test.bulk").order_by(AuditEvent.entity_id) \
        .output(load_json=True)
    assert await AuditEvent.count() == before + len(events)
    assert [r["entity_id"] for r in rows] == list(range(1, 1203))
    assert rows[0]["after"] == {"n": 1, "on": "2025-01-01"} and rows[0]["actor"] == "test"
    assert await record_audits(SYSTEM, "test.bulk", "thing", []) == 0


async def test_a_refusal_at_write_time_is_reported_against_its_row(world: World,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The register may change between the check and the write (another user, another instance): the batch checks
    # again inside its transaction and its refusal names items, which the import maps back to sheet rows.
    async def nothing_wrong(*args: Any, **kwargs: Any) -> list[list[Any]]:
        return [[] for _ in kwargs["items"]]

    monkeypatch.setattr(batch, "check_completions", nothing_wrong)
    rows = [{"officer": "A1A1", "module": "CSAS_CORE", "completed_on": "2025-02-10", "result": "pass"},
            {"officer": "A1A2", "module": "CSAS_CORE", "completed_on": "2025-02-10", "result": "maybe"}]
    result = await imports.run_import(world.principals["mgr_a1a"], "training", rows, today=TODAY)
    assert result.errors == [{"row": 3, "column": "result", "message": "result must be one of: pass, fail, referred."}]
    assert result.created == 0 and await TrainingRecord.count() == 0 and await created_events() == []

"""The stored outlook behind the forecast (scheduler/outlook.py): whatever changes an officer's facts — written by
this instance's services or straight to the database by another instance or a script — makes their stored
judgement out of date (database triggers), and the forecast always equals judging every officer again."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from httpx import AsyncClient

from bench.generate import generate
from core.access import Principal
from core.db import execute, is_sqlite, select_rows
from register import facts as register_facts
from register.accreditations import services as accreditations
from register.facts import accreditation_facts
from scheduler import outlook, services
from tests.factories import World
from training import facts as training_facts
from vetting import facts as vetting_facts

TODAY = dt.date(2026, 11, 22)
END = TODAY + dt.timedelta(days=365)
ACTOR = Principal.system("test")


async def judged_again(day: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The forecast worked out from scratch: every officer in scope judged now."""
    rows = [
        {"officer_id": facts.officer_id, "name": facts.name, "code": power.code, "usable_until": power.usable_until,
         "resumes_on": power.resumes_on, "binding": power.binding}
        for facts, compliance in await services.compliance_for(ACTOR, day)
        for power in compliance.powers
        if power.usable and power.usable_until is not None and power.usable_until < end
    ]
    return sorted(rows, key=lambda r: (r["usable_until"], r["name"], r["officer_id"], r["code"]))


async def officer_of(sql: str) -> set[int]:
    return {row["id"] for row in await select_rows(sql)}


# Each change as another app instance or a script would make it (no service, no audit), and the officers whose
# judgement it touches.
CHANGES = [
    ("kit expiry", "UPDATE kit_issue SET expires_on = '2027-01-10' WHERE id = (SELECT min(id) FROM kit_issue)",
     "SELECT officer AS id FROM kit_issue WHERE id = (SELECT min(id) FROM kit_issue)"),
    ("vetting expiry", "UPDATE vetting_application SET expires_on = '2027-02-01' WHERE id = "
     "(SELECT min(id) FROM vetting_application WHERE granted_on IS NOT NULL)",
     "SELECT officer AS id FROM vetting_application WHERE id = "
     "(SELECT min(id) FROM vetting_application WHERE granted_on IS NOT NULL)"),
    ("accreditation expiry", "UPDATE accreditation SET expires_on = '2027-03-01' WHERE id = "
     "(SELECT max(id) FROM accreditation)",
     "SELECT officer AS id FROM accreditation WHERE id = (SELECT max(id) FROM accreditation)"),
    ("power withdrawn", "UPDATE designated_power SET withdrawn_on = '2026-11-01' WHERE id = "
     "(SELECT min(id) FROM designated_power)",
     "SELECT a.officer AS id FROM designated_power p JOIN accreditation a ON a.id = p.accreditation "
     "WHERE p.id = (SELECT min(id) FROM designated_power)"),
    ("training deleted", "DELETE FROM training_record WHERE id = (SELECT max(id) FROM training_record)",
     "SELECT officer AS id FROM training_record WHERE id = (SELECT max(id) FROM training_record)"),
    ("officer leaving", "UPDATE officer SET left_on = '2027-01-01' WHERE id = (SELECT max(id) FROM officer)",
     "SELECT max(id) AS id FROM officer"),
    ("arrangement ending", "UPDATE organisation SET arrangement_ended_on = '2027-04-01' WHERE id = "
     "(SELECT min(organisation) FROM officer)",
     "SELECT id FROM officer WHERE organisation = (SELECT min(organisation) FROM officer)"),
    ("traffic power", "UPDATE power SET is_traffic = NOT is_traffic WHERE id = (SELECT min(power) FROM "
     "designated_power)", "SELECT id FROM officer"),
]


@pytest.mark.parametrize(("change", "sql", "touched_sql"), CHANGES, ids=[c[0] for c in CHANGES])
async def test_a_change_anywhere_is_judged_again_and_only_there(change: str, sql: str, touched_sql: str) -> None:
    force = await generate(60, TODAY, pack_officers=40)
    ids = sorted(force.officer_ids)
    assert await services.forecast(ACTOR, TODAY, END) == await judged_again(TODAY, END)
    assert await outlook.unjudged(ids, TODAY) == []  # every officer's judgement is stored

    touched = await officer_of(touched_sql)  # read before the change: a deleted row's officer too
    await execute(sql)
    assert set(await outlook.unjudged(ids, TODAY)) == touched & set(ids) != set()
    assert await services.forecast(ACTOR, TODAY, END) == await judged_again(TODAY, END)
    assert await outlook.unjudged(ids, TODAY) == []


async def test_changes_through_the_services_and_another_day_are_judged_again() -> None:
    force = await generate(30, TODAY, pack_officers=30)
    ids = sorted(force.officer_ids)
    first = await services.forecast(ACTOR, TODAY, END)
    accreditation = (await select_rows("SELECT id, officer FROM accreditation ORDER BY id"))[0]
    await accreditations.suspend_accreditation(ACTOR, accreditation["id"], TODAY, "complaint under review", today=TODAY)
    assert await outlook.unjudged(ids, TODAY) == [accreditation["officer"]]
    after = await services.forecast(ACTOR, TODAY, END)
    assert after == await judged_again(TODAY, END)
    assert all(row["officer_id"] != accreditation["officer"] for row in after)  # suspended: nothing usable
    # Events are read only for accreditations that have some: in one batch, exactly the suspended one has them.
    suspended = {a.accreditation_id for rows in (await accreditation_facts(ids, TODAY, frozenset())).values()
                 for a in rows if a.suspensions}
    assert suspended == {accreditation["id"]}
    assert [r for r in first if r["officer_id"] != accreditation["officer"]] == after

    later = TODAY + dt.timedelta(days=40)
    assert await outlook.unjudged(ids, later) == ids  # judged for one day at a time
    assert await services.forecast(ACTOR, later, END) == await judged_again(later, END)
    assert await outlook.unjudged(ids, TODAY) == []  # asking about another day keeps today's judgements
    await outlook.forget_before(later)  # what the sweep on that day does
    assert await outlook.unjudged(ids, TODAY) == ids
    assert await outlook.unjudged(ids, later) == []


async def test_a_policy_change_through_the_api_gives_everyone_a_new_judgement(client: AsyncClient,
                                                                           world: World) -> None:
    await services.forecast(ACTOR, TODAY, END)
    ids = sorted(world.officers.values())
    assert await outlook.unjudged(ids, TODAY) == []
    auth = world.auth("admin")
    policy = (await client.get("/api/policy", headers=auth)).json()
    changed = await client.put("/api/policy", headers=auth, json={"warning_days": policy["warning_days"] + 1})
    assert changed.status_code == 200, changed.text
    assert await outlook.unjudged(ids, TODAY) == ids


# The SQL every judgement reads its facts with, and the tables of the catalogue it is judged under.
FACT_SQL = [register_facts.EMPLOYMENT_SQL, register_facts._ACCREDITATIONS_SQL, register_facts._EVENTS_SQL,
            register_facts._POWERS_SQL, register_facts._KIT_SQL, vetting_facts._GRANTS_SQL,
            vetting_facts._APPLICATIONS_SQL, vetting_facts._DECLARATIONS_SQL, training_facts._PASSES_SQL,
            training_facts._BOOKED_SQL]
CATALOGUE = ["policy_setting", "vetting_level", "training_module", "power", "power_prerequisite"]


async def test_every_table_a_judgement_reads_has_triggers_for_every_kind_of_write() -> None:
    """A new fact read, or a table rebuilt by a later migration, must not leave stored judgements stale for ever."""
    read = {name for sql in FACT_SQL for name in re.findall(r'(?:FROM|JOIN) "(\w+)"', sql)} | set(CATALOGUE)
    if is_sqlite():
        rows = await select_rows("SELECT tbl_name AS t, sql FROM sqlite_master WHERE type = 'trigger'")
        covered = {(row["t"], op) for row in rows for op in ("INSERT", "UPDATE", "DELETE")
                   if f"AFTER {op} ON" in row["sql"]}
    else:
        rows = await select_rows(
            "SELECT c.relname AS t, pg_get_triggerdef(g.oid) AS sql FROM pg_trigger g "
            "JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal")
        covered = {(row["t"], op) for row in rows for op in ("INSERT", "UPDATE", "DELETE") if op in row["sql"]}
    missing = sorted((t, op) for t in read for op in ("INSERT", "UPDATE", "DELETE") if (t, op) not in covered)
    assert len(read) >= 12 and missing == []

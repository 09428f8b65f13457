"""A synthetic force for benchmarks: N officers with realistic accreditations, vetting, training and kit, written
with bulk inserts (not through the services: speed of setting up is not what is measured).

Layout: one force; a "Big Borough" employer holding `pack_officers` officers (the pack is measured on it) and the
rest spread over further employers of 100; teams of 25. Dates are spread so that expiries fall over the next three
years, a few already lapsed, some within the warning window.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from core.dates import add_months
from register.tables import (
    Accreditation,
    DesignatedPower,
    Force,
    KitIssue,
    KitType,
    Officer,
    Organisation,
    Power,
    Team,
)
from training.tables import TrainingModule, TrainingRecord
from vetting.tables import VettingApplication, VettingEvent, VettingLevel

CHUNK = 400
POWERS = ("FPN_LITTER", "FPN_CYCLE_FOOTWAY", "NA_ASB", "NA_RELEVANT_OFFENCE", "ALCOHOL_UNDER_18",
          "TOBACCO_UNDER_16", "PND_DISORDER", "FPN_GRAFFITI_FLYPOSTING", "PHOTOGRAPH")
KIT = ("ID_CARD", "CSAS_BADGE", "HI_VIS_JACKET", "UNIFORM", "STAB_VEST", "NOTEBOOK")
MODULES = ("CSAS_CORE", "PERSONAL_SAFETY", "FIRST_AID", "SAFEGUARDING", "PENALTY_NOTICES")


@dataclass
class SyntheticForce:
    force_id: int
    big_organisation_id: int
    officer_ids: list[int] = field(default_factory=list)
    staff_numbers: list[str] = field(default_factory=list)


async def _bulk(table: Any, rows: list[Any]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        result = await table.insert(*rows[start:start + CHUNK]).returning(table.id)
        ids.extend(r["id"] for r in result)
    return ids


async def _codes(table: Any) -> dict[str, int]:
    return {r["code"]: r["id"] for r in await table.select(table.id, table.code)}


async def generate(officers: int, today: dt.date, pack_officers: int = 500, seed: int = 8) -> SyntheticForce:
    rnd = random.Random(seed)
    force_id = (await Force.insert(Force(name="Benchshire Police", code="BENCH")).returning(Force.id))[0]["id"]
    sizes = [min(pack_officers, officers)]
    while sum(sizes) < officers:
        sizes.append(min(100, officers - sum(sizes)))
    org_ids = await _bulk(Organisation, [
        Organisation(name="Big Borough Council" if i == 0 else f"District {i} Council", force=force_id,
                     kind="council", arrangement_approved_on=today - dt.timedelta(days=900),
                     arrangement_review_due_on=add_months(today, 18))
        for i in range(len(sizes))])
    team_rows: list[Any] = []
    team_org: list[int] = []
    for org_id, size in zip(org_ids, sizes, strict=True):
        for t in range((size + 24) // 25):
            team_rows.append(Team(name=f"Team {t + 1}", organisation=org_id))
            team_org.append(org_id)
    team_ids = await _bulk(Team, team_rows)
    teams_by_org: dict[int, list[int]] = {}
    for team_id, org_id in zip(team_ids, team_org, strict=True):
        teams_by_org.setdefault(org_id, []).append(team_id)

    people: list[Any] = []
    staff: list[str] = []
    for org_id, size in zip(org_ids, sizes, strict=True):
        for n in range(size):
            number = f"B{len(staff):06d}"
            staff.append(number)
            people.append(Officer(
                organisation=org_id, team=teams_by_org[org_id][n // 25], staff_number=number,
                given_name=rnd.choice(("Amelia", "Oliver", "Priya", "James", "Grace", "Kwame", "Zara", "Marek")),
                family_name=rnd.choice(("Patel", "Hughes", "Okafor", "Clarke", "Walsh", "Nowak", "Reid")) + str(n),
                email=f"{number.lower()}@bench.example", started_on=today - dt.timedelta(days=rnd.randint(400, 4000)),
                left_on=None))
    officer_ids = await _bulk(Officer, people)

    powers, kit_types, modules = await _codes(Power), await _codes(KitType), await _codes(TrainingModule)
    validity = {r["code"]: r["validity_months"] for r in await TrainingModule.select(
        TrainingModule.code, TrainingModule.validity_months)}
    levels = {r["code"]: r for r in await VettingLevel.select(VettingLevel.id, VettingLevel.code,
                                                              VettingLevel.renewal_months)}
    accs: list[Any] = []
    expiries: list[dt.date] = []
    for i, officer_id in enumerate(officer_ids):
        expires_on = today + dt.timedelta(days=rnd.randint(-20, 1000))
        expiries.append(expires_on)
        accs.append(Accreditation(officer=officer_id, force=force_id, number=f"BEN/{i:06d}",
                                  granted_on=add_months(expires_on, -24), expires_on=expires_on, conditions=""))
    acc_ids = await _bulk(Accreditation, accs)
    designated = [DesignatedPower(accreditation=acc_id, power=powers[code], granted_on=acc.granted_on)
                  for acc_id, acc in zip(acc_ids, accs, strict=True)
                  for code in POWERS[:rnd.randint(5, len(POWERS))] if code in powers]
    await _bulk(DesignatedPower, designated)

    apps: list[Any] = []
    for officer_id in officer_ids:
        level = levels["NPPV2A"] if rnd.random() < 0.8 else levels["NPPV3"]
        granted_on = today - dt.timedelta(days=rnd.randint(30, 1200))
        expires_on = add_months(granted_on, level["renewal_months"])
        apps.append(VettingApplication(
            officer=officer_id, level=level["id"], requested_on=granted_on - dt.timedelta(days=70),
            status="granted", force_reference=f"SV/{officer_id}", submitted_on=granted_on - dt.timedelta(days=65),
            decided_on=granted_on, granted_on=granted_on, expires_on=expires_on, last_event_on=granted_on,
            next_review_due_on=add_months(granted_on, 12) if level["code"] == "NPPV3" else None))
    for officer_id in officer_ids[::20]:  # an open queue
        apps.append(VettingApplication(officer=officer_id, level=levels["NPPV2A"]["id"],
                                       requested_on=today - dt.timedelta(days=rnd.randint(1, 200)),
                                       status="submitted", last_event_on=today - dt.timedelta(days=1)))
    app_ids = await _bulk(VettingApplication, apps)
    await _bulk(VettingEvent, [VettingEvent(application=app_id, status=app.status, occurred_on=app.last_event_on,
                                            note=None, actor="bench")
                               for app_id, app in zip(app_ids, apps, strict=True)])

    records: list[Any] = []
    for officer_id in officer_ids:
        for code in MODULES:
            if code not in modules:
                continue
            months = validity.get(code) or 36
            completed_on = today - dt.timedelta(days=rnd.randint(20, months * 30))
            records.append(TrainingRecord(officer=officer_id, module=modules[code], completed_on=completed_on,
                                          result="pass", provider="Bench Academy", certificate_ref="",
                                          qualification_title="", expires_on=add_months(completed_on, months),
                                          expiry_override_reason="", booking=None))
    await _bulk(TrainingRecord, records)

    issues: list[Any] = []
    for i, officer_id in enumerate(officer_ids):
        for code in KIT:
            if code not in kit_types:
                continue
            issued_on = today - dt.timedelta(days=rnd.randint(30, 700))
            issues.append(KitIssue(
                officer=officer_id, kit_type=kit_types[code], issued_on=issued_on, issued_by="bench",
                serial_number=f"{code[:3]}-{i:06d}" if code in ("ID_CARD", "NOTEBOOK") else None,
                size="M", manufactured_on=None,
                expires_on=expiries[i] if code == "ID_CARD" else (
                    add_months(issued_on, 60) if code == "STAB_VEST" else None),
                condition="serviceable", last_inspected_on=None,
                next_inspection_due_on=add_months(issued_on, 12) if code == "STAB_VEST" else None,
                needs_replacement=False, returned_on=None))
    await _bulk(KitIssue, issues)
    return SyntheticForce(force_id=force_id, big_organisation_id=org_ids[0], officer_ids=officer_ids,
                          staff_numbers=staff)

"""A synthetic force for benchmarks: N officers with realistic accreditations, vetting, training and kit, and the
users who receive reminders, written with bulk multi-row inserts in one transaction (not through the services:
the speed of setting up is not what is measured). 100,000 officers take a couple of minutes on SQLite.

Layout: one force; a "Big Borough" employer of `pack_officers` officers (the compliance pack is measured on it);
from 10,000 officers up, a "Metropolitan City" employer of exactly 10,000 (the forecast is measured on it), so a
"10k" force holds 10,500 officers; the rest in employers of 100; teams of 25, each with a manager; one CSAS
coordinator and one vetting officer for the force. Dates are spread so that expiries fall over the next three
years, a few already lapsed, some within the warning window; some officers already have a refresher booked, a
renewal application open, or a stab vest due for inspection.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

from core.dates import add_months
from core.db import get_engine
from core.security import hash_password
from core.tables import User
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
from training.tables import TrainingBooking, TrainingModule, TrainingRecord
from vetting.tables import VettingApplication, VettingEvent, VettingLevel

MAX_PARAMETERS = 30_000  # per statement: under SQLite's 32,766 and asyncpg's 32,767
FORECAST_ORGANISATION_SIZE = 10_000
TEAM_SIZE = 25
BENCH_PASSWORD = "bench-password-not-secret"
COORDINATOR = "bench_coordinator"
POWERS = ("FPN_LITTER", "FPN_CYCLE_FOOTWAY", "NA_ASB", "NA_RELEVANT_OFFENCE", "ALCOHOL_UNDER_18",
          "TOBACCO_UNDER_16", "PND_DISORDER", "FPN_GRAFFITI_FLYPOSTING", "PHOTOGRAPH")
KIT = ("ID_CARD", "CSAS_BADGE", "HI_VIS_JACKET", "UNIFORM", "STAB_VEST", "NOTEBOOK")
MODULES = ("CSAS_CORE", "PERSONAL_SAFETY", "FIRST_AID", "SAFEGUARDING", "PENALTY_NOTICES")


@dataclass
class SyntheticForce:
    force_id: int
    big_organisation_id: int
    forecast_organisation_id: int | None = None  # the 10,000-officer employer, when there is one
    officer_ids: list[int] = field(default_factory=list)
    staff_numbers: list[str] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    coordinator: str = COORDINATOR


async def _bulk(table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]], returning: bool = True) -> list[int]:
    """Multi-row INSERTs of plain tuples (column order as given), chunked under the parameter limit."""
    ids: list[int] = []
    if not rows:
        return ids
    per_row = "(" + ", ".join("{}" for _ in columns) + ")"
    head = f'INSERT INTO "{table._meta.tablename}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) VALUES '
    chunk = max(1, MAX_PARAMETERS // len(columns))
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        sql = head + ", ".join(per_row for _ in part) + (' RETURNING "id"' if returning else "")
        result = await table.raw(sql, *(value for row in part for value in row))
        if returning:
            ids.extend(r["id"] for r in result)
    return ids


async def _codes(table: Any) -> dict[str, int]:
    return {r["code"]: r["id"] for r in await table.select(table.id, table.code)}


def organisation_sizes(officers: int, pack_officers: int) -> list[int]:
    """Officers per employer: the pack's employer first, then the 10,000 of the forecast's from 10,000 up."""
    sizes = [min(pack_officers, officers)]
    if officers >= FORECAST_ORGANISATION_SIZE:
        sizes.append(FORECAST_ORGANISATION_SIZE)
    while sum(sizes) < officers:
        sizes.append(min(100, officers - sum(sizes)))
    return sizes


async def generate(officers: int, today: dt.date, pack_officers: int = 500, seed: int = 8) -> SyntheticForce:
    async with get_engine().transaction():
        return await _generate(officers, today, pack_officers, seed)


async def _generate(officers: int, today: dt.date, pack_officers: int, seed: int) -> SyntheticForce:
    rnd = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    force_id = (await Force.insert(Force(name="Benchshire Police", code="BENCH")).returning(Force.id))[0]["id"]
    sizes = organisation_sizes(officers, pack_officers)
    names = ["Big Borough Council"] + (["Metropolitan City Council"] if officers >= FORECAST_ORGANISATION_SIZE else [])
    names += [f"District {i} Council" for i in range(1, len(sizes) - len(names) + 1)]
    org_ids = await _bulk(Organisation, (
        "name", "force", "kind", "arrangement_approved_on", "arrangement_review_due_on", "arrangement_ended_on",
        "created_at"), [(name, force_id, "council", today - dt.timedelta(days=900), add_months(today, 18), None, now)
                        for name in names])
    team_rows: list[tuple[Any, ...]] = []
    team_org: list[int] = []
    for org_id, size in zip(org_ids, sizes, strict=True):
        for t in range((size + TEAM_SIZE - 1) // TEAM_SIZE):
            team_rows.append((f"Team {t + 1}", org_id, now))
            team_org.append(org_id)
    team_ids = await _bulk(Team, ("name", "organisation", "created_at"), team_rows)
    teams_by_org: dict[int, list[int]] = {}
    for team_id, org_id in zip(team_ids, team_org, strict=True):
        teams_by_org.setdefault(org_id, []).append(team_id)

    people: list[tuple[Any, ...]] = []
    staff: list[str] = []
    for org_id, size in zip(org_ids, sizes, strict=True):
        for n in range(size):
            number = f"B{len(staff):06d}"
            staff.append(number)
            people.append((
                org_id, teams_by_org[org_id][n // TEAM_SIZE], number,
                rnd.choice(("Amelia", "Oliver", "Priya", "James", "Grace", "Kwame", "Zara", "Marek")),
                rnd.choice(("Patel", "Hughes", "Okafor", "Clarke", "Walsh", "Nowak", "Reid")) + str(n),
                f"{number.lower()}@bench.example", today - dt.timedelta(days=rnd.randint(400, 4000)), None, now))
    officer_ids = await _bulk(Officer, ("organisation", "team", "staff_number", "given_name", "family_name", "email",
                                        "started_on", "left_on", "created_at"), people)

    # Who reminders go to: a manager per team, the force's coordinator and vetting officer (one password hash).
    password_hash = hash_password(BENCH_PASSWORD)
    users = [(COORDINATOR, "coordinator@bench.example", password_hash, "csas_coordinator", force_id, None, "[]",
              None, True, now),
             ("bench_vetting", "vetting@bench.example", password_hash, "vetting_officer", force_id, None, "[]",
              None, True, now)]
    users += [(f"bench_manager_{team_id}", f"manager{team_id}@bench.example", password_hash, "manager", None, None,
               json.dumps([team_id]), None, True, now) for team_id in team_ids]
    await _bulk(User, ("username", "email", "password_hash", "role", "force_id", "organisation_id", "team_ids",
                       "officer_id", "is_active", "created_at"), users, returning=False)

    powers, kit_types, modules = await _codes(Power), await _codes(KitType), await _codes(TrainingModule)
    validity = {r["code"]: r["validity_months"] for r in await TrainingModule.select(
        TrainingModule.code, TrainingModule.validity_months)}
    levels = {r["code"]: r for r in await VettingLevel.select(VettingLevel.id, VettingLevel.code,
                                                              VettingLevel.renewal_months)}
    accs: list[tuple[Any, ...]] = []
    expiries: list[dt.date] = []
    for i, officer_id in enumerate(officer_ids):
        expires_on = today + dt.timedelta(days=rnd.randint(-20, 1000))
        expiries.append(expires_on)
        granted_on = add_months(expires_on, -24)
        accs.append((officer_id, force_id, f"BEN/{i:06d}", granted_on, expires_on, "", None, None,
                     None, "", min(granted_on, today), now))
    acc_ids = await _bulk(Accreditation, ("officer", "force", "number", "granted_on", "expires_on", "conditions",
                                          "suspended_on", "withdrawn_on", "ended_on", "ended_reason", "recorded_on",
                                          "created_at"), accs)
    designated = [(acc_id, powers[code], acc[3], None, "", now)
                  for acc_id, acc in zip(acc_ids, accs, strict=True)
                  for code in POWERS[:rnd.randint(5, len(POWERS))] if code in powers]
    await _bulk(DesignatedPower, ("accreditation", "power", "granted_on", "withdrawn_on", "withdrawn_reason",
                                  "created_at"), designated, returning=False)

    app_columns = ("officer", "level", "requested_on", "status", "force_reference", "submitted_on", "decided_on",
                   "granted_on", "expires_on", "next_review_due_on", "last_event_on", "renews", "created_at")
    apps: list[tuple[Any, ...]] = []
    for officer_id in officer_ids:
        level = levels["NPPV2A"] if rnd.random() < 0.8 else levels["NPPV3"]
        granted_on = today - dt.timedelta(days=rnd.randint(30, 1200))
        apps.append((officer_id, level["id"], granted_on - dt.timedelta(days=70), "granted", f"SV/{officer_id}",
                     granted_on - dt.timedelta(days=65), granted_on, granted_on,
                     add_months(granted_on, level["renewal_months"]),
                     add_months(granted_on, 12) if level["code"] == "NPPV3" else None, granted_on, None, now))
    app_ids = await _bulk(VettingApplication, app_columns, apps)
    renewals: list[tuple[Any, ...]] = []
    for app_id, app in zip(app_ids[::20], apps[::20], strict=True):  # an open queue: renewals submitted
        requested_on = today - dt.timedelta(days=rnd.randint(1, 200))
        renewals.append((app[0], levels["NPPV2A"]["id"], requested_on, "submitted", None, requested_on, None, None,
                         None, None, requested_on, app_id, now))
    renewal_ids = await _bulk(VettingApplication, app_columns, renewals)
    await _bulk(VettingEvent, ("application", "status", "occurred_on", "note", "actor", "created_at"),
                [(app_id, app[3], app[10], None, "bench", now)
                 for app_id, app in zip(app_ids + renewal_ids, apps + renewals, strict=True)], returning=False)

    records: list[tuple[Any, ...]] = []
    bookings: list[tuple[Any, ...]] = []
    for officer_id in officer_ids:
        for code in MODULES:
            if code not in modules:
                continue
            months = validity.get(code) or 36
            completed_on = today - dt.timedelta(days=rnd.randint(20, months * 30))
            expires_on = add_months(completed_on, months)
            records.append((officer_id, modules[code], completed_on, "pass", "Bench Academy", "", "", expires_on,
                            "", None, now))
            if (expires_on - today).days < 120 and rnd.random() < 0.3:  # a refresher already booked
                bookings.append((officer_id, modules[code], expires_on - dt.timedelta(days=rnd.randint(5, 40)),
                                 "Bench Academy", "booked", None, "", today - dt.timedelta(days=1), now))
    await _bulk(TrainingRecord, ("officer", "module", "completed_on", "result", "provider", "certificate_ref",
                                 "qualification_title", "expires_on", "expiry_override_reason", "booking",
                                 "created_at"), records, returning=False)
    await _bulk(TrainingBooking, ("officer", "module", "starts_on", "provider", "status", "status_on",
                                  "status_reason", "recorded_on", "created_at"), bookings, returning=False)

    issues: list[tuple[Any, ...]] = []
    for i, officer_id in enumerate(officer_ids):
        for code in KIT:
            if code not in kit_types:
                continue
            issued_on = today - dt.timedelta(days=rnd.randint(30, 700))
            issues.append((
                officer_id, kit_types[code], issued_on, "bench",
                f"{code[:3]}-{i:06d}" if code in ("ID_CARD", "NOTEBOOK") else None, "M", None,
                expiries[i] if code == "ID_CARD" else (add_months(issued_on, 60) if code == "STAB_VEST" else None),
                "serviceable", None, add_months(issued_on, 12) if code == "STAB_VEST" else None, False, None, now))
    await _bulk(KitIssue, ("officer", "kit_type", "issued_on", "issued_by", "serial_number", "size",
                           "manufactured_on", "expires_on", "condition", "last_inspected_on", "next_inspection_due_on",
                           "needs_replacement", "returned_on", "created_at"), issues, returning=False)
    return SyntheticForce(force_id=force_id, big_organisation_id=org_ids[0],
                          forecast_organisation_id=org_ids[1] if officers >= FORECAST_ORGANISATION_SIZE else None,
                          officer_ids=officer_ids, staff_numbers=staff, team_ids=team_ids)

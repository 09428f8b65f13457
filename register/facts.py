"""The register's facts as other domains read them: typed, frozen values built once, straight from the rows, with
the in-force predicates that judge them and the only hand-written SQL that reads the register's tables for
others (the scheduler's judgements start here: every officer judged reads these queries).

Every date follows domain.md §8: `expires_on` is the first day no longer valid; an end date (`ended_on`,
`withdrawn_on`, `left_on`) is the first day something no longer holds.

FACT_TABLES names the tables whose rows feed these facts, CATALOGUE_TABLES those whose rows feed every officer's:
the scheduler's database triggers watch exactly these (migrations scheduler_2026_11_23t00_50_00 and t02_00_00;
tests/scheduler/test_fact_tables.py fails when a table here has no trigger), so a stored outlook is known to be
out of date whichever code path changed a row. A new table read below must be added here, and given a trigger.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

from core.dates import counted_from
from core.db import any_id, ids_argument, select_rows
from register.accreditations.rules import Period, is_suspended_on, suspension_periods

FACT_TABLES = ("officer", "organisation", "accreditation", "designated_power", "accreditation_event", "kit_issue")
CATALOGUE_TABLES = ("power", "kit_type")


# --- the facts ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EmployerFact:
    organisation_id: int
    name: str
    approved_on: dt.date | None
    ended_on: dt.date | None
    review_due_on: dt.date | None
    force_id: int | None = None  # the force the employer's arrangement is with


@dataclass(frozen=True)
class PersonFact:
    """The officer's own row with their employer's arrangement (one query for a batch: person_facts)."""

    officer_id: int
    name: str
    team_id: int | None
    employer: EmployerFact
    left_on: dt.date | None = None
    email: str = ""  # where the officer's own reminders go (empty: none)

    @classmethod
    def of(cls, row: dict[str, Any]) -> PersonFact:
        """From a row of EMPLOYMENT_SQL (also read, with its scope, by
        register.officers.employment.visible_employment)."""
        return cls(
            officer_id=row["id"], name=f"{row['given_name']} {row['family_name']}", team_id=row["team"],
            employer=EmployerFact(row["organisation"], row["organisation_name"], row["arrangement_approved_on"],
                                  row["arrangement_ended_on"], row["arrangement_review_due_on"], row["force_id"]),
            left_on=row["left_on"], email=row["email"] or "",
        )


@dataclass(frozen=True)
class DesignatedPowerFact:
    code: str
    granted_on: dt.date
    withdrawn_on: dt.date | None = None
    is_traffic: bool = False


@dataclass(frozen=True)
class AccreditationFact:
    accreditation_id: int
    force_id: int
    number: str
    granted_on: dt.date
    expires_on: dt.date
    powers: tuple[DesignatedPowerFact, ...] = ()
    ended_on: dt.date | None = None  # withdrawn, superseded or ended by leaving: first day no longer in force
    suspensions: tuple[Period, ...] = ()  # (suspended_on, reinstated_on)
    recorded_on: dt.date | None = None  # the day it was entered (None: entered before that was kept)

    @property
    def closed_on(self) -> dt.date | None:
        """ended_on under the name register.accreditations.rules.AccreditationDates gives it, so one predicate
        (is_accreditation_in_force) judges both."""
        return self.ended_on

    @property
    def counted_from(self) -> dt.date:
        return counted_from(self.recorded_on, self.granted_on)


@dataclass(frozen=True)
class KitFact:
    issue_id: int
    kit_type_code: str
    issued_on: dt.date
    returned_on: dt.date | None = None
    expires_on: dt.date | None = None
    next_inspection_due_on: dt.date | None = None
    condition: str = "new"
    serial_number: str = ""


# --- what is in force on a day ------------------------------------------------------------------------

class AccreditationPeriod(Protocol):
    """What is_accreditation_in_force reads: an AccreditationFact, or the register's own AccreditationDates."""

    @property
    def granted_on(self) -> dt.date: ...
    @property
    def expires_on(self) -> dt.date: ...
    @property
    def closed_on(self) -> dt.date | None: ...
    @property
    def suspensions(self) -> tuple[Period, ...]: ...


def is_accreditation_in_force(accreditation: AccreditationPeriod, day: dt.date) -> bool:
    """granted_on <= day < expires_on, not withdrawn or ended on or before day, not suspended on day (a suspension
    from S reinstated on R covers S up to the day before R)."""
    closed = accreditation.closed_on
    if not (accreditation.granted_on <= day < accreditation.expires_on and (closed is None or day < closed)):
        return False
    return not is_suspended_on(accreditation.suspensions, day)


def is_power_in_force(granted_on: dt.date, withdrawn_on: dt.date | None, day: dt.date) -> bool:
    """A designation is in force from granted_on until the day before withdrawn_on (its accreditation aside)."""
    return granted_on <= day and (withdrawn_on is None or day < withdrawn_on)


def is_arrangement_in_force(approved_on: dt.date | None, ended_on: dt.date | None, day: dt.date) -> bool:
    """An employer's scheme arrangement is in force once approved and until the day it ends."""
    return approved_on is not None and approved_on <= day and (ended_on is None or day < ended_on)


# --- loading them -------------------------------------------------------------------------------------

EMPLOYMENT_SQL = (
    'SELECT o."id", o."given_name", o."family_name", o."email", o."team", o."left_on", o."organisation", '
    'g."name" AS "organisation_name", g."force" AS "force_id", g."arrangement_approved_on", '
    'g."arrangement_ended_on", g."arrangement_review_due_on" '
    'FROM "officer" o JOIN "organisation" g ON g."id" = o."organisation" WHERE '
)
_ACCREDITATIONS_SQL = (
    'SELECT a."id", a."officer", a."force", a."number", a."granted_on", a."expires_on", a."withdrawn_on", '
    'a."ended_on", a."recorded_on", '
    'EXISTS (SELECT 1 FROM "accreditation_event" e WHERE e."accreditation" = a."id") AS "has_events" '
    'FROM "accreditation" a WHERE {officers} ORDER BY a."granted_on", a."id"'
)
_EVENTS_SQL = (
    'SELECT e."accreditation", e."kind", e."effective_on" FROM "accreditation_event" e WHERE {accreditations} '
    'ORDER BY e."id"'
)
_POWERS_SQL = (
    'SELECT p."accreditation", w."code", p."granted_on", p."withdrawn_on" FROM "designated_power" p '
    'LEFT JOIN "power" w ON w."id" = p."power" WHERE {accreditations} ORDER BY p."id"'
)
_KIT_SQL = (
    'SELECT k."id", k."officer", t."code" AS "kit_type_code", k."issued_on", k."returned_on", k."condition", '
    'k."expires_on", k."next_inspection_due_on", k."serial_number" '
    'FROM "kit_issue" k LEFT JOIN "kit_type" t ON t."id" = k."kit_type" WHERE {officers} '
    'ORDER BY k."issued_on", k."id"'
)


async def employment_rows(officer_ids: list[int]) -> dict[int, dict[str, Any]]:
    """officer id -> the officer's row of EMPLOYMENT_SQL (name, email, team, leaving day, employer arrangement),
    for readers that show it rather than judge it."""
    if not officer_ids:
        return {}
    rows = await select_rows(EMPLOYMENT_SQL + any_id('o."id"'), ids_argument(officer_ids))
    return {row["id"]: row for row in rows}


async def person_facts(officer_ids: list[int]) -> dict[int, PersonFact]:
    """officer id -> PersonFact, for the officers that exist (one query)."""
    return {officer_id: PersonFact.of(row) for officer_id, row in (await employment_rows(officer_ids)).items()}


async def accreditation_facts(
    officer_ids: list[int], as_of: dt.date, traffic_powers: frozenset[str],
) -> dict[int, tuple[AccreditationFact, ...]]:
    """Per officer (every id asked for is a key), the accreditations known by as_of (counted_from on or before it,
    domain.md §8a), in grant order; a power is a traffic power when its code is in traffic_powers (the
    scheduler's catalogue, read once per judgement with the policy). At most three queries whatever the number
    of officers: the events only when an accreditation has any, as few do (a query costs more than the EXISTS
    that spares it)."""
    found: dict[int, list[AccreditationFact]] = {officer_id: [] for officer_id in officer_ids}
    rows = await select_rows(_ACCREDITATIONS_SQL.format(officers=any_id('a."officer"')),
                             ids_argument(officer_ids)) if officer_ids else []
    if rows:
        events: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
        with_events = [r["id"] for r in rows if r["has_events"]]
        if with_events:
            for e in await select_rows(_EVENTS_SQL.format(accreditations=any_id('e."accreditation"')),
                                       ids_argument(with_events)):
                events[e["accreditation"]].append((e["kind"], e["effective_on"]))
        powers: dict[int, list[DesignatedPowerFact]] = defaultdict(list)
        for p in await select_rows(_POWERS_SQL.format(accreditations=any_id('p."accreditation"')),
                                   ids_argument(r["id"] for r in rows)):
            powers[p["accreditation"]].append(
                DesignatedPowerFact(p["code"], p["granted_on"], p["withdrawn_on"], p["code"] in traffic_powers))
        for row in rows:
            withdrawn_on, ended_on = row["withdrawn_on"], row["ended_on"]
            fact = AccreditationFact(
                accreditation_id=row["id"], force_id=row["force"], number=row["number"],
                granted_on=row["granted_on"], expires_on=row["expires_on"], powers=tuple(powers[row["id"]]),
                ended_on=ended_on if withdrawn_on is None else withdrawn_on if ended_on is None
                else min(withdrawn_on, ended_on),
                suspensions=suspension_periods(events[row["id"]]) if row["id"] in events else (),
                recorded_on=row["recorded_on"],
            )
            if fact.counted_from <= as_of:
                found[row["officer"]].append(fact)
    return {officer_id: tuple(facts) for officer_id, facts in found.items()}


async def kit_facts(officer_ids: list[int]) -> dict[int, tuple[KitFact, ...]]:
    """Per officer (every id asked for is a key), every kit issue in issue order (one query)."""
    found: dict[int, list[KitFact]] = {officer_id: [] for officer_id in officer_ids}
    if officer_ids:
        for row in await select_rows(_KIT_SQL.format(officers=any_id('k."officer"')), ids_argument(officer_ids)):
            found[row["officer"]].append(KitFact(
                issue_id=row["id"], kit_type_code=row["kit_type_code"], issued_on=row["issued_on"],
                returned_on=row["returned_on"], expires_on=row["expires_on"],
                next_inspection_due_on=row["next_inspection_due_on"],
                condition=row["condition"] or "serviceable", serial_number=row["serial_number"] or ""))
    return {officer_id: tuple(facts) for officer_id, facts in found.items()}

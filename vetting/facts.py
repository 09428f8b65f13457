"""Vetting's facts as the scheduler reads them: typed, frozen values built once, straight from the rows, and the
only hand-written SQL that reads vetting's tables for others (every officer judged reads these queries).

Only what was recorded on or before `as_of` counts: a later revocation or renewal request is absent, so a
judgement "as of" a past day sees that day's history. FACT_TABLES names the tables whose rows feed these facts,
CATALOGUE_TABLES those whose rows feed every officer's: the scheduler's database triggers watch exactly these
(tests/scheduler/test_fact_tables.py fails when one has no trigger).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.db import any_id, ids_argument, select_rows
from vetting import rules
from vetting.rules import DeclarationKind, Status

FACT_TABLES = ("vetting_application", "declaration")
CATALOGUE_TABLES = ("vetting_level",)


@dataclass(frozen=True)
class ApplicationFact:
    """An application as it stood on `as_of`; `stopped_on` is the day it was refused, withdrawn, discontinued,
    revoked or terminated (None while it is alive)."""

    application_id: int
    level_code: str
    requested_on: dt.date
    stopped_on: dt.date | None = None


@dataclass(frozen=True)
class ClearanceFact:
    """One granted clearance as it stood on `as_of`. Whether its level is accepted for CSAS is the scheduler's
    policy (Policy.accepted_vetting_levels), not the level's flag: the facts carry the level's code only."""

    application_id: int
    level_code: str
    granted_on: dt.date
    expires_on: dt.date
    next_review_due_on: dt.date | None = None
    ended_on: dt.date | None = None  # revoked or terminated: the first day it no longer counts
    # Applications of the same officer requested on or after this grant (as of as_of): the candidates for its
    # renewal. Which of them counts is the scheduler's rule (scheduler.renewals), not the loader's.
    later_applications: tuple[ApplicationFact, ...] = ()
    ended_status: str | None = None  # 'revoked' or 'terminated' when ended_on is set


_GRANTS_SQL = (
    'SELECT a."id", a."officer", a."status", a."granted_on", a."expires_on", a."closed_on", l."code" AS "level_code", '
    'l."has_annual_review", '
    'EXISTS (SELECT 1 FROM "vetting_application" r WHERE r."officer" = a."officer" AND r."id" <> a."id" '
    'AND r."requested_on" >= a."granted_on") AS "has_later_applications" '
    'FROM "vetting_application" a '
    'LEFT JOIN "vetting_level" l ON l."id" = a."level" '
    'WHERE {officers} AND a."granted_on" IS NOT NULL AND a."granted_on" <= {{}} ORDER BY a."granted_on", a."id"'
)
_APPLICATIONS_SQL = (
    'SELECT a."id", a."officer", a."requested_on", a."status", a."decided_on", a."closed_on", '
    'l."code" AS "level_code" FROM "vetting_application" a LEFT JOIN "vetting_level" l ON l."id" = a."level" '
    'WHERE {officers} AND a."requested_on" <= {{}} ORDER BY a."requested_on", a."id"'
)
_DECLARATIONS_SQL = (
    'SELECT d."officer", d."made_on" FROM "declaration" d WHERE {officers} AND d."kind" = {{}} '
    'AND d."acknowledged_on" IS NOT NULL AND d."acknowledged_on" <= {{}}'
)
_STOPPED_BY_DECISION = frozenset({Status.REFUSED, Status.UPHELD})
_STOPPED_BY_CLOSING = frozenset({Status.WITHDRAWN, Status.DISCONTINUED, Status.REVOKED, Status.TERMINATED})


def _application_fact(row: dict[str, Any], as_of: dt.date) -> ApplicationFact:
    stopped = row["decided_on"] if row["status"] in _STOPPED_BY_DECISION else \
        row["closed_on"] if row["status"] in _STOPPED_BY_CLOSING else None
    return ApplicationFact(application_id=row["id"], level_code=row["level_code"], requested_on=row["requested_on"],
                           stopped_on=stopped if stopped is not None and stopped <= as_of
                           else None)


async def clearance_facts(
    officer_ids: list[int], as_of: dt.date, annual_review: Mapping[str, bool] | None = None,
) -> dict[int, tuple[ClearanceFact, ...]]:
    """Per officer (every id asked for is a key), each clearance granted on or before as_of with an expiry, as it
    stood that day, with the applications requested after it (its candidate renewals): a revocation or an
    application dated after as_of does not count. At most three queries.

    annual_review: level code -> whether it has an annual review, in place of the level's stored flag (a policy
    previewed before it is saved, scheduler.policy_preview)."""
    out: dict[int, list[ClearanceFact]] = {officer_id: [] for officer_id in officer_ids}
    if not officer_ids:
        return {}
    ids = sorted(set(officer_ids))
    grants = await select_rows(_GRANTS_SQL.format(officers=any_id('a."officer"')), ids_argument(ids), as_of)
    if annual_review:
        grants = [{**g, "has_annual_review": annual_review.get(g["level_code"], g["has_annual_review"])}
                  for g in grants]
    if not grants:
        return {officer_id: () for officer_id in out}
    # Later applications are read only for officers who have one, as most have not: a query costs more than the
    # EXISTS.
    applying = sorted({g["officer"] for g in grants if g["has_later_applications"]})
    applications: dict[int, list[ApplicationFact]] = defaultdict(list)
    if applying:
        for row in await select_rows(_APPLICATIONS_SQL.format(officers=any_id('a."officer"')),
                                     ids_argument(applying), as_of):
            applications[row["officer"]].append(_application_fact(row, as_of))
    # Self-declarations only move the next annual review: no grant at a level with one, no query.
    reviewed = sorted({g["officer"] for g in grants if g["has_annual_review"]})
    declarations = await select_rows(_DECLARATIONS_SQL.format(officers=any_id('d."officer"')),
                                     ids_argument(reviewed), DeclarationKind.ANNUAL_SELF_DECLARATION.value,
                                     as_of) if reviewed else []
    declared: dict[int, list[dt.date]] = defaultdict(list)
    for declaration in declarations:
        declared[declaration["officer"]].append(declaration["made_on"])
    for grant in grants:
        if grant["expires_on"] is None:  # not a clearance anything can rest on (granted without an expiry)
            continue
        granted_on: dt.date = grant["granted_on"]
        ended = grant["status"] in (Status.REVOKED, Status.TERMINATED) and grant["closed_on"] is not None \
            and grant["closed_on"] <= as_of
        reviewed_from = max([granted_on, *(d for d in declared[grant["officer"]] if granted_on <= d <= as_of)])
        out[grant["officer"]].append(ClearanceFact(
            application_id=grant["id"], level_code=grant["level_code"], granted_on=granted_on,
            expires_on=grant["expires_on"],
            next_review_due_on=rules.compute_next_review(reviewed_from, grant["has_annual_review"]),
            ended_on=grant["closed_on"] if ended else None, ended_status=grant["status"] if ended else None,
            later_applications=tuple(a for a in applications[grant["officer"]]
                                     if a.application_id != grant["id"] and a.requested_on >= granted_on),
        ))
    return {officer_id: tuple(facts) for officer_id, facts in out.items()}

"""The stored outlook: each officer's usable powers and their last usable days, as judged on a day, kept with the
officer's OfficerFactVersion and the catalogue stamp they were judged from. Database triggers raise the version
whenever a row of the officer's own facts changes, and give the catalogue a new stamp whenever a catalogue or
policy row does (migrations scheduler_2026_11_23t00_50_00 and t02_00_00), so a stored judgement is used only
while it is exactly what judging again would give; anything else is judged again and stored. The forecast for a
whole employer then reads a few thousand short rows instead of judging every officer on every request.

The rows are derived data, rebuilt from audited facts at any time: storing them is not audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.db import any_id, execute, ids_argument, postgres_engine, select_rows, write_transaction
from scheduler.kinds import Dependency, Kind
from scheduler.rules import Compliance

_JUDGED_SQL = (
    'SELECT m."officer_id" FROM "power_outlook" m LEFT JOIN "officer_fact_version" v ON v."officer_id" = '
    'm."officer_id" WHERE {officers} AND m."power_code" = \'\' AND m."judged_on" = {{}} '
    'AND m."fact_version" = COALESCE(v."version", 0) AND m."catalogue" = {{}}'
)
# The catalogue's stamp lives in the version row of officer_id 0 (no officer has that id).
CATALOGUE_STAMP_SQL = 'SELECT "version" FROM "officer_fact_version" WHERE "officer_id" = 0'
_VERSIONS_SQL = 'SELECT v."officer_id", v."version" FROM "officer_fact_version" v WHERE {officers}'
_POWERS_SQL = (
    'SELECT p."officer_id", p."name", p."power_code", p."usable_until", p."binding_kind", p."binding_code", '
    'p."binding_expires_on", p."resumes_on" FROM "power_outlook" p WHERE {officers} AND p."judged_on" = {{}} '
    'AND p."power_code" <> \'\' AND p."usable_until" IS NOT NULL AND p."usable_until" < {{}}'
)
_USABLE_SQL = (
    'SELECT p."power_code", COUNT(*) AS "officers" FROM "power_outlook" p WHERE {officers} '
    'AND p."judged_on" = {{}} AND p."power_code" <> \'\' GROUP BY p."power_code"'
)
_FORGET_SQL = 'DELETE FROM "power_outlook" WHERE {officers} AND "judged_on" = {{}}'
_FORGET_BEFORE_SQL = 'DELETE FROM "power_outlook" WHERE "judged_on" < {}'
_KINDS = {kind.value: kind for kind in Kind}
_OUTLOOK_LOCK = 7_140_001  # PostgreSQL advisory lock: one refresh at a time, so the last one stored wins whole


@dataclass(frozen=True)
class Judged:
    """One officer's judgement to store, with the fact version read before their facts were loaded."""

    officer_id: int
    name: str
    version: int
    compliance: Compliance


async def catalogue_stamp() -> str:
    """The catalogue's stamp now: read before the catalogue a judgement uses, like fact_versions."""
    rows = await select_rows(CATALOGUE_STAMP_SQL)
    return str(rows[0]["version"]) if rows else ""


async def unjudged(officer_ids: list[int], day: dt.date) -> list[int]:
    """Those of the officers with no stored judgement for `day` from their current facts and the current
    catalogue, in the order given."""
    if not officer_ids:
        return []
    judged = {row["officer_id"] for row in await select_rows(
        _JUDGED_SQL.format(officers=any_id('m."officer_id"')), ids_argument(officer_ids), day,
        await catalogue_stamp())}
    return [officer_id for officer_id in officer_ids if officer_id not in judged]


async def fact_versions(officer_ids: list[int]) -> dict[int, int]:
    """Each officer's fact version now (0 for one never changed since the triggers came): read before loading the
    facts judged, so a change landing in between makes the stored judgement out of date, never wrongly current."""
    rows = await select_rows(_VERSIONS_SQL.format(officers=any_id('v."officer_id"')), ids_argument(officer_ids))
    versions = {row["officer_id"]: int(row["version"]) for row in rows}
    return {officer_id: versions.get(officer_id, 0) for officer_id in officer_ids}


_COLUMNS = ("officer_id", "judged_on", "fact_version", "catalogue", "name", "power_code", "usable_until",
            "binding_kind", "binding_code", "binding_expires_on", "resumes_on")
_INSERT_CHUNK = 500  # rows per INSERT: 5,000 parameters, under both engines' limits
# Hand-written rather than Piccolo's insert: building a Table object per row was most of a first forecast's time.
_INSERT_SQL = f'INSERT INTO "power_outlook" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in _COLUMNS)}) VALUES '
_ROW = "(" + ", ".join("{}" for _ in _COLUMNS) + ")"


def _rows(day: dt.date, stamp: str, judged: Judged) -> list[tuple[Any, ...]]:
    marker = (judged.officer_id, day, judged.version, stamp, judged.name, "", None, "", "", None, None)
    return [marker, *(
        (judged.officer_id, day, judged.version, stamp, judged.name, power.code, power.usable_until,
         power.binding.kind.value if power.binding else "", power.binding.code if power.binding else "",
         power.binding.expires_on if power.binding else None, power.resumes_on)
        for power in judged.compliance.powers if power.usable
    )]


async def store(day: dt.date, stamp: str, judged: list[Judged]) -> None:
    """Replaces these officers' stored judgements for `day` (judged under catalogue `stamp`) in one transaction."""
    if not judged:
        return
    rows = [row for one in judged for row in _rows(day, stamp, one)]
    async with write_transaction():
        if postgres_engine() is not None:
            await execute("SELECT pg_advisory_xact_lock({})", _OUTLOOK_LOCK)
        await execute(_FORGET_SQL.format(officers=any_id('"officer_id"')),
                      ids_argument(one.officer_id for one in judged), day)
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = rows[start:start + _INSERT_CHUNK]
            await execute(_INSERT_SQL + ", ".join(_ROW for _ in chunk), *(value for row in chunk for value in row))


async def forget_before(day: dt.date) -> None:
    """Drops judgements for days before `day` (the sweep's day): no forecast starts before today."""
    async with write_transaction():
        await execute(_FORGET_BEFORE_SQL, day)


async def lapsing(officer_ids: list[int], day: dt.date, before: dt.date) -> list[dict[str, Any]]:
    """From the stored judgements for `day`: each power usable that day whose last usable day is before `before`,
    as forecast rows {officer_id, name, code, usable_until, binding, resumes_on} (unsorted)."""
    if not officer_ids:
        return []
    rows = await select_rows(_POWERS_SQL.format(officers=any_id('p."officer_id"')), ids_argument(officer_ids),
                             day, before)
    return [{
        "officer_id": row["officer_id"], "name": row["name"], "code": row["power_code"],
        "usable_until": row["usable_until"], "resumes_on": row["resumes_on"],
        "binding": Dependency(_KINDS[row["binding_kind"]], row["binding_code"], row["binding_expires_on"])
        if row["binding_kind"] else None,
    } for row in rows]


async def usable_counts(officer_ids: list[int], day: dt.date) -> dict[str, int]:
    """From the stored judgements for `day`: how many of the officers can use each power that day (a power no one
    can use is absent)."""
    if not officer_ids:
        return {}
    rows = await select_rows(_USABLE_SQL.format(officers=any_id('p."officer_id"')), ids_argument(officer_ids), day)
    return {row["power_code"]: int(row["officers"]) for row in rows}

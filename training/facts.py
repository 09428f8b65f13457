"""Training's facts as others read them: typed, frozen values built once, straight from the rows, and the only
hand-written SQL that reads training's records and bookings (every officer judged reads these queries; the
matrix and the kit check read the passes too).

FACT_TABLES names the tables whose rows feed these facts, CATALOGUE_TABLES those whose rows feed every officer's
(module codes, and the prerequisites the scheduler's policy reads): the scheduler's database triggers watch
exactly these (tests/scheduler/test_fact_tables.py fails when one has no trigger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.dates import counted_from
from core.db import any_id, ids_argument, select_rows
from training.rules import BookingStatus, RecordFact, TrainingResult

FACT_TABLES = ("training_record", "training_booking")
CATALOGUE_TABLES = ("training_module", "power_prerequisite")


@dataclass(frozen=True)
class BookingFact:
    """A place booked on a module: a candidate renewal of the module's pass (domain.md §8a)."""

    starts_on: dt.date
    recorded_on: dt.date | None = None  # the day it was entered (None: entered before that was kept)
    module_code: str = ""
    status: str = BookingStatus.BOOKED
    booking_id: int | None = None

    @property
    def counted_from(self) -> dt.date:
        return counted_from(self.recorded_on, self.starts_on)


@dataclass(frozen=True)
class ModuleFact:
    """The counting pass of one module for one officer as of a day.

    expires_on is the first day no longer valid (None: never expires). bookings: the places still booked for
    the module that start on or after the counting completion, its candidate renewals; whether one counts is
    the scheduler's rule (scheduler.renewals).
    """

    module_code: str
    completed_on: dt.date
    expires_on: dt.date | None
    record_id: int | None = None  # None for an older pass counting_on hands back
    bookings: tuple[BookingFact, ...] = ()
    # The passes before the counting one, newest first, as (completed_on, expires_on): what counted on earlier
    # days, which a sweep catching up judges too.
    earlier_passes: tuple[tuple[dt.date, dt.date | None], ...] = ()

    def counting_on(self, day: dt.date) -> ModuleFact | None:
        """The pass that counted on `day`: this one, or an older one for a day before this was completed."""
        if self.completed_on <= day:
            return self
        for completed_on, expires_on in self.earlier_passes:
            if completed_on <= day:
                return ModuleFact(self.module_code, completed_on, expires_on)
        return None


def compute_module_facts(
    records: Iterable[RecordFact], bookings: Iterable[BookingFact], as_of: dt.date
) -> dict[str, ModuleFact]:
    """One officer's facts per module (only modules with a counting pass as of as_of): the counting pass as
    training.rules.counting_record picks it, the passes before it and the places booked from it on. One pass over
    the records (this runs for every officer judged)."""
    passes: dict[str, list[RecordFact]] = {}
    for record in records:
        if record.result == TrainingResult.PASS and record.completed_on <= as_of:
            passes.setdefault(record.module_code, []).append(record)
    booked = [b for b in bookings if b.status == BookingStatus.BOOKED]
    out: dict[str, ModuleFact] = {}
    for code in sorted(passes):
        counting, *earlier = sorted(passes[code], key=lambda r: (r.completed_on, r.id), reverse=True)
        out[code] = ModuleFact(
            module_code=code, record_id=counting.id, completed_on=counting.completed_on,
            expires_on=counting.expires_on,
            bookings=tuple(b for b in booked if b.module_code == code and b.starts_on >= counting.completed_on),
            earlier_passes=tuple((r.completed_on, r.expires_on) for r in earlier),
        )
    return out


_PASSES_SQL = (
    'SELECT r."id", r."officer", m."code" AS "module_code", r."completed_on", r."result", r."expires_on" '
    'FROM "training_record" r LEFT JOIN "training_module" m ON m."id" = r."module" '
    'WHERE {officers} AND r."result" = \'pass\''
)
_BOOKED_SQL = (
    'SELECT b."id", b."officer", m."code" AS "module_code", b."starts_on", b."status", b."recorded_on" '
    'FROM "training_booking" b '
    'LEFT JOIN "training_module" m ON m."id" = b."module" WHERE {officers} AND b."status" = {{}}'
)


def record_fact(row: dict[str, Any]) -> RecordFact:
    return RecordFact(id=row["id"], module_code=row["module_code"], completed_on=row["completed_on"],
                      result=row["result"], expires_on=row["expires_on"])


async def record_facts(officer_ids: list[int], up_to: dt.date | None) -> dict[int, list[RecordFact]]:
    """Every pass of the given officers (completed on or before up_to, if given), in one query."""
    out: dict[int, list[RecordFact]] = {}
    if not officer_ids:
        return out
    sql = _PASSES_SQL.format(officers=any_id('r."officer"'))
    args: list[Any] = [ids_argument(sorted(set(officer_ids)))]
    if up_to is not None:
        sql += ' AND r."completed_on" <= {}'
        args.append(up_to)
    for row in await select_rows(sql, *args):
        out.setdefault(row["officer"], []).append(record_fact(row))
    return out


async def training_facts(officer_ids: list[int], as_of: dt.date) -> dict[int, dict[str, ModuleFact]]:
    """For each officer id: module code -> ModuleFact of the pass that counts on as_of (modules with no counting
    pass are absent; every requested officer has an entry). Two queries, whatever the number of officers."""
    records = await record_facts(officer_ids, as_of)
    bookings: dict[int, list[BookingFact]] = {}
    if officer_ids:
        rows = await select_rows(_BOOKED_SQL.format(officers=any_id('b."officer"')),
                                 ids_argument(sorted(set(officer_ids))), BookingStatus.BOOKED.value)
        for row in rows:
            bookings.setdefault(row["officer"], []).append(
                BookingFact(starts_on=row["starts_on"], recorded_on=row["recorded_on"],
                            module_code=row["module_code"], status=row["status"], booking_id=row["id"]))
    return {
        officer_id: compute_module_facts(records.get(officer_id, []), bookings.get(officer_id, []), as_of)
        for officer_id in officer_ids
    }

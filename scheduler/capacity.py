"""Capacity planning, pure: the renewals the plans ask to be started (Work), how many fall due each month (demand),
and a levelled schedule that fits them into the months' capacity without starting any later than its start-by.

No I/O and no clock: the first month planned is a parameter. scheduler.planning loads the plans and the settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scheduler.kinds import Kind, PlanStep, StepStatus

VETTING = "vetting"
COURSE = "course"
ACCREDITATION = "accreditation"
WORK_KINDS: tuple[str, ...] = (VETTING, COURSE, ACCREDITATION)
KIND_TITLES = {VETTING: "Vetting renewals", COURSE: "Course places", ACCREDITATION: "Re-accreditations"}
# Who is full when a renewal is asked to start early (the reminders' "because the vetting unit is full in March").
KIND_UNITS = {VETTING: "the vetting unit is", COURSE: "the courses are", ACCREDITATION: "the accreditation team is"}

# Only these steps take a unit's or a course's time; kit and employer steps are the officer's own errands.
KIND_OF_STEP: dict[Kind, str] = {
    Kind.VETTING: VETTING,
    Kind.TRAINING: COURSE,
    Kind.ACCREDITATION: ACCREDITATION,
}


@dataclass(frozen=True)
class Work:
    """One renewal that must be started."""

    officer_id: int
    kind: str  # "vetting" | "course" | "accreditation"
    code: str  # the plan step's code: the vetting level, the module, the accreditation number or power code
    start_by: dt.date
    expires_on: dt.date


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_key(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def month_keys(first_month: dt.date, months: int) -> list[str]:
    first = month_start(first_month)
    return [month_key(add_months(first, i)) for i in range(months)]


def work_from_plans(plans: Mapping[int, Sequence[PlanStep]]) -> list[Work]:
    """The renewals still to be started (a DONE step is on record already), in officer then plan order."""
    return [
        Work(officer_id, KIND_OF_STEP[step.kind], step.code, step.start_by, step.expires_on)
        for officer_id, steps in plans.items()
        for step in steps
        if step.status is not StepStatus.DONE and step.kind in KIND_OF_STEP
    ]


def _month_index(first: dt.date, day: dt.date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def monthly_demand(work: Iterable[Work], first_month: dt.date, months: int) -> dict[str, dict[str, int]]:
    """"YYYY-MM" -> {kind: renewals whose start-by falls in that month}, every month present with its zeros.

    Work already overdue (start-by before the first month) counts in the first month: it is due now. Work due after
    the last month is outside the window and not counted.
    """
    first = month_start(first_month)
    keys = month_keys(first, months)
    demand = {key: dict.fromkeys(WORK_KINDS, 0) for key in keys}
    for item in work:
        index = max(0, _month_index(first, item.start_by))
        if index < months:
            demand[keys[index]][item.kind] += 1
    return demand


# Capacity of one kind, month by month from the first month; None: no limit set (everything fits when due).
Capacity = Mapping[str, Sequence[int] | None]


def uniform(per_month: Mapping[str, int | None], months: int) -> dict[str, list[int] | None]:
    """The same capacity every month, per kind (the force's settings)."""
    return {kind: None if per_month.get(kind) is None else [int(per_month[kind] or 0)] * months
            for kind in WORK_KINDS}


@dataclass(frozen=True)
class Levelled:
    """Each renewal's start month within capacity (`starts`, the first of the month), and those that cannot start
    by their start-by month at this capacity (`unavoidable`, earliest start-by first)."""

    first_month: dt.date
    months: int
    starts: tuple[tuple[Work, dt.date], ...]  # a list, not a mapping: two renewals may look alike
    unavoidable: tuple[Work, ...]

    def start_months(self) -> dict[Work, dt.date]:
        return dict(self.starts)

    def counts(self) -> dict[str, dict[str, int]]:
        """"YYYY-MM" -> {kind: renewals the levelled schedule starts that month}."""
        keys = month_keys(self.first_month, self.months)
        out = {key: dict.fromkeys(WORK_KINDS, 0) for key in keys}
        for item, month in self.starts:
            out[month_key(month)][item.kind] += 1
        return out


def _order(item: Work) -> tuple[dt.date, dt.date, int, str]:
    return item.start_by, item.expires_on, item.officer_id, item.code


def level(work: Iterable[Work], first_month: dt.date, months: int, capacity: Capacity) -> Levelled:
    """Starts each renewal in the window as late as capacity allows, never after its start-by month and never
    before the first month: months are filled from the last to the first, each with the waiting renewals whose
    start-by month is that month or later, latest start-by first.

    Going backwards, every renewal waiting at a month can use any earlier month equally, so filling each month as
    full as it can be leaves the fewest renewals over at the end: those are exactly as many as any schedule must
    leave late (the unavoidable lapses), and no renewal is asked to start earlier than the months after it force.
    Renewals due after the window are left to the months after it.
    """
    first = month_start(first_month)
    work = list(work)
    starts: list[tuple[Work, dt.date]] = []
    unavoidable: list[Work] = []
    for kind in WORK_KINDS:
        due: list[list[Work]] = [[] for _ in range(months)]
        for item in work:
            if item.kind == kind and (index := max(0, _month_index(first, item.start_by))) < months:
                due[index].append(item)
        limits = capacity.get(kind)
        waiting: list[Work] = []  # sorted by _order; the latest start-by is taken first, from the end
        for index in range(months - 1, -1, -1):
            waiting = sorted(waiting + due[index], key=_order)
            room = len(waiting) if limits is None else max(0, limits[index])
            cut = max(0, len(waiting) - room)
            taken, waiting = waiting[cut:], waiting[:cut]
            month = add_months(first, index)
            starts += ((item, month) for item in taken)
        unavoidable += waiting
    return Levelled(first, months, tuple(starts), tuple(sorted(unavoidable, key=_order)))


def needed_capacity(work: Iterable[Work], first_month: dt.date, months: int) -> dict[str, int]:
    """The least capacity, the same every month, that starts every renewal in the window by its start-by month.

    Everything due by the end of month t must start in months 0..t, so (t + 1) months of capacity c must hold it:
    c is the largest ceil(due by t / (t + 1)) over the window, and that c suffices (the schedule fills backwards).
    """
    demand = monthly_demand(work, first_month, months)
    out: dict[str, int] = {}
    for kind in WORK_KINDS:
        total, need = 0, 0
        for t, counts in enumerate(demand.values()):
            total += counts[kind]
            need = max(need, -(-total // (t + 1)))
        out[kind] = need
    return out

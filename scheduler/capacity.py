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

# Only these steps take a unit's or a course's time; kit and employer steps are the officer's own errands.
_KIND_OF_STEP: dict[Kind, str] = {
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
        Work(officer_id, _KIND_OF_STEP[step.kind], step.code, step.start_by, step.expires_on)
        for officer_id, steps in plans.items()
        for step in steps
        if step.status is not StepStatus.DONE and step.kind in _KIND_OF_STEP
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

"""Capacity planning rules on hand-made plans: which steps are work, and how many fall due each month."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.capacity import Work, monthly_demand, work_from_plans
from scheduler.kinds import Kind, PlanStep, StepStatus

D = dt.date


def step(kind: Kind, start_by: dt.date, status: StepStatus = StepStatus.UPCOMING, code: str = "X") -> PlanStep:
    return PlanStep(kind, code, "title", start_by + dt.timedelta(days=90), start_by, status)


def test_work_keeps_the_steps_that_take_a_units_time_and_are_not_done() -> None:
    plans = {
        1: [step(Kind.VETTING, D(2027, 3, 1), code="NPPV2"),
            step(Kind.TRAINING, D(2027, 4, 1), StepStatus.DONE, code="CM"),
            step(Kind.KIT, D(2027, 4, 1)),
            step(Kind.EMPLOYER, D(2027, 4, 1))],
        2: [step(Kind.TRAINING, D(2027, 5, 1), StepStatus.OVERDUE, code="FA"),
            step(Kind.ACCREDITATION, D(2027, 6, 1), StepStatus.OPEN, code="A-1")],
    }
    assert work_from_plans(plans) == [
        Work(1, "vetting", "NPPV2", D(2027, 3, 1), D(2027, 5, 30)),
        Work(2, "course", "FA", D(2027, 5, 1), D(2027, 7, 30)),
        Work(2, "accreditation", "A-1", D(2027, 6, 1), D(2027, 8, 30)),
    ]


def work(kind: str, start_by: dt.date) -> Work:
    return Work(1, kind, "X", start_by, start_by + dt.timedelta(days=60))


@pytest.mark.parametrize(("start_by", "month"), [
    (D(2026, 12, 31), "2027-01"),  # overdue before the window: due now
    (D(2020, 1, 1), "2027-01"),
    (D(2027, 1, 1), "2027-01"),
    (D(2027, 1, 31), "2027-01"),
    (D(2027, 2, 1), "2027-02"),
    (D(2027, 3, 31), "2027-03"),
    (D(2027, 4, 1), None),  # after the last month: outside the window
])
def test_demand_counts_each_renewal_in_its_start_by_month(start_by: dt.date, month: str | None) -> None:
    demand = monthly_demand([work("vetting", start_by)], D(2027, 1, 15), 3)
    assert list(demand) == ["2027-01", "2027-02", "2027-03"]
    counted = {key: n["vetting"] for key, n in demand.items() if n["vetting"]}
    assert counted == ({month: 1} if month else {})


def test_demand_has_every_month_and_kind_with_zeros_across_a_year_end() -> None:
    demand = monthly_demand([work("course", D(2027, 12, 5)), work("course", D(2027, 12, 20)),
                             work("accreditation", D(2028, 1, 2))], D(2027, 11, 1), 3)
    assert demand == {
        "2027-11": {"vetting": 0, "course": 0, "accreditation": 0},
        "2027-12": {"vetting": 0, "course": 2, "accreditation": 0},
        "2028-01": {"vetting": 0, "course": 0, "accreditation": 1},
    }

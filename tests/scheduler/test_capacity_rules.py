"""Capacity planning rules on hand-made plans: which steps are work, and how many fall due each month."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.capacity import WORK_KINDS, Work, level, monthly_demand, needed_capacity, uniform, work_from_plans
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


def due(kind: str, month: int, officer_id: int = 1, day: int = 10) -> Work:
    """A renewal whose start-by falls in month `month` of 2027 (0: before the window, overdue)."""
    start_by = D(2027, month, day) if month else D(2026, 12, day)
    return Work(officer_id, kind, f"C{officer_id}", start_by, start_by + dt.timedelta(days=180))


FIRST = D(2027, 1, 1)


def test_a_full_month_pulls_its_overflow_into_the_latest_month_with_room() -> None:
    work = [due("vetting", 4, officer_id=i) for i in range(5)] + [due("vetting", 2, officer_id=9)]
    levelled = level(work, FIRST, 6, uniform({"vetting": 2}, 6))
    counts = {key: n["vetting"] for key, n in levelled.counts().items()}
    assert counts == {"2027-01": 0, "2027-02": 2, "2027-03": 2, "2027-04": 2, "2027-05": 0, "2027-06": 0}
    assert levelled.unavoidable == ()
    assert levelled.start_months()[due("vetting", 2, officer_id=9)] == D(2027, 2, 1)  # its own month: not asked early


@pytest.mark.parametrize(("capacity", "unavoidable"), [
    (3, ()),                # exactly enough: three due in February, room in January and February
    (2, ()),
    (1, (1,)),               # two months of one place each for three renewals: the earliest start-by is left over
    (0, (1, 2, 3)),
])
def test_the_unavoidable_lapses_are_those_no_schedule_can_fit(capacity: int, unavoidable: tuple[int, ...]) -> None:
    work = [due("course", 2, officer_id=i, day=i) for i in (1, 2, 3)]
    levelled = level(work, FIRST, 3, uniform({"course": capacity}, 3))
    assert tuple(w.officer_id for w in levelled.unavoidable) == unavoidable


def test_overdue_work_can_only_start_in_the_first_month() -> None:
    work = [due("accreditation", 0, officer_id=i) for i in range(3)]
    levelled = level(work, FIRST, 3, uniform({"accreditation": 2}, 3))
    assert {month for _, month in levelled.starts} == {FIRST}
    assert len(levelled.unavoidable) == 1


def test_no_capacity_set_fits_everything_in_its_own_month_and_other_kinds_do_not_share_it() -> None:
    work = [due("vetting", 3, officer_id=i) for i in range(4)] + [due("course", 3)]
    levelled = level(work, FIRST, 3, uniform({"vetting": None, "course": 0}, 3))
    assert levelled.counts()["2027-03"] == {"vetting": 4, "course": 0, "accreditation": 0}
    assert levelled.unavoidable == (due("course", 3),)


def test_work_due_after_the_window_is_left_to_later_months() -> None:
    levelled = level([due("vetting", 5)], FIRST, 3, uniform({"vetting": 0}, 3))
    assert levelled.starts == () and levelled.unavoidable == ()


def test_needed_capacity_is_the_steepest_run_of_demand() -> None:
    work = [due("vetting", 3, officer_id=i) for i in range(7)] + [due("course", 1)]
    assert needed_capacity(work, FIRST, 6) == {"vetting": 3, "course": 1, "accreditation": 0}


works = st.lists(st.builds(
    lambda kind, month, officer, day: due(kind, month, officer, day),
    st.sampled_from(WORK_KINDS), st.integers(0, 8), st.integers(1, 40), st.integers(1, 28)), max_size=40)
capacities = st.lists(st.integers(0, 4), min_size=6, max_size=6)


@settings(max_examples=300, deadline=None)
@given(works, capacities)
def test_levelled_never_late_never_over_capacity_and_leaves_the_fewest_over(work: list[Work], cap: list[int]) -> None:
    months = 6
    capacity = {kind: cap for kind in WORK_KINDS}
    levelled = level(work, FIRST, months, capacity)
    in_window = sorted((w for w in work if w.start_by < D(2027, 7, 1)), key=repr)
    assert sorted([w for w, _ in levelled.starts] + list(levelled.unavoidable), key=repr) == in_window
    counts = levelled.counts()
    keys = list(counts)
    for item, month in levelled.starts:
        assert FIRST <= month <= max(FIRST, item.start_by)  # never after its start-by month, never before the window
        # Asked to start early only when every month after, up to its own, is full.
        for index in range(keys.index(month.strftime("%Y-%m")) + 1, keys.index(
                max(FIRST, item.start_by).strftime("%Y-%m")) + 1):
            assert counts[keys[index]][item.kind] == cap[index]
    for index, key in enumerate(keys):
        for kind in WORK_KINDS:
            assert counts[key][kind] <= cap[index]
    demand = monthly_demand(work, FIRST, months)
    for kind in WORK_KINDS:
        # Hall: everything due by month t must start in months 0..t, so at least the largest excess must be late.
        excess, due_by, cap_by = 0, 0, 0
        for index, key in enumerate(keys):
            due_by += demand[key][kind]
            cap_by += cap[index]
            excess = max(excess, due_by - cap_by)
        late = [w for w in levelled.unavoidable if w.kind == kind]
        assert len(late) == excess
        if late:  # one more place in the first month fits exactly one more
            more = {**capacity, kind: [cap[0] + 1, *cap[1:]]}
            assert len([w for w in level(work, FIRST, months, more).unavoidable if w.kind == kind]) == excess - 1


@settings(max_examples=200, deadline=None)
@given(works)
def test_needed_capacity_fits_everything_and_one_less_does_not(work: list[Work]) -> None:
    needed = needed_capacity(work, FIRST, 6)
    assert level(work, FIRST, 6, uniform(needed, 6)).unavoidable == ()
    for kind, n in needed.items():
        if n:
            fewer = level(work, FIRST, 6, uniform({**needed, kind: n - 1}, 6))
            assert any(w.kind == kind for w in fewer.unavoidable)

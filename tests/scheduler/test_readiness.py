"""scheduler.readiness: which step is next, how overdue steps are counted, and the words every page and PDF
uses for them."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.kinds import Kind, PlanStep, StepStatus
from scheduler.readiness import (
    STATUS_WORDS,
    next_step,
    overdue_count,
    overdue_note,
    readiness_label,
    step_line,
    step_when,
    urgency,
)

D = dt.date
S = StepStatus


def step(status: StepStatus, start_by: dt.date, code: str = "X", title: str = "Renew it",
         expires_on: dt.date | None = None) -> PlanStep:
    return PlanStep(Kind.TRAINING, code, title, expires_on or start_by + dt.timedelta(days=60), start_by, status)


@pytest.mark.parametrize(("steps", "expected"), [
    ([], None),
    ([step(S.DONE, D(2026, 1, 1))], None),  # nothing to do once every renewal is in hand
    ([step(S.UPCOMING, D(2027, 1, 1), "A"), step(S.UPCOMING, D(2026, 12, 1), "B")], "B"),  # earliest start
    ([step(S.UPCOMING, D(2026, 12, 20), "A"), step(S.OPEN, D(2026, 12, 1), "B")], "B"),
    ([step(S.OPEN, D(2026, 11, 25), "A"), step(S.OVERDUE, D(2026, 11, 1), "B")], "B"),
    # An overdue step can still prevent a lapse: it comes before a missed one, even a missed one started earlier.
    ([step(S.MISSED, D(2026, 6, 1), "A"), step(S.OVERDUE, D(2026, 10, 1), "B")], "B"),
    ([step(S.MISSED, D(2026, 6, 1), "A"), step(S.OPEN, D(2026, 11, 25), "B")], "B"),
    ([step(S.UPCOMING, D(2026, 12, 5), "A"), step(S.MISSED, D(2026, 6, 1), "B")], "B"),
    # The longest overdue of several; a done step that started earlier never wins.
    ([step(S.DONE, D(2026, 1, 1), "A"), step(S.OVERDUE, D(2026, 10, 2), "B"), step(S.OVERDUE, D(2026, 9, 1), "C")],
     "C"),
    # Same start: the earlier expiry, then kind and code, so the choice never flickers.
    ([step(S.OVERDUE, D(2026, 9, 1), "B", expires_on=D(2027, 1, 1)),
      step(S.OVERDUE, D(2026, 9, 1), "A", expires_on=D(2027, 2, 1))], "B"),
    ([step(S.OVERDUE, D(2026, 9, 1), "B"), step(S.OVERDUE, D(2026, 9, 1), "A")], "A"),
])
def test_next_step_is_the_most_urgent_not_done(steps: list[PlanStep], expected: str | None) -> None:
    chosen = next_step(steps)
    assert (chosen.code if chosen else None) == expected
    assert next_step(reversed(steps)) == chosen  # the plan's own order does not matter


@pytest.mark.parametrize(("statuses", "count"), [
    ([], 0),
    ([S.UPCOMING, S.OPEN, S.DONE, S.MISSED], 0),
    ([S.OVERDUE], 1),
    ([S.OVERDUE, S.DONE, S.OVERDUE, S.OPEN, S.OVERDUE], 3),
])
def test_overdue_count(statuses: list[StepStatus], count: int) -> None:
    assert overdue_count(step(s, D(2026, 10, 1)) for s in statuses) == count


@pytest.mark.parametrize(("status", "words"), [
    (S.OVERDUE, "Overdue: start by 2 January 2027"),
    (S.OPEN, "Due now: start by 2 January 2027"),
    (S.UPCOMING, "Start by 2 January 2027"),
    (S.MISSED, "Missed: expired 3 March 2027"),
    (S.DONE, "Done: renewal in hand"),
])
def test_step_when_says_the_state_and_the_start_by_day(status: StepStatus, words: str) -> None:
    assert step_when(step(status, D(2027, 1, 2), expires_on=D(2027, 3, 3))) == words


def test_every_status_has_words() -> None:
    assert set(STATUS_WORDS) == set(StepStatus)


def test_step_line_names_the_step() -> None:
    assert step_line(step(S.OVERDUE, D(2027, 1, 2), title="Submit vetting renewal")) == \
        "Submit vetting renewal (Overdue: start by 2 January 2027)"
    assert step_line(None) == "Nothing to renew"


@pytest.mark.parametrize(("colour", "statuses", "label"), [
    ("Green", [], "Green"),
    ("Green", [S.OPEN, S.UPCOMING], "Green"),
    ("Green", [S.OVERDUE, S.OVERDUE, S.OPEN], "Green · 2 overdue"),
    ("Amber", [S.OVERDUE, S.OVERDUE, S.OVERDUE], "Amber · 3 overdue"),
    ("RED", [S.OVERDUE], "RED · 1 overdue"),
])
def test_readiness_label_never_hides_an_overdue_step(colour: str, statuses: list[StepStatus], label: str) -> None:
    assert readiness_label(colour, [step(s, D(2026, 10, 1)) for s in statuses]) == label


@pytest.mark.parametrize(("count", "note"), [(0, ""), (1, "1 overdue"), (12, "12 overdue")])
def test_overdue_note(count: int, note: str) -> None:
    assert overdue_note(count) == note


def test_officers_with_nothing_to_do_sort_after_everyone() -> None:
    assert urgency(None) > urgency(step(S.UPCOMING, D(2099, 1, 1)))
    assert urgency(step(S.DONE, D(2026, 1, 1))) == urgency(None)

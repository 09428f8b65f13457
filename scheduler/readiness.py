"""What people are told about an officer's renewal plan: the next step, how many steps are overdue, and the
words for both (domain.md §8a, "Overdue is visible"). Pure: plan steps in, a step or words out.

Every place that shows an officer's readiness (the team board, the expiry calendar, the record page, the record
PDF, the compliance pack) uses these, so "next step" and "overdue" mean the same thing and read the same way
everywhere.

Which step is next. The most urgent step that is not done, by status and then by the day it should start:
  1. overdue  - late, and doing it now can still stop the item lapsing: the one thing worth chasing first;
  2. open     - due now and still within its grace period;
  3. missed   - the item has already expired; the lapse is shown anyway (the readiness colour, the powers'
                "blocked by"), so it comes after the steps that can still prevent one, but before anything merely
                upcoming, because it is work outstanding today;
  4. upcoming - not due yet.
Within a status the earliest start-by wins (then the earliest expiry, then kind and code, so the choice is
stable). Done steps are never next: nobody should be sent to renew what has been renewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from core.dates import long_date
from scheduler.kinds import PlanStep, StepStatus

URGENCY = {StepStatus.OVERDUE: 0, StepStatus.OPEN: 1, StepStatus.MISSED: 2, StepStatus.UPCOMING: 3}
# A step's status as people read it ("open" is the rules' word; "due now" says what it means).
STATUS_WORDS = {StepStatus.OVERDUE: "Overdue", StepStatus.OPEN: "Due now", StepStatus.MISSED: "Missed",
                StepStatus.UPCOMING: "Upcoming", StepStatus.DONE: "Done"}


def urgency(step: PlanStep | None) -> tuple[int, dt.date, dt.date, str, str]:
    """A sort key, most urgent first, for steps or for officers by their next step (None, nothing to do, last)."""
    if step is None or step.status not in URGENCY:
        return len(URGENCY), dt.date.max, dt.date.max, "", ""
    return URGENCY[step.status], step.start_by, step.expires_on, step.kind.value, step.code


def next_step(steps: Iterable[PlanStep]) -> PlanStep | None:
    """The step to act on next (see the module's docstring for the order), or None when all are done."""
    pending = [s for s in steps if s.status in URGENCY]
    return min(pending, key=urgency) if pending else None


def overdue_count(steps: Iterable[PlanStep]) -> int:
    return sum(1 for s in steps if s.status is StepStatus.OVERDUE)


def step_when(step: PlanStep) -> str:
    """When the step should start, with its state when that matters: 'Overdue: start by 2 January 2027'."""
    if step.status is StepStatus.MISSED:
        return f"Missed: expired {long_date(step.expires_on)}"
    if step.status is StepStatus.DONE:
        return "Done: renewal in hand"
    if step.status is StepStatus.UPCOMING:
        return f"Start by {long_date(step.start_by)}"
    return f"{STATUS_WORDS[step.status]}: start by {long_date(step.start_by)}"


def step_line(step: PlanStep | None) -> str:
    """The next step in one line for tables and PDFs: 'Submit vetting renewal (Overdue: start by 2 January 2027)'."""
    if step is None:
        return "Nothing to renew"
    return f"{step.title} ({step_when(step)})"


def overdue_note(count: int) -> str:
    """What a board puts beside the readiness colour for `count` overdue steps: '2 overdue', or '' for none."""
    return f"{count} overdue" if count else ""


def readiness_label(colour: str, steps: Iterable[PlanStep]) -> str:
    """The readiness colour, written as the caller writes it ('Green', 'RED'), with any overdue steps beside it:
    a green or amber board must not hide an overdue step ('Green · 2 overdue')."""
    note = overdue_note(overdue_count(steps))
    return f"{colour} · {note}" if note else colour

"""The statuses a form may offer, and case notes told apart from status changes in a timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from vetting.rules import (
    MAX_NOTE_LENGTH,
    TRANSITIONS,
    Status,
    check_note,
    check_transition,
    legal_next_statuses,
    mark_note_only,
)


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("asked_before", [False, True])
def test_every_offered_status_is_one_the_lifecycle_accepts_and_every_other_is_refused(
        current: Status, asked_before: bool) -> None:
    day = dt.date(2027, 3, 1)
    offered = legal_next_statuses(current, info_requested_before=asked_before)
    for target in Status:
        refusal = check_transition(current, target, day, requested_on=day, last_event_on=day,
                                   info_requested_before=asked_before, refused_on=day)
        assert (refusal is None) == (target in offered), (current, target)


def test_offered_statuses_follow_the_lifecycle_order() -> None:
    assert legal_next_statuses(Status.SUBMITTED, info_requested_before=False) == [
        Status.INFO_REQUESTED, Status.IN_PROGRESS, Status.WITHDRAWN, Status.DISCONTINUED]
    assert legal_next_statuses(Status.UPHELD, info_requested_before=False) == []


def test_no_status_leads_to_itself_so_a_repeated_status_is_a_note() -> None:
    assert all(status not in targets for status, targets in TRANSITIONS.items())


def test_a_note_repeats_the_status_written_before_it() -> None:
    events = [{"status": "draft"}, {"status": "submitted"}, {"status": "submitted"}, {"status": "in_progress"},
              {"status": "in_progress"}, {"status": "in_progress"}]
    assert [e["note_only"] for e in mark_note_only(events)] == [False, False, True, False, True, True]


@pytest.mark.parametrize(("note", "ok"), [
    ("Chased the force", True), ("", False), ("   ", False), (None, False),
    ("x" * MAX_NOTE_LENGTH, True), ("x" * (MAX_NOTE_LENGTH + 1), False),
])
def test_a_note_on_its_own_must_say_something_and_not_too_much(note: str | None, ok: bool) -> None:
    assert (check_note(note) == []) == ok

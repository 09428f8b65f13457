"""iCalendar feeds (RFC 5545, made with the `icalendar` package). Pure: plans and compliance in, bytes out.

For each officer in the feed:

- each plan step gives an all-day event on its `expires_on` — "Expires: <item> — <officer>" ("Due: …" for an
  inspection or an employer's arrangement review, which are due dates rather than expiries) — with an alarm
  14 days before, and an all-day event on its `start_by` — "Start by: <step title> — <officer>" — with an alarm
  at 09:00 the day before (a relative trigger of -PT15H on the all-day event);
- a step whose renewal is already in hand (status done) keeps its expiry event, marked "(renewal in hand)" and
  without an alarm, and has no start-by event (there is nothing left to start);
- each day on which usable powers lapse (the day after `usable_until`) gives ONE event listing every power that
  lapses that day — "Powers lapse: A, B — <officer>" — with an alarm 14 days before.

UIDs are stable across regenerations (they depend on the officer, the item and the date, never on the time the
feed was made), so calendar clients update events in place: ``{officer}-{kind}-{code}-{date}-{start|expiry}``
and ``{officer}-powers-{date}-lapse``, all ``@<the installation's host>`` (RFC 5545 asks for a host-qualified
UID, so two registers' events never collide in one calendar). Every event is TRANSPARENT (it does not block
time) and carries a DESCRIPTION with the step's status and next action.

The feed is published (``METHOD:PUBLISH``), so each event names the register as its ORGANIZER (RFC 5546 requires
one for PUBLISH). The calendar's NAME and X-WR-CALNAME are escaped text like every other property: a comma,
semicolon or line break in a team's or officer's name cannot end the line early.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from scheduler.dependencies import kind_of
from scheduler.kinds import Kind, PlanStep, StepStatus
from scheduler.policy import Names
from scheduler.rules import PowerCompliance

PRODID = "-//CSAS Register//EN"
ORGANIZER_NAME = "CSAS Register"
RENEWAL_IN_HAND = "(renewal in hand)"


@dataclass(frozen=True)
class CalendarOfficer:
    officer_id: int
    officer_name: str
    steps: tuple[PlanStep, ...]
    powers: tuple[PowerCompliance, ...]


@dataclass(frozen=True)
class Publisher:
    """Who publishes the feed: the host that qualifies every UID, and the address that organises every event."""

    host: str = "localhost"
    email: str = "csas-register@localhost"


@dataclass(frozen=True)
class CalendarAlarms:
    """Alarm triggers, relative to the start (midnight) of each all-day event."""

    start_by: dt.timedelta = dt.timedelta(hours=-15)  # 09:00 the day before
    expiry: dt.timedelta = dt.timedelta(days=-14)
    lapse: dt.timedelta = dt.timedelta(days=-14)


DEFAULT_ALARMS = CalendarAlarms()



def build_calendar(
    name: str, entries: list[CalendarOfficer], generated_at: dt.datetime, alarms: CalendarAlarms = DEFAULT_ALARMS,
    publisher: Publisher = Publisher(), names: Names = Names(),
) -> bytes:
    """The feed `name` with every officer's expiry, start-by and lapse events; `generated_at` is the DTSTAMP."""
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    stamp = generated_at.astimezone(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # icalendar leaves these two unescaped unless told they are text.
    calendar.add("x-wr-calname", vText(name))
    calendar.add("name", vText(name))
    events: list[Event] = []
    seen: set[str] = set()
    for entry in sorted(entries, key=lambda e: e.officer_id):
        for step in entry.steps:
            events.append(_expiry_event(entry, step, stamp, alarms, seen, names))
            if step.status is not StepStatus.DONE:
                events.append(_start_by_event(entry, step, stamp, alarms, seen))
        events += _lapse_events(entry, stamp, alarms, names)
    organizer = vCalAddress(f"mailto:{publisher.email}")
    organizer.params["cn"] = ORGANIZER_NAME
    for event in sorted(events, key=lambda e: (e.decoded("dtstart"), str(e["uid"]))):
        event["uid"] = f"{event['uid']}@{publisher.host}"
        event.add("organizer", organizer)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


# --- events -------------------------------------------------------------------------------------------

def _expiry_event(
    entry: CalendarOfficer, step: PlanStep, stamp: dt.datetime, alarms: CalendarAlarms, seen: set[str], names: Names,
) -> Event:
    done = step.status is StepStatus.DONE
    verb = "Due" if _is_due_date(step) else "Expires"
    summary = f"{verb}: {_item_label(step, names)}{' ' + RENEWAL_IN_HAND if done else ''} — {entry.officer_name}"
    uid = _unique(_uid(entry.officer_id, step.kind.value, step.code, step.expires_on, "expiry"), step, seen)
    event = _all_day(uid, step.expires_on, summary, _step_description(step), stamp, step.kind.value)
    if not done:
        event.add_component(_alarm(alarms.expiry, summary))
    return event


def _start_by_event(
    entry: CalendarOfficer, step: PlanStep, stamp: dt.datetime, alarms: CalendarAlarms, seen: set[str]
) -> Event:
    summary = f"Start by: {step.title} — {entry.officer_name}"
    uid = _unique(_uid(entry.officer_id, step.kind.value, step.code, step.start_by, "start"), step, seen)
    event = _all_day(uid, step.start_by, summary, _step_description(step), stamp, step.kind.value)
    event.add_component(_alarm(alarms.start_by, summary))
    return event


def _lapse_events(entry: CalendarOfficer, stamp: dt.datetime, alarms: CalendarAlarms, names: Names) -> list[Event]:
    by_day: dict[dt.date, list[PowerCompliance]] = {}
    for power in entry.powers:
        if power.usable and power.usable_until is not None:
            by_day.setdefault(power.usable_until + dt.timedelta(days=1), []).append(power)
    events = []
    for lapse_on in sorted(by_day):
        powers = sorted(by_day[lapse_on], key=lambda p: p.code)
        titles = ", ".join(names.power(p.code) for p in powers)
        summary = f"Powers lapse: {titles} — {entry.officer_name}"
        bindings = sorted({f"{_binding_label(p, names)} ({'suspended from' if p.binding.suspended else 'expires'} "
                           f"{p.binding.expires_on.isoformat()})" for p in powers if p.binding is not None})
        last_day = lapse_on - dt.timedelta(days=1)
        # A suspension is not undone by a renewal: the sentence says so only when every binding item can be renewed.
        renewable = not any(p.binding is not None and p.binding.suspended for p in powers)
        description = (
            f"{'Unless renewed, ' if renewable else ''}{entry.officer_name} may no longer use {titles} from "
            f"{lapse_on.isoformat()} (last usable day {last_day.isoformat()})."
        )
        if bindings:
            description += f" Binding item: {'; '.join(bindings)}."
        uid = _uid(entry.officer_id, "powers", "", lapse_on, "lapse")
        event = _all_day(uid, lapse_on, summary, description, stamp, "powers")
        event.add_component(_alarm(alarms.lapse, summary))
        events.append(event)
    return events


def _all_day(uid: str, day: dt.date, summary: str, description: str, stamp: dt.datetime, category: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [category])
    return event


def _alarm(trigger: dt.timedelta, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", trigger)
    alarm.add("description", summary)
    return alarm


# --- text ---------------------------------------------------------------------------------------------

def _is_due_date(step: PlanStep) -> bool:
    return step.kind is Kind.EMPLOYER or step.title.lower().startswith(("inspect", "review"))


def _item_label(step: PlanStep, names: Names) -> str:
    if step.kind is Kind.TRAINING:
        return names.module(step.code)
    if step.kind is Kind.KIT:
        return f"Kit {names.kit_type(step.code)}"
    if step.kind is Kind.EMPLOYER:
        return "employer's scheme arrangement review"
    if step.kind is Kind.VETTING:
        return names.item(step.kind, step.code)
    return f"{kind_of(step.kind).label} {step.code}"


def _binding_label(power: PowerCompliance, names: Names) -> str:
    assert power.binding is not None
    binding = power.binding
    if binding.kind is Kind.TRAINING:
        return names.module(binding.code)
    if binding.kind is Kind.KIT:
        return f"kit {names.kit_type(binding.code)}"
    if binding.kind is Kind.VETTING and binding.code in names.levels:
        return names.level(binding.code)
    return f"{kind_of(binding.kind).label.lower()} {binding.code}"


def _step_description(step: PlanStep) -> str:
    start_by, expires_on = step.start_by.isoformat(), step.expires_on.isoformat()
    status = f"Status: {step.status.value}."
    if step.status is StepStatus.DONE:
        action = "Renewal in hand: nothing more to do."
    elif step.status is StepStatus.UPCOMING:
        action = f"Next action: {step.title}, starting by {start_by}."
    elif step.status is StepStatus.OPEN:
        action = f"Next action: {step.title} now (start by {start_by})."
    elif step.status is StepStatus.OVERDUE:
        action = f"Next action: {step.title} now: it should have started by {start_by}."
    else:
        action = f"Missed: {step.title} was due to start by {start_by}."
    when = "Due on" if _is_due_date(step) else "Expires on"
    return f"{status} {action} {when} {expires_on}."


# --- UIDs ---------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _uid(officer_id: int, kind: str, code: str, day: dt.date, part: str) -> str:
    pieces = [str(officer_id), kind] + ([_UNSAFE.sub("_", code)] if code else []) + [day.isoformat(), part]
    return "-".join(pieces)


def _unique(uid: str, step: PlanStep, seen: set[str]) -> str:
    """Two steps on one item and day (a kit item's replacement and inspection) get distinct, still stable UIDs."""
    if uid in seen:
        uid = f"{uid}-{_UNSAFE.sub('_', step.title.lower())}"
    seen.add(uid)
    return uid

"""The iCalendar builder: the bytes are parsed back with icalendar and checked as a calendar client would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from icalendar import Calendar

from scheduler.ical import CalendarAlarms, CalendarOfficer, build_calendar
from scheduler.kinds import Dependency, Kind, PlanStep, StepStatus
from scheduler.rules import PowerCompliance

D = dt.date
GENERATED = dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.UTC)

CORE = PlanStep(Kind.TRAINING, "CSAS_CORE", "Book CSAS refresher course", D(2027, 9, 1), D(2027, 5, 4),
                StepStatus.UPCOMING)
ACCREDITATION = PlanStep(Kind.ACCREDITATION, "SUR-001", "Apply for re-accreditation (with evidence)",
                         D(2027, 6, 1), D(2027, 4, 2), StepStatus.UPCOMING)
VETTING_DONE = PlanStep(Kind.VETTING, "NPPV2A", "Submit vetting renewal", D(2027, 3, 1), D(2026, 9, 2),
                        StepStatus.DONE)


def power(code: str, usable_until: D | None, *, usable: bool = True, binding: Dependency | None = None
          ) -> PowerCompliance:
    if binding is None and usable_until is not None:
        binding = Dependency(Kind.ACCREDITATION, "SUR-001", usable_until + dt.timedelta(days=1))
    return PowerCompliance(code, usable, usable_until, binding, ())


JO = CalendarOfficer(
    7, "Jo Bloggs", (ACCREDITATION, CORE, VETTING_DONE),
    (power("ALCOHOL_UNDER_18", D(2027, 5, 31)), power("FPN_LITTER", D(2027, 5, 31))),
)


def events(data: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def only(found: dict[str, Any], summary_start: str) -> Any:
    matches = [e for e in found.values() if str(e["summary"]).startswith(summary_start)]
    assert len(matches) == 1, [str(e["summary"]) for e in found.values()]
    return matches[0]


def alarms(event: Any) -> list[Any]:
    return list(event.walk("VALARM"))


def test_calendar_properties() -> None:
    calendar = Calendar.from_ical(build_calendar("Team A1a", [JO], GENERATED))
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]) == "-//CSAS Register//EN"
    assert str(calendar["x-wr-calname"]) == "Team A1a"


def test_expiry_and_start_by_events_for_each_open_step() -> None:
    found = events(build_calendar("Jo", [JO], GENERATED))

    expiry = found["7-training-CSAS_CORE-2027-09-01-expiry@localhost"]
    assert str(expiry["summary"]) == "Expires: CSAS_CORE — Jo Bloggs"
    assert expiry.decoded("dtstart") == D(2027, 9, 1)
    assert expiry.decoded("dtend") == D(2027, 9, 2)
    assert str(expiry["transp"]) == "TRANSPARENT"
    assert expiry.decoded("dtstamp") == GENERATED
    assert "Status: upcoming." in str(expiry["description"])
    assert "Next action: Book CSAS refresher course, starting by 2027-05-04." in str(expiry["description"])
    [alarm] = alarms(expiry)
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == dt.timedelta(days=-14)

    start = found["7-training-CSAS_CORE-2027-05-04-start@localhost"]
    assert str(start["summary"]) == "Start by: Book CSAS refresher course — Jo Bloggs"
    assert (start.decoded("dtstart"), start.decoded("dtend")) == (D(2027, 5, 4), D(2027, 5, 5))
    [alarm] = alarms(start)
    assert alarm.decoded("trigger") == dt.timedelta(hours=-15)  # 09:00 the day before

    accreditation = found["7-accreditation-SUR-001-2027-06-01-expiry@localhost"]
    assert str(accreditation["summary"]) == "Expires: Accreditation SUR-001 — Jo Bloggs"
    assert "7-accreditation-SUR-001-2027-04-02-start@localhost" in found


def test_a_step_in_hand_keeps_its_expiry_without_alarm_and_has_no_start_event() -> None:
    found = events(build_calendar("Jo", [JO], GENERATED))
    done = found["7-vetting-NPPV2A-2027-03-01-expiry@localhost"]
    assert str(done["summary"]) == "Expires: Vetting NPPV2A (renewal in hand) — Jo Bloggs"
    assert alarms(done) == []
    assert "Status: done." in str(done["description"])
    assert not any(str(e["summary"]).startswith("Start by: Submit vetting renewal") for e in found.values())


def test_powers_lapsing_the_same_day_make_one_event_the_day_after_the_last_usable_day() -> None:
    found = events(build_calendar("Jo", [JO], GENERATED))
    lapse = only(found, "Powers lapse:")
    assert str(lapse["uid"]) == "7-powers-2027-06-01-lapse@localhost"
    assert str(lapse["summary"]) == "Powers lapse: ALCOHOL_UNDER_18, FPN_LITTER — Jo Bloggs"
    assert (lapse.decoded("dtstart"), lapse.decoded("dtend")) == (D(2027, 6, 1), D(2027, 6, 2))
    assert "Unless renewed" in str(lapse["description"])
    assert "last usable day 2027-05-31" in str(lapse["description"])
    [alarm] = alarms(lapse)
    assert alarm.decoded("trigger") == dt.timedelta(days=-14)


def test_powers_lapsing_on_different_days_or_unusable_or_unlimited() -> None:
    officer = CalendarOfficer(9, "Sam Smith", (), (
        power("FPN_LITTER", D(2027, 2, 28)),                   # lapses 1 March
        power("ALCOHOL_UNDER_18", D(2028, 2, 29)),             # leap day: lapses 1 March 2028
        power("TRAFFIC_DIRECT", None, usable=False),           # already unusable: nothing to warn of
        power("DOG_FOULING", None),                            # usable without end (no binding item)
    ))
    found = events(build_calendar("Sam", [officer], GENERATED))
    assert sorted(found) == ["9-powers-2027-03-01-lapse@localhost", "9-powers-2028-03-01-lapse@localhost"]
    assert str(found["9-powers-2028-03-01-lapse@localhost"]["summary"]) == (
        "Powers lapse: ALCOHOL_UNDER_18 — Sam Smith")


def test_uids_are_stable_across_builds_and_unique() -> None:
    first = build_calendar("Jo", [JO], GENERATED)
    later = build_calendar("Jo", [JO], GENERATED + dt.timedelta(days=3, hours=5))
    assert sorted(events(first)) == sorted(events(later))
    assert first != later  # only DTSTAMP differs
    assert first.replace(b"20261122T060000Z", b"20261125T110000Z") == later
    raw_uids = [line for line in first.split(b"\r\n") if line.startswith(b"UID:")]
    assert len(raw_uids) == len(set(raw_uids)) == 6  # 3 expiries, 2 start-bys, 1 lapse


def test_two_steps_on_one_item_and_day_get_distinct_uids() -> None:
    replace_kit = PlanStep(Kind.KIT, "BODY_ARMOUR", "Replace kit", D(2027, 4, 1), D(2027, 3, 2), StepStatus.UPCOMING)
    inspect_kit = PlanStep(Kind.KIT, "BODY_ARMOUR", "Inspect kit", D(2027, 4, 1), D(2027, 3, 2), StepStatus.UPCOMING)
    officer = CalendarOfficer(5, "Ali Khan", (replace_kit, inspect_kit), ())
    found = events(build_calendar("Ali", [officer], GENERATED))
    assert len(found) == 4
    assert {str(e["summary"]) for e in found.values()} == {
        "Expires: Kit BODY_ARMOUR — Ali Khan", "Due: Kit BODY_ARMOUR — Ali Khan",
        "Start by: Replace kit — Ali Khan", "Start by: Inspect kit — Ali Khan",
    }
    assert "5-kit-BODY_ARMOUR-2027-04-01-expiry@localhost" in found


def test_several_officers_are_kept_apart() -> None:
    sam = CalendarOfficer(9, "Sam Smith", (CORE,), (power("FPN_LITTER", D(2027, 5, 31)),))
    found = events(build_calendar("Team", [JO, sam], GENERATED))
    assert "9-training-CSAS_CORE-2027-09-01-expiry@localhost" in found
    assert "7-training-CSAS_CORE-2027-09-01-expiry@localhost" in found
    assert str(found["9-powers-2027-06-01-lapse@localhost"]["summary"]) == "Powers lapse: FPN_LITTER — Sam Smith"
    assert len(found) == 6 + 3


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (StepStatus.OPEN, "Next action: Book CSAS refresher course now (start by 2027-05-04)."),
        (StepStatus.OVERDUE, "it should have started by 2027-05-04."),
        (StepStatus.MISSED, "Missed: Book CSAS refresher course was due to start by 2027-05-04."),
    ],
)
def test_description_says_status_and_next_action(status: StepStatus, text: str) -> None:
    step = PlanStep(CORE.kind, CORE.code, CORE.title, CORE.expires_on, CORE.start_by, status)
    found = events(build_calendar("Jo", [CalendarOfficer(7, "Jo Bloggs", (step,), ())], GENERATED))
    description = str(found["7-training-CSAS_CORE-2027-05-04-start@localhost"]["description"])
    assert description.startswith(f"Status: {status.value}.") and text in description


def test_alarm_offsets_are_data() -> None:
    custom = CalendarAlarms(start_by=dt.timedelta(days=-1), expiry=dt.timedelta(days=-30), lapse=dt.timedelta(0))
    found = events(build_calendar("Jo", [JO], GENERATED, alarms=custom))
    triggers = {uid.split("@")[0].rsplit("-", 1)[1]: alarms(e)[0].decoded("trigger")
                for uid, e in found.items() if alarms(e)}
    assert triggers == {"start": dt.timedelta(days=-1), "expiry": dt.timedelta(days=-30), "lapse": dt.timedelta(0)}


def test_empty_feed_is_a_valid_calendar() -> None:
    calendar = Calendar.from_ical(build_calendar("Nobody", [], GENERATED))
    assert list(calendar.walk("VEVENT")) == []
    assert str(calendar["x-wr-calname"]) == "Nobody"


def test_naive_generated_at_is_refused() -> None:
    with pytest.raises(ValueError):
        build_calendar("Jo", [JO], dt.datetime(2026, 11, 22, 6, 0))  # noqa: DTZ001


HOSTILE = 'Team, "A"; B\\ C\r\nBEGIN:VEVENT'


def test_the_calendar_name_is_escaped_text_whatever_it_holds() -> None:
    data = build_calendar(HOSTILE, [CalendarOfficer(3, HOSTILE, (CORE,), ())], GENERATED)
    lines = data.decode().split("\r\n")
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 2  # the two events, nothing injected by the name
    for name in ("NAME", "X-WR-CALNAME"):
        assert f'{name}:Team\\, "A"\\; B\\\\ C\\nBEGIN:VEVENT' in lines
    event = next(iter(Calendar.from_ical(data).walk("VEVENT")))
    assert str(event["summary"]).endswith('— Team, "A"; B\\ C\nBEGIN:VEVENT')  # CR LF read back as one line break


def test_a_published_feed_names_its_organizer_and_qualifies_uids_with_the_host() -> None:
    from scheduler.ical import Publisher

    data = build_calendar("CSAS: Jo", [JO], GENERATED,
                          publisher=Publisher(host="register.example.gov.uk", email="csas@example.gov.uk"))
    calendar = Calendar.from_ical(data)
    assert str(calendar["method"]) == "PUBLISH"
    for event in calendar.walk("VEVENT"):  # RFC 5546: PUBLISH needs an ORGANIZER on every event
        assert str(event["organizer"]) == "mailto:csas@example.gov.uk"
        assert event["organizer"].params["cn"] == "CSAS Register"
        assert str(event["uid"]).endswith("@register.example.gov.uk")


def test_feeds_name_powers_modules_and_kit_by_their_titles() -> None:
    from scheduler.policy import Names

    names = Names(powers={"FPN_LITTER": "Fixed penalty: litter", "ALCOHOL_UNDER_18": "Alcohol: under-18s"},
                  modules={"CSAS_CORE": "CSAS accreditation course and exam"})
    found = events(build_calendar("Jo", [JO], GENERATED, names=names))
    summaries = {str(e["summary"]) for e in found.values()}
    assert "Expires: CSAS accreditation course and exam — Jo Bloggs" in summaries
    assert "Powers lapse: Alcohol: under-18s, Fixed penalty: litter — Jo Bloggs" in summaries
    assert not any("FPN_LITTER" in s or "CSAS_CORE" in s for s in summaries)


def test_a_lapse_by_suspension_is_not_said_to_be_undone_by_renewal() -> None:
    from scheduler.kinds import Dependency

    suspended = Dependency(Kind.ACCREDITATION, "SUR-001", D(2027, 3, 1), suspended=True)
    jo = CalendarOfficer(7, "Jo Bloggs", (), (power("FPN_LITTER", D(2027, 2, 28), binding=suspended),))
    (lapse,) = events(build_calendar("Jo", [jo], GENERATED)).values()
    description = str(lapse["description"])
    assert not description.startswith("Unless renewed")
    assert "accreditation SUR-001 (suspended from 2027-03-01)" in description

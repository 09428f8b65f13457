"""The words pages use for moments, days in sortable tables and catalogue items."""

from __future__ import annotations

import datetime as dt

import pytest

from admin_ui.templating import long_date, long_time, sort_day
from scheduler.policy import Names


@pytest.mark.parametrize(("moment", "words"), [
    (dt.datetime(2026, 12, 2, 14, 5, tzinfo=dt.UTC), "2 December 2026 at 14:05"),  # GMT: as stored
    (dt.datetime(2026, 7, 2, 13, 5, tzinfo=dt.UTC), "2 July 2026 at 14:05"),  # BST: an hour on
    (dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC), "29 March 2026 at 00:59"),  # the last minute of GMT
    (dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC), "29 March 2026 at 02:00"),  # clocks go forward
    (dt.datetime(2026, 12, 31, 23, 30), "31 December 2026 at 23:30"),  # noqa: DTZ001 (naive on purpose: taken as UTC)
    ("2026-07-02T13:05:00+00:00", "2 July 2026 at 14:05"),  # as SQLite may hand it back
])
def test_a_moment_is_written_on_the_london_clock(moment: dt.datetime | str, words: str) -> None:
    assert long_time(moment, "Europe/London") == words


def test_long_date_writes_a_datetime_as_a_moment_and_a_day_as_a_day() -> None:
    assert long_date(dt.datetime(2026, 12, 2, 14, 5, tzinfo=dt.UTC)) == "2 December 2026 at 14:05"
    assert long_date(dt.date(2026, 12, 1)) == "1 December 2026"
    assert long_date("2026-12-01") == "1 December 2026"


def test_days_sort_as_days_and_a_missing_day_sorts_last() -> None:
    days = [dt.date(2026, 3, 9), dt.date(2026, 4, 10), None, dt.date(2025, 12, 31)]
    assert sorted(days, key=sort_day) == [dt.date(2025, 12, 31), dt.date(2026, 3, 9), dt.date(2026, 4, 10), None]
    assert sorted(long_date(d) for d in days if d) != [long_date(d) for d in sorted(d for d in days if d)]


def test_an_item_is_named_by_its_catalogue_title() -> None:
    names = Names(powers={"ALCOHOL_UNDER_18": "Confiscate alcohol from under-18s"},
                  modules={"FIRST_AID": "First aid"}, kit={"HI_VIS_JACKET": "High-visibility jacket"})
    assert names.item("training", "FIRST_AID") == "First aid"
    assert names.item("kit", "HI_VIS_JACKET") == "High-visibility jacket"
    assert names.item("vetting", "NPPV2A") == "Vetting NPPV2A"
    assert names.item("accreditation", "SP-001") == "Accreditation SP-001"
    assert names.power("ALCOHOL_UNDER_18") == "Confiscate alcohol from under-18s"

"""Days typed in the GOV.UK date input: the parser (a pure function) and what a form shows for it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from httpx import AsyncClient

from admin_ui.date_input import HINT, read_date
from tests.admin_ui.test_pages_common import post_form, sign_in
from tests.factories import World

LABEL = "Date of issue"


@pytest.mark.parametrize(("day", "month", "year", "value"), [
    ("1", "12", "2026", dt.date(2026, 12, 1)),
    ("01", "12", "2026", dt.date(2026, 12, 1)),  # day first in every browser: never 12 January
    ("  1 ", " 3", "2027 ", dt.date(2027, 3, 1)),  # spaces around what was typed are trimmed
    ("29", "2", "2028", dt.date(2028, 2, 29)),  # a leap day
    ("1", "1", "1900", dt.date(1900, 1, 1)),  # the register's first day
    ("31", "12", "2199", dt.date(2199, 12, 31)),  # and its last
])
def test_three_boxes_make_the_day_they_name(day: str, month: str, year: str, value: dt.date) -> None:
    answer = read_date(LABEL, day, month, year)
    assert (answer.value, answer.error, answer.bad) == (value, "", frozenset())


@pytest.mark.parametrize(("day", "month", "year", "error", "bad"), [
    ("31", "2", "2027", "Date of issue must be a real date", {"day"}),
    ("29", "2", "2027", "Date of issue must be a real date", {"day"}),  # not a leap year
    ("1", "13", "2026", "Date of issue must be a real date", {"month"}),
    ("0", "3", "2026", "Date of issue must be a real date", {"day"}),
    ("1", "", "2026", "Date of issue must include a month", {"month"}),
    ("", "", "2027", "Date of issue must include a day and month", {"day", "month"}),
    ("1", "3", "", "Date of issue must include a year", {"year"}),
    ("1", "3", "27", "Date of issue must include the year in full, for example 27 3 2027", {"year"}),
    ("1", "3", "02027", "Date of issue must include the year in full, for example 27 3 2027", {"year"}),
    ("first", "3", "2027", "Date of issue must be a real date", {"day"}),
    ("1", "March", "2027", "Date of issue must be a real date", {"month"}),
    ("-1", "3", "2027", "Date of issue must be a real date", {"day"}),
    ("\uff11", "3", "2027", "Date of issue must be a real date", {"day"}),  # a full-width digit is not typed as 1
    ("", "", "", "Enter date of issue", {"day", "month", "year"}),
    ("31", "12", "1899", "Date of issue must be between 1 January 1900 and 31 December 2199",
     {"day", "month", "year"}),
])
def test_three_boxes_that_make_no_day_say_why_and_which(
        day: str, month: str, year: str, error: str, bad: set[str]) -> None:
    answer = read_date(LABEL, day, month, year)
    assert answer.value is None
    assert answer.error == error
    assert answer.bad == bad
    assert (answer.day, answer.month, answer.year) == (day.strip(), month.strip(), year.strip())  # shown again


def test_an_optional_date_left_empty_is_no_day_and_no_error() -> None:
    answer = read_date(LABEL, " ", "", "", required=False)
    assert (answer.value, answer.error) == (None, "")
    assert read_date(LABEL, "", "4", "", required=False).error == "Date of issue must include a day and year"


def test_the_hint_names_the_format_the_year_error_shows() -> None:
    assert HINT == "For example, 27 3 2027"
    assert HINT.removeprefix("For example, ") in read_date(LABEL, "1", "3", "27").error


async def test_a_form_asks_a_day_in_three_boxes_and_checks_it_in_words(client: AsyncClient, world: World) -> None:
    await sign_in(client, "off_a1a1")
    form = await client.get("/me/declaration")
    assert 'type="date"' not in form.text
    for part in ("day", "month", "year"):
        assert f'name="made_on-{part}"' in form.text
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of the declaration' in form.text
    assert HINT in form.text

    check = await post_form(client, "/me/declaration", {
        "kind": "change_of_circumstances", "categories": ["address"],
        "made_on-day": "01", "made_on-month": "12", "made_on-year": "2025"})
    assert check.status_code == 200, check.text
    assert "1 December 2025" in check.text
    # The check page carries the day on in the same three boxes, so confirming posts what the form would.
    assert re.search(r'name="made_on-day" value="1"', check.text)
    assert re.search(r'name="made_on-month" value="12"', check.text)
    assert re.search(r'name="made_on-year" value="2025"', check.text)


async def test_a_day_with_a_missing_month_is_shown_again_with_only_that_box_in_error(
        client: AsyncClient, world: World) -> None:
    await sign_in(client, "off_a1a1")
    response = await post_form(client, "/me/declaration", {
        "kind": "change_of_circumstances", "categories": ["address"],
        "made_on-day": " 7 ", "made_on-month": "", "made_on-year": "2025"})
    assert response.status_code == 422
    assert "Date of the declaration must include a month" in response.text
    assert 'href="#made_on-month"' in response.text
    boxes = dict(re.findall(r'<input class="([^"]*)" id="made_on-(day|month|year)"', response.text)[i][::-1]
                 for i in range(3))
    assert "govuk-input--error" in boxes["month"]
    assert "govuk-input--error" not in boxes["day"] and "govuk-input--error" not in boxes["year"]
    assert 'id="made_on-day" name="made_on-day" type="text" inputmode="numeric" value="7"' in response.text

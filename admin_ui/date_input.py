"""The GOV.UK Design System "Date input": a day typed in three boxes (Day, Month, Year), so "01 12 2026" is
1 December 2026 in every browser, whatever its locale does to `<input type=date>`. A pure function: the three
boxes as typed in, the day or the one message to show (and which boxes to highlight) out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.dates import in_range, out_of_range_message

PARTS = ("day", "month", "year")
# The hint and the messages name one format: the order and the numbers people type in the boxes.
HINT = "For example, 27 3 2027"


@dataclass(frozen=True)
class DateAnswer:
    """What was typed (trimmed, to show again) and what it means: a day, nothing (optional and left empty), or an
    error with the boxes it concerns."""

    day: str = ""
    month: str = ""
    year: str = ""
    value: dt.date | None = None
    error: str = ""
    bad: frozenset[str] = frozenset()

    @classmethod
    def of(cls, day: dt.date | None) -> DateAnswer:
        if day is None:
            return cls()
        return cls(str(day.day), str(day.month), str(day.year), value=day)

    def part(self, name: str) -> str:
        return str(getattr(self, name))

    @property
    def first_bad(self) -> str:
        """The box an error summary links to: the first one in error (GOV.UK pattern)."""
        return next((p for p in PARTS if p in self.bad), PARTS[0])


def _missing_words(missing: list[str]) -> str:
    return " and ".join(missing)


def read_date(label: str, day: str, month: str, year: str, required: bool = True) -> DateAnswer:
    """The day three boxes name, or why they name none. Messages follow the GOV.UK pattern: "Enter …" when all are
    empty, "… must include a month" when some are, "… must be a real date" when the numbers make no day."""
    typed = {"day": day.strip(), "month": month.strip(), "year": year.strip()}

    def refuse(error: str, bad: list[str] | tuple[str, ...]) -> DateAnswer:
        return DateAnswer(typed["day"], typed["month"], typed["year"], error=error, bad=frozenset(bad))

    missing = [p for p in PARTS if not typed[p]]
    if len(missing) == len(PARTS):
        return refuse(f"Enter {label[:1].lower() + label[1:]}", PARTS) if required else DateAnswer()
    if missing:
        return refuse(f"{label} must include a {_missing_words(missing)}", missing)
    not_numbers = [p for p in PARTS if not typed[p].isascii() or not typed[p].isdigit()]
    if not_numbers:
        return refuse(f"{label} must be a real date", not_numbers)
    if len(typed["year"]) != 4:
        return refuse(f"{label} must include the year in full, for example 27 3 2027", ["year"])
    d, m, y = (int(typed[p]) for p in PARTS)
    if not 1 <= m <= 12:
        return refuse(f"{label} must be a real date", ["month"])
    try:
        value = dt.date(y, m, d)
    except ValueError:
        return refuse(f"{label} must be a real date", ["day"])
    if not in_range(value):
        return refuse(out_of_range_message(label).rstrip("."), PARTS)
    return DateAnswer(typed["day"], typed["month"], typed["year"], value=value)


def read_date_from(form: dict[str, object], name: str, label: str, required: bool = True) -> DateAnswer:
    """The three boxes named `{name}-day`, `{name}-month`, `{name}-year` of a posted form or a query string."""

    def box(part: str) -> str:
        got = form.get(f"{name}-{part}", "")
        got = (got[-1] if isinstance(got, list) and got else got) or ""
        return str(got)

    return read_date(label, box("day"), box("month"), box("year"), required=required)

"""Reading one row of an import: its cells as text, dates, codes, and the organisation, team or officer a readable
column names, each failure collected as (column, message) so that one row reports all its problems at once."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from core.access import Principal
from core.dates import in_range, out_of_range_message
from core.errors import Violation
from reports.spreadsheets import unneutralise

# Service field names → the logical field of the sheet.
FIELD_ALIASES = {"organisation_id": "organisation", "team_id": "team", "officer_id": "officer",
                 "module_code": "module", "level_code": "level", "kit_type_code": "kit_type"}

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(text: str) -> dt.date:
    text = text.strip()
    iso = text[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso) and (len(text) == 10 or text[10:].strip() in ("00:00:00", "")
                                                    or text[10] in " T"):
        return dt.date.fromisoformat(iso)
    if m := _DMY.match(text):  # councils' sheets: day first (UK)
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(text)


def as_id(text: str) -> int | None:
    """An id typed in a cell; None when it is not one. (`str.isdigit` is true of '²', which int() refuses.)"""
    return int(text) if text.isascii() and text.isdecimal() else None


class RowErrors(Exception):
    """A row that cannot be read: every (column, message) found in it, raised once the whole row was looked at."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__("row errors")
        self.errors = errors


@dataclass
class RowContext:
    """What the rows are read against: the caller, the day, which column carries each field, and everything a
    readable column may name, loaded once for the whole sheet."""

    actor: Principal
    today: dt.date
    columns: dict[str, str]
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)   # lower name → row
    shared_names: set[str] = field(default_factory=set)  # lower names more than one organisation in scope bears
    organisation_ids: dict[int, dict[str, Any]] = field(default_factory=dict)
    teams: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    team_ids: dict[int, dict[str, Any]] = field(default_factory=dict)
    officers: dict[int, dict[str, Any]] = field(default_factory=dict)
    by_staff: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    codes: dict[str, Any] = field(default_factory=dict)
    existing: set[tuple[Any, ...]] = field(default_factory=set)

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


def read_value(ctx: RowContext, row: dict[str, str], name: str) -> str:
    """Every value the import reads passes here: trimmed, then the export's formula neutralisation undone
    (a leading apostrophe before = + - @ TAB or CR, see reports.spreadsheets), so an exported sheet imports back
    with exactly its values."""
    return unneutralise(row.get(ctx.columns.get(name, name), "").strip())


def read_required(ctx: RowContext, row: dict[str, str], name: str, errors: list[tuple[str | None, str]]) -> str:
    value = read_value(ctx, row, name)
    if not value:
        errors.append((ctx.column(name), "A value is required."))
    return value


def read_date(ctx: RowContext, row: dict[str, str], name: str, errors: list[tuple[str | None, str]],
          required: bool = True) -> dt.date | None:
    text = read_required(ctx, row, name, errors) if required else read_value(ctx, row, name)
    if not text:
        return None
    try:
        day = parse_date(text)
    except ValueError:
        errors.append((ctx.column(name), f"'{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)."))
        return None
    if not in_range(day):  # stored, 9999-12-31 broke the feeds and the training matrix for everyone
        errors.append((ctx.column(name), out_of_range_message(f"'{text}'")))
        return None
    return day


def read_organisation(ctx: RowContext, row: dict[str, str], errors: list[tuple[str | None, str]],
                  required: bool) -> dict[str, Any] | None:
    text = read_required(ctx, row, "organisation", errors) if required else read_value(ctx, row, "organisation")
    if not text:
        return None
    if ctx.column("organisation") == "organisation_id":
        found = (None if (key := as_id(text)) is None else ctx.organisation_ids.get(key))
    elif text.lower() in ctx.shared_names:  # names are not unique: the first would be a guess
        errors.append((ctx.column("organisation"),
                       f"More than one organisation in your scope is named '{text}': use organisation_id."))
        return None
    else:
        found = ctx.organisations.get(text.lower())
    if found is None:
        errors.append((ctx.column("organisation"), f"No organisation '{text}' in your scope."))
    return found


def read_officer(ctx: RowContext, row: dict[str, str], errors: list[tuple[str | None, str]]) -> dict[str, Any] | None:
    text = read_required(ctx, row, "officer", errors)
    if not text:
        return None
    column = ctx.column("officer")
    if column == "officer_id":
        found = (None if (key := as_id(text)) is None else ctx.officers.get(key))
        if found is None:
            errors.append((column, f"No officer with id {text} in your scope."))
        return found
    candidates = ctx.by_staff.get(text.lower(), [])
    organisation = read_organisation(ctx, row, errors, required=False) if "organisation" in ctx.columns else None
    if organisation is not None:
        candidates = [c for c in candidates if c["organisation"] == organisation["id"]]
    if not candidates:
        errors.append((column, f"No officer with staff number '{text}' in your scope."))
        return None
    if len(candidates) > 1:
        errors.append((column, f"Staff number '{text}' is used by several employers: add an organisation column."))
        return None
    return candidates[0]


def read_code(ctx: RowContext, row: dict[str, str], name: str, errors: list[tuple[str | None, str]]) -> str:
    text = read_required(ctx, row, name, errors)
    if text and text.upper() not in ctx.codes[name]:
        errors.append((ctx.column(name), f"No {name.replace('_', ' ')} with code '{text}'."))
    return text.upper()


def columns_of(ctx: RowContext, violations: list[Violation]) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for violation in violations:
        name = FIELD_ALIASES.get(violation.field or "", violation.field)
        out.append((ctx.column(name) if name else None, violation.message))
    return out

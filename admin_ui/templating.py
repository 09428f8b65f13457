"""Jinja filters and globals for the pages: GOV.UK-style dates, status tags, the navigation per role."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

from admin_ui.date_input import HINT as DATE_HINT
from core.dates import long_date as written_date
from scheduler.readiness import STATUS_WORDS, overdue_note, step_when

# Red/amber/green as GOV.UK tags, always with a word: colour is never the only signal.
TAGS = {
    "red": ("govuk-tag--red", "Red"), "amber": ("govuk-tag--orange", "Amber"), "green": ("govuk-tag--green", "Green"),
    "due": ("govuk-tag--yellow", "Due"), "overdue": ("govuk-tag--red", "Overdue"), "done": ("govuk-tag--green", "Done"),
    "upcoming": ("govuk-tag--grey", "Upcoming"), "in_date": ("govuk-tag--green", "In date"),
    "expiring": ("govuk-tag--orange", "Expiring"), "expired": ("govuk-tag--red", "Expired"),
    "missing": ("govuk-tag--grey", "Missing"), "not_required": ("govuk-tag--grey", "Not required"),
    "in_force": ("govuk-tag--green", "In force"), "suspended": ("govuk-tag--orange", "Suspended"),
    "withdrawn": ("govuk-tag--red", "Withdrawn"), "ended": ("govuk-tag--grey", "Ended"),
    "not_yet_in_force": ("govuk-tag--blue", "Not yet in force"),
}
# Renewal-plan steps, in the words every page and PDF uses for them.
STEP_TAGS = {"overdue": "govuk-tag--red", "missed": "govuk-tag--red", "open": "govuk-tag--yellow",
             "upcoming": "govuk-tag--grey", "done": "govuk-tag--green"}
TAGS |= {status.value: (STEP_TAGS[status.value], text) for status, text in STATUS_WORDS.items()}

ROLE_LABELS = {
    "admin": "System administrator",
    "csas_coordinator": "CSAS coordinator",
    "vetting_officer": "Vetting officer",
    "hr": "HR",
    "manager": "Team manager",
    "officer": "Accredited officer",
}

NAV: dict[str, list[tuple[str, str]]] = {
    "officer": [("/me", "My record")],
    "manager": [("/team", "Team readiness"), ("/team/calendar", "Expiry calendar"), ("/team/training", "Training"),
                ("/officers", "Officers")],
    "hr": [("/vetting", "Vetting"), ("/officers", "Officers")],
    "vetting_officer": [("/vetting", "Vetting queue"), ("/officers", "Officers")],
    "csas_coordinator": [("/forecast", "Forecast"), ("/accreditations", "Accreditations to renew"),
                         ("/officers", "Officers"), ("/admin/policy", "Policy")],
    "admin": [("/admin", "Users"), ("/admin/policy", "Policy"), ("/admin/catalogues", "Catalogues"),
              ("/admin/outbox", "Outbox"), ("/admin/scheduler", "Scheduler"), ("/officers", "Officers")],
}


def long_date(value: Any) -> str:
    """core.dates.long_date for templates: also takes ISO strings, datetimes and None ('')."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        return f"{written_date(value.date())} {value:%H:%M}"
    return written_date(value)


def tag(value: Any) -> Markup:
    key = str(getattr(value, "value", value) or "")
    css, text = TAGS.get(key, ("govuk-tag--grey", key.replace("_", " ").capitalize()))
    return Markup(f'<strong class="govuk-tag {css}">{escape(text)}</strong>')


def words(value: Any) -> str:
    return str(getattr(value, "value", value) or "").replace("_", " ").capitalize()


def configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters["long_date"] = long_date
    env.filters["tag"] = tag
    env.filters["words"] = words
    env.filters["step_when"] = step_when
    env.filters["overdue_note"] = overdue_note
    env.globals["NAV"] = NAV
    env.globals["DATE_HINT"] = DATE_HINT
    env.globals["ROLE_LABELS"] = ROLE_LABELS

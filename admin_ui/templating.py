"""Jinja filters and globals for the pages: GOV.UK-style dates, status tags, the navigation per role."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

from admin_ui.date_input import HINT as DATE_HINT
from core.dates import long_date as written_date
from core.settings import get_settings
from scheduler.policy import Names
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

# Where each role lands after signing in, and returns to from its own account's pages.
LANDING = {
    "admin": "/admin",
    "csas_coordinator": "/forecast",
    "vetting_officer": "/vetting",
    "hr": "/vetting",
    "manager": "/team",
    "officer": "/me",
}

NAV: dict[str, list[tuple[str, str]]] = {
    "officer": [("/me", "My record")],
    "manager": [("/team", "Team readiness"), ("/team/calendar", "Expiry calendar"), ("/team/training", "Training"),
                ("/team/next-steps", "Next steps"), ("/officers", "Officers")],
    "hr": [("/vetting", "Vetting"), ("/officers", "Officers"), ("/employers", "Employers and teams")],
    "vetting_officer": [("/vetting", "Vetting queue"), ("/officers", "Officers")],
    "csas_coordinator": [("/forecast", "Forecast"), ("/accreditations", "Accreditations to renew"),
                         ("/officers", "Officers"), ("/employers", "Employers"), ("/downloads", "Downloads"),
                         ("/imports", "Imports"), ("/admin/policy", "Policy"), ("/capacity", "Capacity")],
    "admin": [("/admin", "Users"), ("/admin/policy", "Policy"), ("/admin/catalogues", "Catalogues"),
              ("/admin/outbox", "Outbox"), ("/admin/scheduler", "Scheduler"), ("/admin/calendars", "Calendars"),
              ("/officers", "Officers"), ("/downloads", "Downloads"), ("/imports", "Imports"),
              ("/capacity", "Capacity")],
}
# The other roles that may import a dataset (reports.imports.IMPORT_ROLES) reach the imports page from their menu
# too, last, after the pages of their daily work.
for _role in ("manager", "hr", "vetting_officer"):
    NAV[_role].append(("/imports", "Imports"))


def current_nav(role: str, *candidates: str | None) -> str | None:
    """The menu item to mark as where you are: the first of the candidates (the page's path, the page's own
    nav_active, its back link) that lies under a menu item, matched to the item with the longest address, so
    /officers/5/kit/new is under Officers and /admin/policy/validity under Policy, not Users."""
    hrefs = [href for href, _ in NAV.get(role, [])]
    for candidate in candidates:
        path = (candidate or "").split("?")[0]
        under = [href for href in hrefs if path == href or path.startswith(href.rstrip("/") + "/")]
        if under:
            return max(under, key=len)
    return None


def long_date(value: Any) -> str:
    """core.dates.long_date for templates: also takes ISO strings, datetimes (as long_time) and None ('')."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return long_time(value)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    return written_date(value)


def long_time(value: dt.datetime | str | None, timezone: str | None = None) -> str:
    """A moment as people there read it: '2 December 2026 at 14:05' on the force's clock (Europe/London by
    default, so British Summer Time is shown as such). Stored timestamps are UTC; a naive one is taken as UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    local = aware.astimezone(ZoneInfo(timezone or get_settings().timezone))
    return f"{written_date(local.date())} at {local:%H:%M}"


def sort_day(value: Any) -> str:
    """A day as a sortable table's data-sort-value: ISO text sorts in date order ('9 March' would sort after
    '10 April'); no day sorts last."""
    if isinstance(value, dt.date):  # a datetime is a date too
        return value.isoformat()
    return str(value) if value else "9999-12-31"


def _names(context: Context) -> Names:
    """The catalogue's titles a page passed as `names` (scheduler.policy.Names, as digests and calendars use)."""
    names = context.get("names")
    return names if isinstance(names, Names) else Names()


@pass_context
def power_title(context: Context, code: str) -> str:
    return _names(context).power(code)


@pass_context
def module_title(context: Context, code: str) -> str:
    return _names(context).module(code)


@pass_context
def kit_title(context: Context, code: str) -> str:
    return _names(context).kit_type(code)


@pass_context
def level_title(context: Context, code: str) -> str:
    return _names(context).level(code)


@pass_context
def item_title(context: Context, item: Any) -> str:
    """A plan step or binding (anything with .kind and .code) named as Names.item names it."""
    return _names(context).item(str(getattr(item.kind, "value", item.kind)), item.code)


def tag(value: Any) -> Markup:
    key = str(getattr(value, "value", value) or "")
    css, text = TAGS.get(key, ("govuk-tag--grey", key.replace("_", " ").capitalize()))
    return Markup(f'<strong class="govuk-tag {css}">{escape(text)}</strong>')


def words(value: Any) -> str:
    return str(getattr(value, "value", value) or "").replace("_", " ").capitalize()


_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)
_HEADING = re.compile(r"<h[1-3]\b[^>]*>(.*?)</h[1-3]>", re.S)
_REGION_OPENED = re.compile(r"<div\b[^>]*role=\"region\"[^>]*>\s*$")
_TAG = re.compile(r"<[^>]+>")


def scroll_tables(html: str) -> Markup:
    """Every table on a page, in a labelled region that scrolls sideways when the table is wider than the screen
    (375 px phones), so the page itself never is; the region takes focus, so keyboard users can scroll it too. Done
    once for every page (base.html), so no template has to remember it. Named by the table's caption, else by the
    heading before it; a table a template already put in a region is left as it is."""

    def wrap(found: re.Match[str]) -> str:
        before = found.string[:found.start()]
        if _REGION_OPENED.search(before[-300:]):
            return found.group(0)
        caption = _CAPTION.search(found.group(0))
        headings = _HEADING.findall(before)
        label = _TAG.sub("", caption.group(1) if caption else headings[-1] if headings else "Table")
        label = " ".join(label.split()).replace('"', "&#34;") or "Table"
        return f'<div class="csas-scroll" role="region" aria-label="{label}" tabindex="0">{found.group(0)}</div>'

    return Markup(_TABLE.sub(wrap, str(html)))


def configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters["long_date"] = long_date
    env.filters["long_time"] = long_time
    env.filters["tag"] = tag
    env.filters["sort_day"] = sort_day
    env.filters["power_title"] = power_title
    env.filters["module_title"] = module_title
    env.filters["kit_title"] = kit_title
    env.filters["item_title"] = item_title
    env.filters["level_title"] = level_title
    env.filters["words"] = words
    env.filters["step_when"] = step_when
    env.filters["overdue_note"] = overdue_note
    env.filters["scroll_tables"] = scroll_tables
    env.globals["NAV"] = NAV
    env.globals["current_nav"] = current_nav
    env.globals["DATE_HINT"] = DATE_HINT
    env.globals["ROLE_LABELS"] = ROLE_LABELS

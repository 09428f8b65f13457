"""Jinja filters and globals for the pages: GOV.UK-style dates, status tags, the navigation per role."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

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
                         ("/imports", "Imports"), ("/admin/policy", "Policy")],
    "admin": [("/admin", "Users"), ("/admin/policy", "Policy"), ("/admin/catalogues", "Catalogues"),
              ("/admin/outbox", "Outbox"), ("/admin/scheduler", "Scheduler"), ("/officers", "Officers"),
              ("/downloads", "Downloads"), ("/imports", "Imports")],
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
    env.filters["tag"] = tag
    env.filters["words"] = words
    env.filters["step_when"] = step_when
    env.filters["overdue_note"] = overdue_note
    env.filters["scroll_tables"] = scroll_tables
    env.globals["NAV"] = NAV
    env.globals["current_nav"] = current_nav
    env.globals["ROLE_LABELS"] = ROLE_LABELS

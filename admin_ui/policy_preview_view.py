"""What a policy form's check page shows before "Save" (issue 21, "what if"): scheduler.policy_preview's answer in
words, differences first. Officers by name, powers and modules by their titles, days as long UK dates; the longest
lists are cut at ROWS with the number left out said."""

from __future__ import annotations

import datetime as dt
from typing import Any

from admin_ui.templating import long_date
from core.access import Principal
from core.clock import business_today
from core.dates import long_month
from scheduler.capacity import WORK_KINDS
from scheduler.policy import Names
from scheduler.policy_preview import preview_policy
from scheduler.policy_store import load_catalogue

ROWS = 50
WORK_WORDS = {"vetting": "Vetting renewals", "course": "CSAS courses", "accreditation": "Re-accreditations"}


def _because(row: dict[str, Any], names: Names) -> str:
    if row.get("reason"):
        return str(row["reason"])
    binding = row.get("binding")
    if not binding:
        return ""
    return f"{names.item(binding['kind'], binding['code'])} ends {long_date(binding['expires_on'])}"


def _until(day: dt.date | None, start: dt.date) -> str:
    if day is None:
        return "No lapse"
    if day < start:
        return f"Not usable from {long_date(start)}"
    return f"Usable until {long_date(day)}"


def _lapse_rows(result: dict[str, Any], names: Names, start: dt.date) -> list[dict[str, Any]]:
    rows = [(row, None, row["usable_until"]) for row in result["added"]]
    rows += [(row, row["current_usable_until"], row["usable_until"]) for row in result["changed"]]
    rows += [(row, row["usable_until"], None) for row in result["removed"]]
    rows.sort(key=lambda r: (min(d for d in r[1:] if d is not None), r[0]["name"], r[0]["officer_id"]))
    return [{"officer_id": row["officer_id"], "name": row["name"], "power": names.power(row["code"]),
             "current": _until(now, start), "proposed": _until(then, start),
             "because": _because(row, names) if then is not None else f"Now: {_because(row, names)}"}
            for row, now, then in rows]


def _step_rows(rows: list[dict[str, Any]], names: Names) -> list[dict[str, Any]]:
    return [{"officer_id": row["officer_id"], "name": row["name"], "step": row["title"],
             "item": names.item(row["kind"], row["code"]), "start_by": long_date(row["start_by"]),
             "expires_on": long_date(row["expires_on"])} for row in rows]


def _demand_rows(demand: dict[str, dict[str, dict[str, int]]]) -> list[dict[str, Any]]:
    out = []
    for key, counts in demand["current"].items():
        proposed = demand["proposed"][key]
        out.append({"month": long_month(key),
                    "cells": [(counts[kind], proposed[kind]) for kind in WORK_KINDS],
                    "moved": any(counts[kind] != proposed[kind] for kind in WORK_KINDS)})
    return out


def _cut(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"rows": rows[:ROWS], "more": max(0, len(rows) - ROWS), "total": len(rows)}


async def policy_preview(principal: Principal, changes: dict[str, Any]) -> dict[str, Any]:
    """The check page's preview of saving `changes` (a PUT /api/policy body), for the forecast's window."""
    start = business_today()
    end = start + dt.timedelta(days=365)
    result = await preview_policy(principal, changes, start, end)
    names = (await load_catalogue()).names
    demand = _demand_rows(result["demand"])
    return {
        "start": start, "end": end,
        "lapses": _cut(_lapse_rows(result, names, start)),
        "overdue_added": _cut(_step_rows(result["overdue"]["added"], names)),
        "overdue_removed": _cut(_step_rows(result["overdue"]["removed"], names)),
        "demand": demand, "demand_moves": any(row["moved"] for row in demand),
        "work_words": [WORK_WORDS[kind] for kind in WORK_KINDS],
        "totals": [("Powers that lapse in the window", len(result["current"]["lapses"]),
                    len(result["proposed"]["lapses"])),
                   ("Renewal steps overdue today", result["current"]["overdue_steps"],
                    result["proposed"]["overdue_steps"])],
        "notes": result["notes"],
    }

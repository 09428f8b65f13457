"""The compliance pack for a performance meeting: readiness, expiry cliff, capability forecast, vetting queue
age, officers at risk and the compliance trend, each with a chart where one helps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from reports import charts
from reports.data import month_label
from reports.pdf.fonts import ReportPDF, day
from scheduler.capacity import KIND_TITLES, WORK_KINDS
from scheduler.readiness import readiness_label, step_line


def _chart_data(data: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        "cliff": (data["cliff_months"], data["cliff"]),
        "capability": (["now"] + [month_label(d) for d in data["capability_starts"][1:]],
                       {data.get("power_titles", {}).get(code, code): counts
                        for code, counts in data["capability"].items()}),
        "trend": (data["trend_months"], data["trend"]),
    }


def chart_pngs(data: dict[str, Any], only: str | None = None) -> dict[str, bytes]:
    """The pack's three charts as PNG bytes ("cliff", "capability", "trend"), or just `only`."""
    makers: dict[str, Callable[..., bytes]] = {
        "cliff": charts.expiry_cliff, "capability": charts.capability_forecast, "trend": charts.compliance_trend}
    return {name: makers[name](*args) for name, args in _chart_data(data).items() if only is None or name == only}


def chart_alts(data: dict[str, Any]) -> dict[str, str]:
    """What each chart shows, in words, from the data it is drawn from: its alternative text."""
    describers: dict[str, Callable[..., str]] = {
        "cliff": charts.describe_expiry_cliff, "capability": charts.describe_capability_forecast,
        "trend": charts.describe_compliance_trend}
    return {name: describers[name](*args) for name, args in _chart_data(data).items()}


def render(title: str, data: dict[str, Any], generated_on: dt.date,
           progress: Callable[[str], None] | None = None) -> bytes:
    step = progress or (lambda _: None)
    as_of: dt.date = data["as_of"]
    pdf = ReportPDF(title, as_of, generated_on)
    step("charts")
    pngs = chart_pngs(data)
    alts = chart_alts(data)

    step("cover")
    pdf.add_page()
    pdf.h1(title)
    pdf.para(f"For the performance meeting · as of {day(as_of)}", size=13)
    pdf.ln(6)
    totals = {"red": 0, "amber": 0, "green": 0, "overdue": 0}
    for _, _, red, amber, green, overdue in data["readiness"]:
        totals["red"] += red
        totals["amber"] += amber
        totals["green"] += green
        totals["overdue"] += overdue
    pdf.para(f"{data['officers']} serving officers: {totals['red']} red (cannot use a designated power), "
             f"{totals['amber']} amber (a power lapses within {data['warning_days']} days), {totals['green']} green. "
             f"{totals['overdue']} ha{'s' if totals['overdue'] == 1 else 've'} an overdue renewal step "
             f"(it should have started more than {data['overdue_after_days']} days ago).", size=11)
    cliff, trend = data["cliff_months"], data["trend_months"]
    pdf.para(f"{sum(data['cliff'])} items expire from {cliff[0]} to {cliff[-1]}; {data['queue_total']} vetting "
             f"applications are open; {sum(data['trend'])} powers lapsed from {trend[0]} to {trend[-1]}.", size=11)
    pdf.ln(1)
    capacity = data.get("capacity")
    pdf.para("Contents: 1 Readiness by employer and team · 2 Expiry cliff · 3 Capability forecast · "
             "4 Vetting queue · 5 Officers at risk · 6 Compliance trend" + (" · 7 Capacity" if capacity else ""),
             size=9)

    step("readiness")
    pdf.h2("1  Readiness by employer and team")
    pdf.table_of(["Employer", "Team", "Red (blocked)", "Amber (lapsing)", "Green (ready)", "Officers",
                  "With a step overdue"],
                 [[e, t, r, a, g, r + a + g, o] for e, t, r, a, g, o in data["readiness"]],
                 widths=[44, 34, 20, 22, 20, 18, 22], size=9, empty="No serving officers in scope.")

    step("expiry cliff")
    pdf.h2("2  Expiry cliff: items expiring per month")
    pdf.image_png(pngs["cliff"], 180, alts["cliff"])
    pdf.table_of(data["cliff_months"], [data["cliff"]], size=7)

    step("capability forecast")
    pdf.add_page()
    pdf.h1("3  Capability forecast: officers able to use each power")
    pdf.image_png(pngs["capability"], 180, alts["capability"])
    labels = ["Power", "Now"] + [d.strftime("%b %y") for d in data["capability_starts"][1:]]
    pdf.table_of(labels, [[code, *counts] for code, counts in data["capability"].items()],
                 widths=[37] + [11.8] * 12, size=6, empty="No designated powers in scope.")

    step("vetting queue")
    pdf.h2("4  Vetting queue: how long open applications have waited")
    pdf.table_of(["Waiting", "Applications"], [[label, n] for label, n in data["queue_buckets"]],
                 widths=[60, 30], size=9)
    pdf.table_of(["Officer", "Level", "Status", "Requested", "Days waiting"],
                 [[q["name"], q["level"], q["status"].replace("_", " "), day(q["requested_on"]), q["days"]]
                  for q in data["queue_oldest"]],
                 widths=[60, 25, 30, 30, 25], size=8, empty="No open applications.")

    step("officers at risk")
    pdf.add_page()
    pdf.h1("5  Officers at risk")
    pdf.para("Red or amber officers, and any officer with an overdue renewal step, with the step to take next.",
             size=9)
    pdf.table_of(["Officer", "Employer", "Team", "Status", "Usable until", "Binding item", "Next renewal step"],
                 [[r["name"], r["employer"], r["team"], readiness_label(r["status"].upper(), r["plan"]),
                   day(r["usable_until"], "not usable"),
                   f"{r['binding'].kind.value} {r['binding'].code} ({day(r['binding'].expires_on)})"
                   if r["binding"] else "—", step_line(r["next"])] for r in data["at_risk"]],
                 widths=[26, 26, 20, 20, 20, 30, 42], size=7,
                 empty="No officer is amber or red. No renewal step is overdue.")

    step("compliance trend")
    pdf.h2("6  Compliance trend: powers lapsed per month, last 12 months")
    pdf.image_png(pngs["trend"], 180, alts["trend"])
    pdf.table_of(data["trend_months"], [data["trend"]], size=7)
    if capacity:
        step("capacity")
        _capacity_section(pdf, capacity)
    return bytes(pdf.output())


def _capacity_section(pdf: ReportPDF, capacity: dict[str, Any]) -> None:
    """Renewals due each month against the force's capacity, the levelled plan, and the lapses no plan avoids."""
    labels, kinds = charts.capacity_series(capacity["rows"], KIND_TITLES)
    pdf.add_page()
    pdf.h1("7  Capacity: renewals due against what can be processed")
    needed = capacity["needed"]
    pdf.para(f"{len(capacity['unavoidable'])} renewal{'' if len(capacity['unavoidable']) == 1 else 's'} cannot "
             "start by the start-by date at this capacity. Capacity a month that would avoid every lapse: "
             + ", ".join(f"{KIND_TITLES[k].lower()} {needed[k]}" for k in WORK_KINDS) + ".", size=9)
    pdf.image_png(charts.capacity_chart(labels, kinds), 170, charts.describe_capacity(labels, kinds))
    pdf.table_of(["Month", *(f"{KIND_TITLES[k]}: due / capacity / levelled" for k in WORK_KINDS)],
                 [[label, *(f"{r['demand'][k]} / {'—' if r['capacity'][k] is None else r['capacity'][k]} / "
                            f"{r['levelled'][k]}" for k in WORK_KINDS)]
                  for label, r in zip(labels, capacity["rows"], strict=True)],
                 widths=[25, 50, 50, 50], size=7)
    pdf.table_of(["Officer", "Renewal", "Start by", "Expires"],
                 [[u["name"], f"{KIND_TITLES[u['kind']]}: {u['code']}", day(u["start_by"]), day(u["expires_on"])]
                  for u in capacity["unavoidable"]],
                 widths=[55, 60, 30, 30], size=8, empty="No lapse is unavoidable at this capacity.")

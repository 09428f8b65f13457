"""The officer's record as of a day: powers usable until, every item with its expiry, the plan and the history.
Tagged throughout (headings, paragraphs, tables); it also names the record page, its HTML equivalent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reports.pdf.fonts import ReportPDF, day
from scheduler.readiness import STATUS_WORDS, next_step, overdue_count, readiness_label, step_line


def _why(power: Any) -> str:
    if power.usable:
        binding = power.binding
        return f"until {day(power.usable_until)}" + (
            f" ({binding.kind.value} {binding.code} {'is suspended from' if binding.suspended else 'expires'} "
            f"{day(binding.expires_on)})" if binding else "")
    # Each reason is a sentence of its own ("No vetting clearance has been granted."): joined as sentences.
    return " ".join(b.message for b in power.blocked_by) or "Not usable."


def accessible_url(officer_id: int, public_url: str | None = None) -> str:
    from core.settings import get_settings

    return f"{public_url or get_settings().public_url}/officers/{officer_id}"


def render(data: dict[str, Any], generated_on: dt.date, public_url: str | None = None) -> bytes:
    officer = data["officer"]
    compliance = data["compliance"]
    as_of: dt.date = data["as_of"]
    name = f"{officer['given_name']} {officer['family_name']}"
    pdf = ReportPDF(f"Officer record: {name}", as_of, generated_on)
    pdf.add_page()
    pdf.h1(f"Officer record: {name}")
    pdf.para(f"Staff number {officer['staff_number']} · {officer['organisation_name']}"
             f" · team {officer['team_name'] or '(none)'} · {data['status']}"
             + (f" (left {day(officer['left_on'])})" if officer["left_on"] else ""))
    pdf.para(f"Started {day(officer['started_on'])} · email {officer['email']}", size=9)
    # The regulations accept an accessible HTML equivalent beside a PDF: say where it is, for any reader whose
    # software makes little of PDF tags
    pdf.para(f"An accessible version of this record is at {accessible_url(officer['id'], public_url)}", size=8)
    pdf.ln(2)
    until = compliance.powers_usable_until
    headline = f"Powers usable until {day(until)}" if until else "No powers usable"
    plan = data["plan"]
    status = readiness_label(compliance.status.value.upper(), plan).replace(" overdue", "\u00a0overdue")  # one line
    pdf.para(f"{headline} (as of {day(as_of)}) · status {status}", size=12, bold=True)
    if compliance.binding:
        b = compliance.binding
        ends = "is suspended from" if b.suspended else "expires"
        pdf.para(f"Binding item: {b.kind.value} {b.code}, {ends} {day(b.expires_on)}", size=9)
    pdf.para(f"Next renewal step: {step_line(next_step(plan))}", size=10, bold=True)
    if overdue_count(plan) > 1:
        pdf.para(f"{overdue_count(plan)} renewal steps are overdue: see the renewal plan.", size=9)

    titles = data["power_titles"]
    pdf.h2("Designated powers")
    pdf.table_of(["Power", "Title", "Usable", "Why / until"],
                 [[p.code, titles.get(p.code, ""), "usable" if p.usable else "blocked", _why(p)]
                  for p in compliance.powers],
                 widths=[38, 62, 16, 64], empty="No designated powers.")

    pdf.h2("Accreditations")
    pdf.table_of(["Number", "Granted", "Expires", "Status", "Powers"],
                 [[a["number"], day(a["granted_on"]), day(a["expires_on"]), a["status"].replace("_", " "),
                   ", ".join(p["code"] for p in a["powers"] if p["in_force"]) or "—"]
                  for a in data["accreditations"]],
                 widths=[28, 24, 24, 22, 82])

    pdf.h2("Vetting")
    pdf.table_of(["Level", "Status", "Requested", "Granted", "Expires", "Next review", "Reference"],
                 [[v["level_code"], v["status"].replace("_", " "), day(v["requested_on"]), day(v["granted_on"]),
                   day(v["expires_on"]), day(v["next_review_due_on"]), v["force_reference"] or ""]
                  for v in data["vetting"]],
                 widths=[20, 24, 24, 24, 24, 24, 40])

    pdf.h2("Training")
    pdf.table_of(["Module", "Completed", "Result", "Expires", "In date", "Provider", "Certificate"],
                 [[t["module_code"], day(t["completed_on"]), t["result"], day(t["expires_on"], "never"),
                   "yes" if t["is_in_date"] else "no", t["provider"], t["certificate_ref"]]
                  for t in data["training"]],
                 widths=[36, 22, 16, 22, 14, 38, 32])

    pdf.h2("Kit")
    pdf.table_of(["Kit", "Serial", "Size", "Issued", "Expires", "Next inspection", "Returned", "Condition"],
                 [[k["kit_type_code"], k["serial_number"] or "", k["size"], day(k["issued_on"]),
                   day(k["expires_on"]), day(k["next_inspection_due_on"]), day(k["returned_on"]), k["condition"]]
                  for k in data["kit"]],
                 widths=[32, 24, 10, 22, 22, 24, 22, 24])

    pdf.h2("Renewal plan")
    pdf.table_of(["Start by", "Item", "Expires", "Status"],
                 [[day(s.start_by), f"{s.title} ({s.kind.value} {s.code})", day(s.expires_on),
                   STATUS_WORDS[s.status]] for s in plan],
                 widths=[26, 100, 26, 28], empty="Nothing to renew.")

    pdf.h2("History")
    pdf.table_of(["On", "What", "Subject", "Reason", "By"],
                 [[day(e["on"]), e["kind"].replace("_", " "), e["subject"], e["reason"], e["actor"]]
                  for e in data["events"]],
                 widths=[24, 42, 46, 44, 24], empty="No history recorded.")
    return bytes(pdf.output())

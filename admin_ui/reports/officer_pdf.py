"""The officer's record as of a day: powers usable until, every item with its expiry, the plan and the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from admin_ui.reports.fonts import FONT, ReportPDF, day
from scheduler.readiness import STATUS_WORDS, next_step, overdue_count, readiness_label, step_line

HEADING_FILL = (225, 230, 238)  # as ReportPDF.table_of's headings


def _wrap(pdf: ReportPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap to width (mm) in the current font; a word longer than a line is cut by characters."""
    if pdf.get_string_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if pdf.get_string_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and pdf.get_string_width(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    lines.append(line)
    return lines


def _table(pdf: ReportPDF, headings: list[str], rows: list[list[Any]], widths: list[float],
           empty: str = "None recorded.", size: float = 8) -> None:
    """A bordered table laid out like ReportPDF.table_of (bold shaded headings repeated after a page break, cells
    wrapped, column widths scaled to the page), drawn directly with cell(): fpdf2's table() spends ~15 ms a
    table on layout, most of this PDF's time (issue 8: the record in at most 150 ms)."""
    if not rows:
        pdf.para(empty, size=9)
        return
    scale = pdf.epw / sum(widths)
    columns = [w * scale for w in widths]
    line_height = size / pdf.k * 1.5
    pad = pdf.c_margin

    def layout(cells: list[Any], style: str) -> tuple[str, list[list[str]], float]:
        pdf.set_font(FONT, style, size)
        wrapped = [_wrap(pdf, "" if cell is None else str(cell), width - 2 * pad)
                   for cell, width in zip(cells, columns, strict=True)]
        return style, wrapped, max(len(lines) for lines in wrapped) * line_height

    def draw(style: str, wrapped: list[list[str]], height: float) -> None:
        pdf.set_font(FONT, style, size)
        x, y = pdf.l_margin, pdf.get_y()
        for lines, width in zip(wrapped, columns, strict=True):
            pdf.rect(x, y, width, height, style="DF" if style else "D")
            for index, line in enumerate(lines):
                if line:
                    pdf.text(x + pad, y + (index + 0.5) * line_height + 0.3 * pdf.font_size, line)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    header = layout(headings, "B")
    pdf.set_fill_color(*HEADING_FILL)
    draw(*header)
    for cells in rows:
        row = layout(cells, "")
        if pdf.get_y() + row[2] > pdf.page_break_trigger:
            pdf.add_page()
            pdf.set_fill_color(*HEADING_FILL)
            draw(*header)
        draw(*row)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_font(FONT, size=10)
    pdf.ln(2)


def _why(power: Any) -> str:
    if power.usable:
        binding = power.binding
        return f"until {day(power.usable_until)}" + (
            f" ({binding.kind.value} {binding.code} expires {day(binding.expires_on)})" if binding else "")
    return "; ".join(b.message for b in power.blocked_by) or "not usable"


def render(data: dict[str, Any], generated_on: dt.date) -> bytes:
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
    pdf.ln(2)
    until = compliance.powers_usable_until
    headline = f"Powers usable until {day(until)}" if until else "No powers usable"
    plan = data["plan"]
    status = readiness_label(compliance.status.value.upper(), plan).replace(" overdue", "\u00a0overdue")  # one line
    pdf.para(f"{headline} (as of {day(as_of)}) · status {status}", size=12, bold=True)
    if compliance.binding:
        b = compliance.binding
        pdf.para(f"Binding item: {b.kind.value} {b.code}, expires {day(b.expires_on)}", size=9)
    pdf.para(f"Next renewal step: {step_line(next_step(plan))}", size=10, bold=True)
    if overdue_count(plan) > 1:
        pdf.para(f"{overdue_count(plan)} renewal steps are overdue: see the renewal plan.", size=9)

    titles = data["power_titles"]
    pdf.h2("Designated powers")
    _table(pdf, ["Power", "Title", "Usable", "Why / until"],
                 [[p.code, titles.get(p.code, ""), "usable" if p.usable else "blocked", _why(p)]
                  for p in compliance.powers],
                 widths=[38, 62, 16, 64], empty="No designated powers.")

    pdf.h2("Accreditations")
    _table(pdf, ["Number", "Granted", "Expires", "Status", "Powers"],
                 [[a["number"], day(a["granted_on"]), day(a["expires_on"]), a["status"].replace("_", " "),
                   ", ".join(p["code"] for p in a["powers"] if p["in_force"]) or "—"]
                  for a in data["accreditations"]],
                 widths=[28, 24, 24, 22, 82])

    pdf.h2("Vetting")
    _table(pdf, ["Level", "Status", "Requested", "Granted", "Expires", "Next review", "Reference"],
                 [[v["level_code"], v["status"].replace("_", " "), day(v["requested_on"]), day(v["granted_on"]),
                   day(v["expires_on"]), day(v["next_review_due_on"]), v["force_reference"] or ""]
                  for v in data["vetting"]],
                 widths=[20, 24, 24, 24, 24, 24, 40])

    pdf.h2("Training")
    _table(pdf, ["Module", "Completed", "Result", "Expires", "In date", "Provider", "Certificate"],
                 [[t["module_code"], day(t["completed_on"]), t["result"], day(t["expires_on"], "never"),
                   "yes" if t["is_in_date"] else "no", t["provider"], t["certificate_ref"]]
                  for t in data["training"]],
                 widths=[36, 22, 16, 22, 14, 38, 32])

    pdf.h2("Kit")
    _table(pdf, ["Kit", "Serial", "Size", "Issued", "Expires", "Next inspection", "Returned", "Condition"],
                 [[k["kit_type_code"], k["serial_number"] or "", k["size"], day(k["issued_on"]),
                   day(k["expires_on"]), day(k["next_inspection_due_on"]), day(k["returned_on"]), k["condition"]]
                  for k in data["kit"]],
                 widths=[32, 24, 10, 22, 22, 24, 22, 24])

    pdf.h2("Renewal plan")
    _table(pdf, ["Start by", "Item", "Expires", "Status"],
                 [[day(s.start_by), f"{s.title} ({s.kind.value} {s.code})", day(s.expires_on),
                   STATUS_WORDS[s.status]] for s in plan],
                 widths=[26, 100, 26, 28], empty="Nothing to renew.")

    pdf.h2("History")
    _table(pdf, ["On", "What", "Subject", "Reason", "By"],
                 [[day(e["on"]), e["kind"].replace("_", " "), e["subject"], e["reason"], e["actor"]]
                  for e in data["events"]],
                 widths=[24, 42, 46, 44, 24], empty="No history recorded.")
    return bytes(pdf.output())

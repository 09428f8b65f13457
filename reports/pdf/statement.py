"""The statement of powers: one A4 page, tagged like every PDF the register makes, saying which designated powers the
officer held at the moment asked for and which not (and why), and how to check the signature it then receives.
A long list of powers is set in smaller type rather than spill onto a second page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.dates import long_date
from reports.pdf.fonts import ReportPDF
from reports.signing import Credentials
from reports.statement import moment_words

TITLE = "Statement of powers"
# Table type sizes tried in turn until the statement fits one page (22 powers is the whole Schedule 5 catalogue).
SIZES = (9.0, 8.0, 7.0, 6.0)


def _accreditation_line(accreditation: dict[str, Any] | None, day: dt.date) -> str:
    if accreditation is None:
        return "Accreditation: none granted by that day."
    status = accreditation["status"].replace("_", " ")
    return (f"Accreditation: number {accreditation['number']}, granted {long_date(accreditation['granted_on'])}, "
            f"expires {long_date(accreditation['expires_on'])}; {status} on {long_date(day)}.")


def _render(data: dict[str, Any], creds: Credentials, issued_at: dt.datetime, timezone: str, public_url: str,
            size: float) -> tuple[bytes, int]:
    officer = data["officer"]
    name = f"{officer['given_name']} {officer['family_name']}"
    at: dt.datetime = data["at"]
    issued = issued_at.astimezone(at.tzinfo)
    pdf = ReportPDF(f"{TITLE}: {name}", data["day"], issued.date())
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_subject(f"Powers held by {name} at {moment_words(at, timezone)}")
    pdf.add_page()
    pdf.h1(f"{TITLE}: {name}")
    pdf.para(f"The powers designated to {name} under the Community Safety Accreditation Scheme (Police Reform Act "
             f"2002, Schedule 5), and whether each could be used at {moment_words(at, timezone)}, as the CSAS "
             "Register's records stood when this statement was issued.")
    pdf.para(f"Staff number {officer['staff_number']} · employer {officer['organisation_name']} · force "
             f"{data['force']['name']}", bold=True)
    pdf.para(_accreditation_line(data["accreditation"], data["day"]), size=9)

    powers = data["powers"]
    held = sum(1 for p in powers if p.held)
    pdf.h2("Powers at that moment")
    if powers:
        pdf.para(f"Held {held} of the {len(powers)} designated power{'s' if len(powers) != 1 else ''}.", size=11,
                 bold=True)
    pdf.table_of(["Power", "Held", "Why"],
                 [[p.title, "Held" if p.held else "Not held", p.why] for p in powers],
                 widths=[70, 18, 92], size=size,
                 empty="No powers were designated: the officer held no CSAS powers at that moment.")
    pdf.para("A power not listed was not designated to this officer and was not held. Accredited persons never "
             "have powers of arrest, and use their powers only in the accrediting force's area.", size=8)

    pdf.h2("About this statement")
    pdf.para(f"Issued at {moment_words(issued, timezone)} by the CSAS Register at {public_url}. Powers are judged "
             f"by the day, so this answer holds for the whole of {long_date(data['day'])}."
             + (" That moment is after the issue: later changes to the record may change the answer."
                if at > issued else ""), size=8)
    pdf.para(f"Checking the signature: this document carries a digital signature (PAdES) made with the certificate "
             f"“{creds.subject}”, SHA-256 fingerprint {creds.fingerprint}. A PDF reader that shows signatures "
             "(in Adobe Acrobat Reader, the Signature Panel) reports whether the document has changed since it was "
             "signed: any change breaks the signature. On a computer: pyhanko sign validate --trust "
             "CERTIFICATE.pem THIS-FILE.pdf"
             + (". The certificate is the register's own: compare its fingerprint with the one the register's "
                "administrator gives you, then trust it." if creds.is_self_signed else "."), size=8)
    return bytes(pdf.output()), pdf.pages_count


def location() -> str:
    """The signature's location: the register that made it."""
    from core.settings import get_settings

    return get_settings().public_url


def render(data: dict[str, Any], creds: Credentials, issued_at: dt.datetime, timezone: str,
           public_url: str | None = None) -> bytes:
    """The unsigned statement, on one page."""
    from core.settings import get_settings

    url = public_url or get_settings().public_url
    for size in SIZES:
        pdf, pages = _render(data, creds, issued_at, timezone, url, size)
        if pages == 1:
            return pdf
    return pdf

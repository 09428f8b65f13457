"""The signed statement of powers (issue 20): which designated powers an officer held at a moment, which not, and why.

The answer is the register's own judgement (scheduler.services.officer_compliance) for the day of the moment on the
installation's clock: powers are judged by the day, so the statement holds for the whole of that day. Nothing here
judges a power. Who may ask: coordinators, vetting officers and administrators in their scope, and the officer
themself; every statement issued is audited with the officer, the moment and the document's digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from anyio import to_thread

from core.access import Principal, Role, require_role
from core.audit import record_audit
from core.dates import in_range, long_date, out_of_range_message
from core.db import write_transaction
from core.errors import CoreErrorCode, Invalid, Violation, invalid
from register.accreditations import services as register_accreditations
from register.officers import services as register_services
from reports.errors import ReportErrorCode
from scheduler import services as scheduler_services
from scheduler.kinds import Blocker, Kind
from scheduler.policy import Names
from scheduler.policy_store import load_catalogue
from scheduler.rules import Compliance
from vetting import services as vetting_services

STATEMENT_ROLES = (Role.CSAS_COORDINATOR, Role.VETTING_OFFICER, Role.OFFICER)
AT_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
AT_EXAMPLE = "2027-03-03T14:30"


# --- the moment ----------------------------------------------------------------------------------------

def _invalid_at(message: str, code: str = ReportErrorCode.INVALID_MOMENT) -> Invalid:
    return invalid([Violation(code, message, "at")], "The moment asked for is not a valid one.")


def parse_at(raw: str | None, now: dt.datetime, timezone: str) -> dt.datetime:
    """`at` as a moment on the installation's clock (YYYY-MM-DDTHH:MM, local time); `now` (aware) when not given,
    to the minute. A time the clocks skip when they go forward (01:30 on the last Sunday of March in London)
    never happened and is refused; one they pass twice when they go back (01:30 on the last Sunday of October)
    is the first of the two, in summer time, and the statement names the zone so the reader knows which."""
    zone = ZoneInfo(timezone)
    if raw is None or raw.strip() == "":
        return now.astimezone(zone).replace(second=0, microsecond=0)
    text = raw.strip()
    if not AT_FORMAT.fullmatch(text):
        raise _invalid_at(f"Give the moment as YYYY-MM-DDTHH:MM in {timezone} time, for example {AT_EXAMPLE}.")
    try:
        naive = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M")  # noqa: DTZ007 - the zone is attached next
    except ValueError:
        raise _invalid_at(f"{text} is not a real date and time: give it as YYYY-MM-DDTHH:MM, for example "
                          f"{AT_EXAMPLE}.") from None
    if not in_range(naive.date()):
        raise _invalid_at(out_of_range_message("The moment"), CoreErrorCode.DATE_OUT_OF_RANGE)
    local = naive.replace(tzinfo=zone, fold=0)
    if local.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise _invalid_at(f"{naive:%H:%M} on {long_date(naive.date())} did not happen in {timezone} time: the "
                          "clocks went forward then. Give a time before or after the change.")
    return local


def moment_words(at: dt.datetime, timezone: str) -> str:
    """'14:30 on 3 March 2027, Europe/London time (GMT)': the zone's abbreviation says which 01:30 on the day the
    clocks go back."""
    return f"{at:%H:%M} on {long_date(at.date())}, {timezone} time ({at.tzname()})"


# --- reasons in words ----------------------------------------------------------------------------------

def reason_words(blocker: Blocker, names: Names, levels: dict[str, str]) -> str:
    """The judgement's reason with catalogue titles in place of codes: "Training “Conflict management” expired on
    1 February 2027." rather than "CONFLICT_MGMT expired on …"."""
    message = blocker.message
    if blocker.kind is Kind.TRAINING:
        return message.replace(blocker.code, f"Training “{names.module(blocker.code)}”", 1)
    if blocker.kind is Kind.VETTING and blocker.code in levels:
        return message.replace(blocker.code, levels[blocker.code], 1)
    if blocker.kind is Kind.ACCREDITATION and f"Power {blocker.code} " in message:
        return message.replace(f"Power {blocker.code} ", f"“{names.power(blocker.code)}” ", 1)
    if blocker.kind is Kind.KIT:
        return message.replace(blocker.code, names.kit_type(blocker.code))
    return message


@dataclass(frozen=True)
class PowerLine:
    code: str
    title: str
    held: bool
    why: str


def power_lines(compliance: Compliance, names: Names, levels: dict[str, str]) -> list[PowerLine]:
    """Every power designated on the day, held ones first, each group in the catalogue's order of titles."""
    lines = [
        PowerLine(p.code, names.power(p.code), p.usable,
                  "Every requirement was met." if p.usable else
                  " ".join(reason_words(b, names, levels) for b in p.blocked_by) or "Not usable.")
        for p in compliance.powers
    ]
    return sorted(lines, key=lambda line: (not line.held, line.title))


# --- loading and auditing ------------------------------------------------------------------------------

def _accreditation_on(accreditations: list[dict[str, Any]], day: dt.date) -> dict[str, Any] | None:
    """The accreditation in force on the day, else the latest granted by then (a lapsed, suspended or withdrawn
    one, so the statement names what was lost)."""
    granted = [a for a in accreditations if a["granted_on"] <= day]
    in_force = [a for a in granted if a["status"] == "in_force"]
    return next(iter(in_force or granted), None)


async def statement_officer(actor: Principal, officer_id: int) -> dict[str, Any]:
    """The officer, when the caller may have their statement (403 role, 404 unknown, 403 outside scope)."""
    require_role(actor, *STATEMENT_ROLES, action="request statements of powers")
    return await register_services.get_officer(actor, officer_id)


async def statement_data(actor: Principal, officer_id: int, at: dt.datetime) -> dict[str, Any]:
    """What the statement says, loaded in the caller's scope."""
    officer = await statement_officer(actor, officer_id)
    day = at.date()
    compliance = await scheduler_services.officer_compliance(actor, officer_id, day)
    catalogue = await load_catalogue()
    levels = {level["code"]: level["title"] for level in await vetting_services.list_levels()}
    accreditation = _accreditation_on(await register_accreditations.list_for_officer(officer_id, day), day)
    force = await register_services.get_force(accreditation["force_id"] if accreditation else officer["force_id"])
    return {
        "officer": officer, "at": at, "day": day, "force": force, "accreditation": accreditation,
        "powers": power_lines(compliance, catalogue.names, levels),
    }


async def audit_statement(actor: Principal, data: dict[str, Any], sha256: str, certificate: str) -> None:
    """The statement issued: for whom, for which moment, what it said, and the digest of the signed file (so a
    statement shown later can be matched to the one the register made)."""
    async with write_transaction():
        await record_audit(actor, "statement.issue", "officer", data["officer"]["id"], None, {
            "at": data["at"].isoformat(), "day": data["day"],
            "held": [p.code for p in data["powers"] if p.held],
            "not_held": [p.code for p in data["powers"] if not p.held],
            "sha256": sha256, "certificate_sha256": certificate,
        })


def filename(data: dict[str, Any]) -> str:
    return f"statement-{data['officer']['staff_number']}-{data['at']:%Y-%m-%dT%H%M}.pdf"


def _signed_pdf(data: dict[str, Any], creds: Any, now: dt.datetime, timezone: str) -> bytes:
    from reports import signing
    from reports.pdf import statement as statement_pdf

    unsigned = statement_pdf.render(data, creds, now, timezone)
    return signing.sign(unsigned, creds, reason="Statement of powers held", location=statement_pdf.location())


async def issue_statement(actor: Principal, officer_id: int, at: dt.datetime, now: dt.datetime,
                          timezone: str) -> tuple[dict[str, Any], bytes]:
    """The signed statement, audited: the API's and the record page's one way to make one. The key is loaded (made
    on first use) and the PDF drawn and signed off the event loop."""
    from reports import signing

    data = await statement_data(actor, officer_id, at)
    creds = await to_thread.run_sync(partial(signing.credentials, now))
    pdf = await to_thread.run_sync(partial(_signed_pdf, data, creds, now, timezone))
    await audit_statement(actor, data, hashlib.sha256(pdf).hexdigest(), creds.fingerprint.replace(":", "").lower())
    return data, pdf

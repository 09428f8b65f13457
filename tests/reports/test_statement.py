"""The signed statement of powers (issue 20): what it states, for which moment, who may ask, and its signature."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from io import BytesIO
from typing import Any

import httpx
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from core.clock import business_today
from core.settings import get_settings
from core.tables import AuditEvent
from register.accreditations import services as accreditations
from register.kit import services as kit
from tests.factories import SYSTEM, World
from training import services as training
from vetting import services as vetting

TODAY = business_today()
POWERS = ["FPN_LITTER", "NA_RELEVANT_OFFENCE"]
LITTER, NAME_AND_ADDRESS = "Fixed penalty: litter", "Require name and address"


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def at(day: dt.date, time: str = "12:00") -> str:
    return f"{day.isoformat()}T{time}"


def text_of(pdf: bytes) -> str:
    """The words in reading order, on one line (table cells wrap)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


async def accredit(world: World, key: str = "A1a-1", clearance_expires_on: dt.date | None = None,
                   modules: tuple[str, ...] = ("CSAS_CORE", "PENALTY_NOTICES")) -> int:
    """An officer whose two powers are usable: accredited, cleared, trained, carrying an ID card."""
    officer_id = world.officers[key]
    accreditation = await accreditations.grant_accreditation(
        SYSTEM, officer_id=officer_id, force_id=world.forces["A"], number=f"ACC-{key}", granted_on=ago(60),
        expires_on=TODAY + dt.timedelta(days=300), power_codes=POWERS, conditions="", today=TODAY)
    application = await vetting.create_application(SYSTEM, officer_id=officer_id, level_code="NPPV2F",
                                                   requested_on=ago(200), today=TODAY)
    for status, days in (("submitted", 190), ("in_progress", 180), ("granted", 170)):
        granted = status == "granted"
        await vetting.record_event(SYSTEM, application["id"], status=status, on=ago(days), today=TODAY,
                                   expires_on=clearance_expires_on if granted else None,
                                   expiry_override_reason="Shortened by the force" if granted and clearance_expires_on
                                   else None)
    for module in modules:
        await training.record_completion(SYSTEM, today=TODAY, officer_id=officer_id, module_code=module,
                                         completed_on=ago(120), result="pass")
    await kit.issue_kit(SYSTEM, officer_id=officer_id, kit_type_code="ID_CARD", issued_on=ago(100),
                        serial_number=f"ID-{key}")
    return int(accreditation["id"])


async def statement(client: httpx.AsyncClient, world: World, who: str = "coord_a", key: str = "A1a-1",
                    moment: str | None = None) -> httpx.Response:
    query = {"at": moment} if moment is not None else {}
    return await client.get(f"/api/officers/{world.officers[key]}/statement.pdf", params=query,
                            headers=world.auth(who))


def trust_root() -> asn1_x509.Certificate:
    pem = get_settings().signing_cert.read_bytes()
    return asn1_x509.Certificate.load(x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER))


async def validated(pdf: bytes) -> Any:
    reader = PdfFileReader(BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1
    return await async_validate_pdf_signature(reader.embedded_signatures[0],
                                              ValidationContext(trust_roots=[trust_root()]))


# --- content -------------------------------------------------------------------------------------------

async def test_both_powers_held_names_the_officer_the_moment_and_the_accreditation(
        client: httpx.AsyncClient, world: World) -> None:
    await accredit(world)
    reply = await statement(client, world, moment=at(ago(5), "14:30"))
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/pdf"
    assert reply.headers["cache-control"] == "no-store"
    assert f"statement-A1A1-{ago(5).isoformat()}T1430.pdf" in reply.headers["content-disposition"]
    text = text_of(reply.content)
    assert "Statement of powers: Alex OfficerA1A1" in text
    assert "Staff number A1A1 · employer Council A1 · force Force A" in text
    assert "number ACC-A1a-1" in text
    moment = f"14:30 on {ago(5).day} {ago(5):%B %Y}, Europe/London time"
    assert moment in text
    assert "Held 2 of the 2 designated powers." in text
    assert LITTER in text and NAME_AND_ADDRESS in text
    assert "Not held" not in text
    assert "FPN_LITTER" not in text  # titles, not codes
    assert "pyhanko sign validate --trust" in text


async def test_a_suspended_accreditation_holds_no_power_from_the_day_of_the_suspension(
        client: httpx.AsyncClient, world: World) -> None:
    accreditation_id = await accredit(world)
    await accreditations.suspend_accreditation(SYSTEM, accreditation_id, ago(10), "Under investigation", TODAY)
    before = text_of((await statement(client, world, moment=at(ago(11), "23:59"))).content)
    assert "Held 2 of the 2 designated powers." in before
    after = text_of((await statement(client, world, moment=at(ago(10), "00:00"))).content)
    assert "Held 0 of the 2 designated powers." in after
    assert after.count("Not held") == 2
    assert after.count("Accreditation ACC-A1a-1 is suspended.") == 2
    assert "suspended on " + f"{ago(10).day} {ago(10):%B %Y}" in after  # the accreditation's status that day


async def test_an_expired_clearance_is_named_in_words_with_its_day(client: httpx.AsyncClient, world: World) -> None:
    expiry = ago(30)
    await accredit(world, clearance_expires_on=expiry)
    held = text_of((await statement(client, world, moment=at(expiry - dt.timedelta(days=1), "23:59"))).content)
    assert "Held 2 of the 2 designated powers." in held
    lapsed = text_of((await statement(client, world, moment=at(expiry, "00:01"))).content)
    assert "Held 0 of the 2 designated powers." in lapsed
    reason = f"Non-police personnel vetting 2 (full) clearance expired on {expiry.day} {expiry:%B %Y}."
    assert lapsed.count(reason) == 2
    assert "NPPV2F" not in lapsed


async def test_one_power_held_and_one_not_for_want_of_its_training(client: httpx.AsyncClient, world: World) -> None:
    """FPN_LITTER needs the penalty-notices module, the name-and-address power does not: held ones come first."""
    await accredit(world, modules=("CSAS_CORE",))
    reply = await statement(client, world)
    text = text_of(reply.content)
    assert "Held 1 of the 2 designated powers." in text
    assert text.index(NAME_AND_ADDRESS) < text.index(LITTER)
    assert "Training “FPN / PND / PSPO issuing, witness statements, case files, PACE awareness” has not been " \
        "passed." in text
    assert "PENALTY_NOTICES" not in text


async def test_an_officer_with_no_accreditation_is_told_so(client: httpx.AsyncClient, world: World) -> None:
    text = text_of((await statement(client, world)).content)
    assert "No powers were designated" in text and "none granted by that day" in text


async def test_the_statement_is_one_tagged_page(client: httpx.AsyncClient, world: World) -> None:
    from tests.reports.reporting import pdf_pages
    from tests.reports.test_pdf_accessibility import _tables_are_tables, read_tags

    await accredit(world)
    reply = await statement(client, world)
    assert pdf_pages(reply.content) == 1
    tags = read_tags(reply.content)  # the signed file: the signature's update keeps the tags whole
    assert tags.title == "Statement of powers: Alex OfficerA1A1"
    document = tags.root.kids[0]
    assert document.type == "/Document"
    assert [e.type for e in document.kids][:2] == ["/H1", "/P"]
    assert len(tags.of("/Table")) == 1 and len(tags.of("/H2")) == 2
    _tables_are_tables(tags)


# --- the signature -------------------------------------------------------------------------------------

async def test_the_signature_validates_against_the_installation_certificate(client: httpx.AsyncClient,
                                                                            world: World) -> None:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    await accredit(world)
    reply = await statement(client, world)
    status = await validated(reply.content)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    reader = PdfFileReader(BytesIO(reply.content))
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


async def test_one_changed_byte_in_the_signed_range_breaks_the_signature(client: httpx.AsyncClient,
                                                                         world: World) -> None:
    await accredit(world)
    pdf = (await statement(client, world)).content
    reader = PdfFileReader(BytesIO(pdf))
    start, first_length, _, _ = reader.embedded_signatures[0].sig_object["/ByteRange"]
    assert start == 0
    position = pdf.index(b"/Producer")  # in the document's information, uncompressed, well inside the first range
    assert position < first_length
    tampered = pdf[:position + 2] + bytes([pdf[position + 2] ^ 0x01]) + pdf[position + 3:]
    assert len(tampered) == len(pdf) and tampered != pdf
    status = await validated(tampered)
    assert not status.intact and not status.bottom_line


# --- the moment ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment", ["2027-03-03 14:30", "2027-03-03", "03/03/2027T14:30", "2027-03-03T14:30:00",
                                    "2027-02-30T10:00", "2027-03-03T24:00", "2027-03-03T14:30Z", "tomorrow"])
async def test_a_malformed_moment_is_refused(client: httpx.AsyncClient, world: World, moment: str) -> None:
    reply = await statement(client, world, moment=moment)
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["code"] == "validation_error"
    assert body["violations"][0]["field"] == "at" and body["violations"][0]["code"] == "invalid_moment"


async def test_a_moment_outside_the_register_years_is_refused(client: httpx.AsyncClient, world: World) -> None:
    reply = await statement(client, world, moment="0001-01-01T00:00")
    assert reply.status_code == 422 and reply.json()["violations"][0]["code"] == "date_out_of_range"


async def test_the_hour_the_clocks_skip_is_refused_and_the_hour_they_repeat_is_summer_time(
        client: httpx.AsyncClient, world: World) -> None:
    skipped = await statement(client, world, moment="2027-03-28T01:30")
    assert skipped.status_code == 422
    assert "clocks went forward" in skipped.json()["violations"][0]["message"]
    after_change = text_of((await statement(client, world, moment="2027-03-28T02:30")).content)
    assert "02:30 on 28 March 2027, Europe/London time (BST)" in after_change
    repeated = text_of((await statement(client, world, moment="2026-10-25T01:30")).content)
    assert "01:30 on 25 October 2026, Europe/London time (BST)" in repeated
    winter = text_of((await statement(client, world, moment="2026-10-25T02:30")).content)
    assert "02:30 on 25 October 2026, Europe/London time (GMT)" in winter


async def test_without_a_moment_the_statement_is_for_now(client: httpx.AsyncClient, world: World) -> None:
    text = text_of((await statement(client, world)).content)
    assert f"on {TODAY.day} {TODAY:%B %Y}, Europe/London time" in text


# --- who may ask, and the audit --------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "key", "status"), [
    ("coord_a", "A2a-1", 200), ("vet_a", "A1b-1", 200), ("admin", "B1a-1", 200), ("off_a1a1", "A1a-1", 200),
    ("hr_a1", "A1a-1", 403), ("mgr_a1a", "A1a-1", 403),  # the issue names four roles; HR and managers are not one
    ("off_a1a1", "A1a-2", 403), ("coord_a", "B1a-1", 403), ("vet_a", "B1a-1", 403),
])
async def test_who_may_ask(client: httpx.AsyncClient, world: World, who: str, key: str, status: int) -> None:
    before = await AuditEvent.count().where(AuditEvent.action == "statement.issue")
    reply = await statement(client, world, who=who, key=key)
    assert reply.status_code == status, reply.text
    issued = await AuditEvent.count().where(AuditEvent.action == "statement.issue")
    assert issued == before + (1 if status == 200 else 0)


async def test_unknown_officer_and_anonymous(client: httpx.AsyncClient, world: World) -> None:
    assert (await client.get("/api/officers/99999/statement.pdf", headers=world.auth("admin"))).status_code == 404
    assert (await client.get(f"/api/officers/{world.officers['A1a-1']}/statement.pdf")).status_code == 401


async def test_each_statement_is_audited_with_the_officer_the_moment_and_the_digest(
        client: httpx.AsyncClient, world: World) -> None:
    import hashlib

    await accredit(world)
    moment = at(ago(5), "09:15")
    reply = await statement(client, world, who="vet_a", moment=moment)
    event = await AuditEvent.select().where(AuditEvent.action == "statement.issue").first()
    assert event is not None
    assert event["actor"] == "vet_a" and event["entity"] == "officer"
    assert event["entity_id"] == world.officers["A1a-1"]
    after = event["after"] if isinstance(event["after"], dict) else json.loads(event["after"])
    assert after["at"].startswith(moment) and after["day"] == ago(5).isoformat()
    assert sorted(after["held"]) == POWERS and after["not_held"] == []
    assert after["sha256"] == hashlib.sha256(reply.content).hexdigest()


# --- the pure parts ------------------------------------------------------------------------------------

def test_parse_at_defaults_to_now_to_the_minute_on_the_london_clock() -> None:
    from reports.statement import moment_words, parse_at

    now = dt.datetime(2026, 7, 1, 13, 5, 42, 123, tzinfo=dt.UTC)
    moment = parse_at(None, now, "Europe/London")
    assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (14, 5, 0, 0)
    assert moment_words(moment, "Europe/London") == "14:05 on 1 July 2026, Europe/London time (BST)"
    assert parse_at("  ", now, "Europe/London") == moment
    winter = parse_at("2027-01-31T23:59", now, "Europe/London")
    assert winter.utcoffset() == dt.timedelta(0) and winter.date() == dt.date(2027, 1, 31)


@pytest.mark.parametrize(("kind", "code", "message", "words"), [
    ("training", "CSAS_CORE", "CSAS_CORE expired on 1 February 2027.",
     "Training “CSAS core” expired on 1 February 2027."),
    ("vetting", "NPPV3", "NPPV3 annual review was due on 1 February 2027.",
     "Non-police personnel vetting 3 annual review was due on 1 February 2027."),
    ("vetting", "NONE", "No vetting clearance has been granted.", "No vetting clearance has been granted."),
    ("accreditation", "FPN_LITTER", "Power FPN_LITTER is not designated on accreditation SP-1.",
     "“Fixed penalty: litter” is not designated on accreditation SP-1."),
    ("accreditation", "FPN_LITTER", "Accreditation SP-1 is suspended.", "Accreditation SP-1 is suspended."),
    ("kit", "ID_CARD", "No ID and powers card is held.", "No ID and powers card is held."),
    ("officer", "LEFT", "Left the employer on 3 March 2027.", "Left the employer on 3 March 2027."),
])
def test_reasons_name_catalogue_titles_not_codes(kind: str, code: str, message: str, words: str) -> None:
    from reports.statement import reason_words
    from scheduler.kinds import Blocker, Kind
    from scheduler.policy import Names

    names = Names(powers={"FPN_LITTER": "Fixed penalty: litter"}, modules={"CSAS_CORE": "CSAS core"},
                  kit={"ID_CARD": "ID and powers card"})
    levels = {"NPPV3": "Non-police personnel vetting 3"}
    assert reason_words(Blocker(Kind(kind), code, message), names, levels) == words

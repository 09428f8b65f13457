"""Issue 20: the ID card's QR code opens the public check of that card, which answers from the live judgement.

The code is read the way a phone reads it: the card PDF's back page is rendered to an image (poppler's pdftoppm)
and decoded with zxing-cpp, so the test holds whatever draws, places or sizes the code."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import httpx
import pytest
import zxingcpp
from PIL import Image

from core.clock import business_today
from core.settings import get_settings
from register.kit import cards
from register.tables import CardToken
from tests.factories import SYSTEM, World
from tests.reports.reporting import pdf_text

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"Accept": "application/json"}
DPI = 300
MM_PER_INCH = 25.4
ACCREDITED = "Accredited — may use these powers today"


async def compliant(world: World, key: str, powers: tuple[str, ...] = ("FPN_LITTER", "NA_RELEVANT_OFFENCE"),
                    card: bool = True, expires_in: int = 300) -> dict[str, int]:
    """An officer of force A whose powers are usable today: accreditation, clearance, the CSAS course and penalty
    notice training, and (unless card=False) an ID card issue."""
    from register.accreditations import services as accreditations
    from register.kit import services as kit
    from training import services as training
    from vetting import services as vetting

    officer_id, day = world.officers[key], business_today()
    ids = {"officer": officer_id}
    ids["accreditation"] = (await accreditations.grant_accreditation(
        SYSTEM, officer_id=officer_id, force_id=world.forces["A"], number=f"ACC-{key}",
        granted_on=day - dt.timedelta(days=60), expires_on=day + dt.timedelta(days=expires_in),
        power_codes=list(powers), conditions=f"COND-{key}", today=day))["id"]
    cleared = await vetting.create_application(SYSTEM, officer_id=officer_id, level_code="NPPV2F",
                                               requested_on=day - dt.timedelta(days=200), today=day)
    for status, ago in (("submitted", 190), ("in_progress", 180), ("granted", 170)):
        await vetting.record_event(SYSTEM, cleared["id"], status=status, on=day - dt.timedelta(days=ago), today=day,
                                   note=f"CASENOTE-{key}", force_reference=f"FREF-{key}" if status == "granted"
                                   else None)
    for module in ("CSAS_CORE", "PENALTY_NOTICES"):
        await training.record_completion(SYSTEM, today=day, officer_id=officer_id, module_code=module,
                                         completed_on=day - dt.timedelta(days=120), result="pass",
                                         provider=f"PROV-{key}")
    if card:
        ids["card"] = (await kit.issue_kit(SYSTEM, officer_id=officer_id, kit_type_code="ID_CARD",
                                           issued_on=day - dt.timedelta(days=50), serial_number=f"ID-{key}"))["id"]
    return ids


def qr_codes(pdf: bytes) -> list[zxingcpp.Result]:
    """Every QR code on the card's back page, as a phone would see the printed card (300 dpi)."""
    png = subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", str(DPI), "-png", "-"], input=pdf,
                         capture_output=True, check=True).stdout
    from io import BytesIO

    return [r for r in zxingcpp.read_barcodes(Image.open(BytesIO(png))) if r.format == zxingcpp.BarcodeFormat.QRCode]


async def card_url(client: httpx.AsyncClient, world: World, officer_id: int) -> str:
    response = await client.get(f"/api/officers/{officer_id}/card.pdf", headers=world.auth("coord_a"))
    assert response.status_code == 200, response.text
    (code,) = qr_codes(response.content)
    return str(code.text)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == get_settings().public_url
    return parts.path


def verdict_line(html: str) -> str:
    found = re.search(r'<h1 class="govuk-panel__title">(.*?)</h1>', html, re.S)
    assert found, html
    return unescape(found.group(1)).strip()


def listed_powers(html: str) -> list[str]:
    found = re.search(r'<ul class="govuk-list govuk-list--bullet" id="powers">(.*?)</ul>', html, re.S)
    return [unescape(p) for p in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []


@pytest.fixture
def checks_per_minute(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("CSAS_VERIFY_CHECKS_PER_MINUTE", "3")
    get_settings.cache_clear()
    yield 3
    monkeypatch.delenv("CSAS_VERIFY_CHECKS_PER_MINUTE")
    get_settings.cache_clear()


async def test_the_cards_qr_code_opens_a_page_that_says_accredited_then_suspended(
        client: httpx.AsyncClient, world: World) -> None:
    ids = await compliant(world, "A1a-1")
    response = await client.get(f"/api/officers/{ids['officer']}/card.pdf", headers=world.auth("coord_a"))
    (code,) = qr_codes(response.content)
    # Big enough to scan: at least 15 mm a side as printed (the decoder's corners, at 300 dots per inch).
    corners = code.position
    side_mm = (corners.top_right.x - corners.top_left.x) / DPI * MM_PER_INCH
    assert side_mm >= 15, side_mm
    path = path_of(code.text)
    page = await client.get(path, headers=HTML)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert verdict_line(page.text) == ACCREDITED
    assert listed_powers(page.text) == [
        "Fixed penalty: litter", "Require name and address (relevant offence, begging, byelaws, injury/alarm/damage)"]
    assert "Officer" + "A1A1" in page.text and "Council A1" in page.text and "Force A" in page.text
    assert "ID-A1a-1" in page.text

    suspended = await client.post(f"/api/accreditations/{ids['accreditation']}/suspend", headers=world.auth("coord_a"),
                                  json={"on": business_today().isoformat(), "reason": "Complaint under review"})
    assert suspended.status_code == 200, suspended.text
    page = await client.get(path, headers=HTML)
    assert page.status_code == 200
    assert verdict_line(page.text) == "Not accredited today: suspended"
    assert listed_powers(page.text) == []
    assert "Complaint under review" not in page.text
    body = (await client.get(path, headers=JSON)).json()
    assert body["valid"] is True and body["accredited_today"] is False and body["reason"] == "suspended"
    assert body["powers"] == []
    # A re-print carries the same code: the card in the officer's pocket keeps working.
    assert await card_url(client, world, ids["officer"]) == code.text


async def test_a_returned_card_is_not_valid_and_answers_as_an_unknown_or_malformed_one(
        client: httpx.AsyncClient, world: World) -> None:
    ids = await compliant(world, "A1a-1")
    path = path_of(await card_url(client, world, ids["officer"]))
    returned = await client.post(f"/api/kit/issues/{ids['card']}/return", headers=world.auth("coord_a"),
                                 json={"returned_on": business_today().isoformat(), "condition": "serviceable"})
    assert returned.status_code == 200, returned.text
    for headers in (HTML, JSON):
        void = await client.get(path, headers=headers)
        unknown = await client.get("/verify/" + "x" * 22, headers=headers)
        malformed = await client.get("/verify/not%20a%20token!", headers=headers)
        assert void.status_code == unknown.status_code == malformed.status_code == 404
        assert void.content == unknown.content == malformed.content
        assert void.headers["content-type"] == unknown.headers["content-type"]
    html = (await client.get(path, headers=HTML)).text
    assert "This is not a valid card" in html and "Not accredited today: card no longer valid" in html
    assert (await client.get(path, headers=JSON)).json() == {
        "valid": False, "name": None, "employer": None, "force": None, "card_serial": None, "card_expires_on": None,
        "accredited_today": False, "reason": "card no longer valid", "powers": []}


async def test_a_replaced_card_is_void_and_the_new_one_checks(client: httpx.AsyncClient, world: World) -> None:
    from register.kit import services as kit

    ids = await compliant(world, "A1a-1")
    old = path_of(await card_url(client, world, ids["officer"]))
    await kit.issue_kit(SYSTEM, officer_id=ids["officer"], kit_type_code="ID_CARD", issued_on=business_today(),
                        serial_number="ID-A1a-1-NEW")
    new = path_of(await card_url(client, world, ids["officer"]))
    assert new != old
    assert (await client.get(old, headers=JSON)).status_code == 404
    fresh = await client.get(new, headers=JSON)
    assert fresh.status_code == 200 and fresh.json()["card_serial"] == "ID-A1a-1-NEW"


async def test_json_and_html_agree(client: httpx.AsyncClient, world: World) -> None:
    ids = await compliant(world, "A1a-1")
    path = path_of(await card_url(client, world, ids["officer"]))
    body = (await client.get(path, headers=JSON)).json()
    html = (await client.get(path, headers=HTML)).text
    assert body["accredited_today"] is True and "reason" not in body
    assert verdict_line(html) == ACCREDITED
    assert [p["title"] for p in body["powers"]] == listed_powers(html)
    assert {p["code"] for p in body["powers"]} == {"FPN_LITTER", "NA_RELEVANT_OFFENCE"}
    assert body["name"] == "Alex OfficerA1A1" and body["name"] in html
    assert body["card_serial"] == "ID-A1a-1" and body["card_expires_on"] is not None
    # Without an Accept header (a plain fetch), a browser's default: the page.
    assert (await client.get(path)).headers["content-type"].startswith("text/html")


async def test_one_power_answers_yes_or_no(client: httpx.AsyncClient, world: World) -> None:
    ids = await compliant(world, "A1a-1")
    path = path_of(await card_url(client, world, ids["officer"]))
    yes = await client.get(path + "?power=FPN_LITTER", headers=JSON)
    assert yes.json()["power"] == {"code": "FPN_LITTER", "usable": True}
    no = await client.get(path + "?power=NA_ASB", headers=JSON)
    assert no.status_code == 200 and no.json()["power"] == {"code": "NA_ASB", "usable": False}
    unknown = await client.get(path + "?power=NO_SUCH_POWER", headers=JSON)
    assert unknown.status_code == 200 and unknown.json()["power"] == {"code": "NO_SUCH_POWER", "usable": False}
    page = await client.get(path + "?power=FPN_LITTER", headers=HTML)
    assert "Yes: may use this power today." in page.text
    page = await client.get(path + "?power=NO_SUCH_POWER", headers=HTML)
    assert page.status_code == 200 and "No: may not use this power today." in page.text


async def test_an_officer_without_an_id_card_issue_gets_a_card_without_a_code(
        client: httpx.AsyncClient, world: World) -> None:
    ids = await compliant(world, "A1a-1", card=False)
    response = await client.get(f"/api/officers/{ids['officer']}/card.pdf", headers=world.auth("coord_a"))
    assert response.status_code == 200
    assert qr_codes(response.content) == []
    assert "No QR code" in pdf_text(response.content)
    assert await CardToken.count() == 0


async def test_checks_are_throttled_per_address_and_counted(client: httpx.AsyncClient, world: World,
                                                            checks_per_minute: int) -> None:
    ids = await compliant(world, "A1a-1")
    path = path_of(await card_url(client, world, ids["officer"]))
    for _ in range(checks_per_minute - 1):
        assert (await client.get(path, headers=JSON)).status_code == 200
    assert (await client.get("/verify/unknown-token-of-22ch", headers=JSON)).status_code == 404
    refused = await client.get(path, headers=JSON)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["code"] == "too_many_requests"
    page = await client.get(path, headers=HTML)
    assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
    assert "Too many checks" in page.text and "retry-after" in page.headers
    # Counted by day, valid or not; the refused ones were not looked up.
    assert await cards.checks_on(business_today()) == (checks_per_minute, 1)


async def test_the_throttle_keeps_no_address(client: httpx.AsyncClient, world: World) -> None:
    from core.tables import ThrottledRequest

    await client.get("/verify/whatever-token-0000000", headers=JSON)
    rows = await ThrottledRequest.select()
    assert len(rows) == 1
    assert "127.0.0.1" not in repr(rows) and re.fullmatch(r"[0-9a-f]{64}", rows[0]["client_key"])


async def _reason(world: World, ids: dict[str, int], on: dt.date) -> str | None:
    from scheduler.verification import verify_card

    printed = await cards.card_token(SYSTEM, ids["officer"], "ID_CARD")
    assert printed is not None
    verdict = await verify_card(printed[1], on)
    assert verdict.valid
    return verdict.reason.value if verdict.reason else None


async def test_the_reasons_in_plain_words(world: World) -> None:
    from register import leaving

    today = business_today()
    withdrawn = await compliant(world, "A1a-1")
    await leaving.withdraw_accreditation(SYSTEM, withdrawn["accreditation"], today, "Misconduct", today)
    assert await _reason(world, withdrawn, today) == "withdrawn"
    left = await compliant(world, "A1a-2")
    await leaving.record_leaving(SYSTEM, left["officer"], today)
    assert await _reason(world, left, today) == "left"
    expiring = await compliant(world, "A1b-1", expires_in=30)
    assert await _reason(world, expiring, today + dt.timedelta(days=29)) is None
    assert await _reason(world, expiring, today + dt.timedelta(days=30)) == "expired"


async def test_a_card_past_its_date_is_not_valid_though_the_accreditation_was_renewed(world: World) -> None:
    from register.accreditations import services as accreditations

    today = business_today()
    ids = await compliant(world, "A1a-1", expires_in=30)
    await accreditations.grant_accreditation(
        SYSTEM, officer_id=ids["officer"], force_id=world.forces["A"], number="ACC-A1a-1-R",
        granted_on=today + dt.timedelta(days=30), expires_on=today + dt.timedelta(days=760),
        power_codes=["FPN_LITTER"], conditions="", today=today)
    assert await _reason(world, ids, today + dt.timedelta(days=30)) == "card no longer valid"


async def test_the_page_shows_the_holders_photo_and_the_photo_address_is_no_oracle(
        client: httpx.AsyncClient, world: World) -> None:
    from register.officers import photos
    from tests.register.officers.photo_files import jpeg

    ids = await compliant(world, "A1a-1")
    path = path_of(await card_url(client, world, ids["officer"]))
    without = (await client.get(path, headers=HTML)).text
    assert f'src="{path}/photo.jpg"' not in without
    assert (await client.get(f"{path}/photo.jpg")).status_code == 404

    await photos.set_photo(SYSTEM, ids["officer"], jpeg())
    page = (await client.get(path, headers=HTML)).text
    assert f'src="{path}/photo.jpg"' in page and 'alt="Photograph of ' in page
    shown = await client.get(f"{path}/photo.jpg")
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert shown.content == await photos.photo_jpeg(ids["officer"])
    assert shown.headers["cache-control"] == "no-store"
    assert "photo" not in (await client.get(path, headers=JSON)).json()  # machines get the listed fields only

    await client.post(f"/api/kit/issues/{ids['card']}/return", headers=world.auth("coord_a"),
                      json={"returned_on": business_today().isoformat(), "condition": "serviceable"})
    void = await client.get(f"{path}/photo.jpg")
    unknown = await client.get("/verify/" + "x" * 22 + "/photo.jpg")
    assert void.status_code == unknown.status_code == 404 and void.content == unknown.content

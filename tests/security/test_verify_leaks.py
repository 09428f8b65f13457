"""Issue 20: the public card check shows the name as on the card, the employer, the force, the card's serial and
expiry, the verdict and the powers usable today, and nothing else, whether as a page or as JSON: no staff number,
e-mail, accreditation number or conditions, vetting (level, dates, references, case notes) or training."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from core.clock import business_today
from register.kit import cards
from tests.factories import SYSTEM, World
from tests.reports.test_card_check import compliant

FIELDS = {"valid", "name", "employer", "force", "card_serial", "card_expires_on", "accredited_today", "reason",
          "powers", "power"}
# What the officer's record holds that the public must never read (tests.security.matrix.markers, less the name).
NEVER = ["a1a1@council.example", "COND-A1a-1", "CASENOTE-A1a-1", "PROV-A1a-1", "FREF-A1a-1", "ACC-A1a-1",
         "SER-A1a-1", "NPPV", "CSAS_CORE", "PENALTY_NOTICES", "Staff number", "staff_number", "vetting", "Vetting",
         "training", "Training", "Team A1a", "2024"]


async def _more_records(world: World) -> None:
    from register.kit import services as kit

    day = business_today()
    await kit.issue_kit(SYSTEM, officer_id=world.officers["A1a-1"], kit_type_code="STAB_VEST",
                        issued_on=day - dt.timedelta(days=90), serial_number="SER-A1a-1", size="M",
                        manufactured_on=day - dt.timedelta(days=400))


async def test_the_check_shows_the_listed_fields_and_nothing_else(client: httpx.AsyncClient, world: World) -> None:
    await compliant(world, "A1a-1")
    await _more_records(world)
    printed = await cards.card_token(SYSTEM, world.officers["A1a-1"], "ID_CARD")
    assert printed is not None
    path = f"/verify/{printed[1]}?power=FPN_LITTER"
    answer = await client.get(path, headers={"Accept": "application/json"})
    body = answer.json()
    assert set(body) <= FIELDS and body["valid"] is True
    assert all(set(power) == {"code", "title"} for power in body["powers"])
    assert set(body["power"]) == {"code", "usable"}
    page = await client.get(path, headers={"Accept": "text/html"})
    # The leak checks can see the fields that are meant to be there ...
    for shown in ("Alex OfficerA1A1", "Council A1", "Force A", "ID-A1a-1", "Fixed penalty: litter"):
        assert shown in page.text and shown in answer.text
    # ... and none of the rest, in either form; the signed-in app's menu and sign-out are not on the page.
    for text in (page.text, answer.text):
        leaked = [marker for marker in NEVER if marker in text]
        assert not leaked, leaked
    assert not re.search(r"govuk-service-navigation|Sign out|/logout", page.text)


async def test_a_signed_in_visitor_sees_the_public_page_too(client: httpx.AsyncClient, world: World) -> None:
    await compliant(world, "A1a-1")
    printed = await cards.card_token(SYSTEM, world.officers["A1a-1"], "ID_CARD")
    assert printed is not None
    page = await client.get(f"/verify/{printed[1]}", headers=world.auth("admin") | {"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "govuk-service-navigation" not in page.text and "admin" not in page.text

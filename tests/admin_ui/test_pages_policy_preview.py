"""The policy forms' check pages show what the change would do before it is saved (issue 21, "what if"), in words:
officers by name, powers by title, long dates. The Reigate and Banstead JET (tests/scheduler/scenario.py), judged
as of 1 January 2025."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from httpx import AsyncClient

import admin_ui.policy_preview_view
from scheduler.policy_store import policy_document
from tests.admin_ui.test_pages_common import post_form, sign_in
from tests.scheduler.scenario import build_team

LEADS = {"vetting": 180, "csas_course": 120, "accreditation": 60, "module": 60, "kit": 30, "employer": 90}


@pytest.fixture(autouse=True)
def new_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin_ui.policy_preview_view, "business_today", lambda: dt.date(2025, 1, 1))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_a_longer_lead_time_shows_the_steps_it_makes_overdue_then_saves(client: AsyncClient) -> None:
    team = await build_team(client)
    await sign_in(client, "admin")
    url = "/admin/policy/lead-times"
    answers = {f"lead_times__{k}": v for k, v in (LEADS | {"vetting": 240}).items()}
    check = await post_form(client, url, answers)
    assert check.status_code == 200, check.text
    text = _text(check.text)
    assert "The effect of this change" in text
    assert "No officer's powers would lapse on another day in the window." in text
    assert "5 steps overdue today under this change and not now" in text
    assert ("Officer Number1 Submit vetting renewal: Non-police personnel vetting 2 (abbreviated) 4 December 2024 "
            "1 August 2025") in text
    # Demand: five vetting renewals move from February into January (now / change per kind).
    assert "January 2025 0 5 " in text and "February 2025 5 0 " in text
    assert (await policy_document())["lead_times"]["vetting"] == 180  # nothing saved yet
    done = await post_form(client, url, {**answers, "confirm": "yes"})
    assert done.status_code == 303
    assert (await policy_document())["lead_times"]["vetting"] == 240
    assert team.officer_ids


async def test_a_level_no_longer_accepted_shows_who_lapses_on_which_powers(client: AsyncClient) -> None:
    await build_team(client)
    await sign_in(client, "admin")
    before = {lv["code"]: lv for lv in (await policy_document())["vetting_levels"]}
    answers = {f"renewal__{code}": str(lv["renewal_months"]) for code, lv in before.items()}
    answers |= {"accepted": ["NPPV3", "MV"],
                "annual_review": [c for c, lv in before.items() if lv["has_annual_review"]]}
    check = await post_form(client, "/admin/policy/vetting-levels", answers)
    text = _text(check.text)
    assert "10 powers lapse differently, earliest first" in text
    # A year's window: under the current policy they lapse with CSAS_CORE on 1 July; under this one at once.
    assert ("Officer Number1 Fixed penalty: litter Usable until 30 June 2025 Not usable from 1 January 2025 "
            "NPPV2A is not a vetting level accepted for CSAS.") in text
    assert "Require name and address of a person acting anti-socially" in text
    assert "Powers that lapse in the window Current policy: 10 This change: 10" in text
    assert [lv["code"] for lv in (await policy_document())["vetting_levels"] if lv["accepted_for_csas"]] != [
        "MV", "NPPV3"]


async def test_a_longer_validity_says_records_keep_their_expiry(client: AsyncClient) -> None:
    await build_team(client)
    await sign_in(client, "admin")
    current = {m["code"]: m["validity_months"] for m in (await policy_document())["module_validity"]}
    answers = {f"module_validity__{c}": "" if m is None else str(m) for c, m in current.items()}
    check = await post_form(client, "/admin/policy/validity", {**answers, "module_validity__CSAS_CORE": "48"})
    text = _text(check.text)
    assert "passes already held keep their expiry, so no lapse or step moves" in text
    assert "No renewal would move to another month." in text

"""Loads the demo force (demo mode only): people and places, then each domain's records, then users."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from core.access import Principal, Role
from core.clock import business_today
from core.db import long_running
from core.settings import get_settings
from register import demo as register_demo
from register.officers import services as register_services
from register.tables import Force
from scheduler.planning import update_capacity_settings
from training import demo as training_demo
from vetting import demo as vetting_demo

DEMO_ACTOR = Principal.system("demo")
# The force's capacity for renewals a month (scheduler.planning): a vetting unit and an accreditation team one short
# of the months with most work, so the capacity page shows the cliff, renewals pulled forward, and a lapse of each
# that no schedule avoids; course places enough for the backlog of overdue refreshers.
DEMO_CAPACITY = {"vetting_per_month": 4, "course_seats_per_month": 40, "accreditations_per_month": 4}


class DemoModeRequired(RuntimeError):
    pass


class AccountScope(TypedDict, total=False):
    """The scope keywords of create_user, one set per demo account."""

    force_id: int
    organisation_id: int
    team_ids: list[int]
    officer_id: int


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


async def load_demo(today: dt.date | None = None) -> list[tuple[str, str, str]]:
    """Returns (username, role, password) for every demo account."""
    if not get_settings().demo:
        raise DemoModeRequired("The demo force loads only in demo mode (CSAS_DEMO=on).")
    today = today or business_today()
    people = await register_demo.load(DEMO_ACTOR, today)
    await register_demo.load_records(DEMO_ACTOR, people, today)
    await vetting_demo.load(DEMO_ACTOR, people, today)
    await training_demo.load(DEMO_ACTOR, people, today)
    await update_capacity_settings(DEMO_ACTOR, DEMO_CAPACITY, people.force_id)
    lapse = people.lapse_borough
    accounts: list[tuple[str, Role, AccountScope]] = [
        ("admin", Role.ADMIN, {}),
        ("coordinator", Role.CSAS_COORDINATOR, {"force_id": people.force_id}),
        ("vetting", Role.VETTING_OFFICER, {"force_id": people.force_id}),
        ("hr", Role.HR, {"organisation_id": people.organisation_ids[lapse]}),
        ("manager", Role.MANAGER, {"team_ids": [people.team_ids[lapse]]}),
        ("officer", Role.OFFICER, {"officer_id": people.officer_ids[lapse][0]}),
    ]
    created = []
    for username, role, scope in accounts:
        password = demo_password(username)
        await register_services.create_user(
            DEMO_ACTOR, username=username, password=password, email=f"{username}@csas-demo.example",
            role=role, **scope,
        )
        created.append((username, role.value, password))
    return created


def print_accounts(accounts: list[tuple[str, str, str]], served_at: str | None = "http://127.0.0.1:8000/") -> None:
    """served_at: where `csas serve` answers by default; None while the server is starting, which prints the
    address it actually serves once it is ready."""
    print(f"Demo force loaded. Sign in at {served_at} with:" if served_at else "Demo force loaded. Sign in with:")
    for username, role, password in accounts:
        print(f"  {username:<12} {password:<24} ({role})")


@long_running  # at start-up, before any request: loading a whole demo force is not a request's work
async def load_demo_if_empty() -> None:
    if await Force.count() == 0:
        print_accounts(await load_demo(), served_at=None)


async def demo_card_url() -> str | None:
    """The card check of one demo officer who may use powers today (issue 20), printed at start-up so the public
    page can be tried without printing and scanning a card. Its token is made as a first print would make it."""
    from register.kit import cards
    from scheduler.policy_store import load_policy
    from scheduler.services import compliance_for

    card_type = (await load_policy()).id_card_kit_type
    judged = sorted(await compliance_for(DEMO_ACTOR, business_today()), key=lambda pair: pair[0].officer_id)
    for facts, compliance in judged:
        if any(power.usable for power in compliance.powers):
            card = await cards.card_token(DEMO_ACTOR, facts.officer_id, card_type)
            if card is not None:
                return cards.verify_url(card[1])
    return None

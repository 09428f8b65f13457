"""The demo force's people and places: a Surrey-like force, five borough councils, each with a JET."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.roles import Principal
from register import services

BOROUGHS = ("Reigate and Banstead", "Spelthorne", "Elmbridge", "Waverley", "Guildford")
OFFICERS_PER_TEAM = 8

GIVEN_NAMES = (
    "Amelia", "Oliver", "Priya", "James", "Grace", "Mohammed", "Sophie", "Daniel", "Chloe", "Thomas",
    "Aisha", "Harry", "Emily", "Kwame", "Hannah", "Lewis", "Zara", "Samuel", "Isla", "Ravi",
    "Megan", "Joseph", "Niamh", "Callum", "Fatima", "George", "Lucy", "Ethan", "Ruby", "Adam",
    "Holly", "Benjamin", "Leah", "Connor", "Jasmine", "William", "Freya", "Marek", "Olivia", "Kieran",
)
FAMILY_NAMES = (
    "Patel", "Hughes", "Okafor", "Clarke", "Walsh", "Khan", "Turner", "Evans", "Morgan", "Bennett",
    "Ahmed", "Price", "Fletcher", "Mensah", "Doyle", "Harris", "Iqbal", "Reid", "Campbell", "Sharma",
    "Lloyd", "Barker", "Kelly", "Murray", "Hussain", "Wright", "Chapman", "Foster", "Parry", "Nowak",
    "Jenkins", "Cole", "Riley", "Quinn", "Begum", "Marsh", "Holt", "Kowalski", "Ward", "Brennan",
)


@dataclass
class DemoRegister:
    force_id: int
    organisation_ids: dict[str, int] = field(default_factory=dict)
    team_ids: dict[str, int] = field(default_factory=dict)
    officer_ids: dict[str, list[int]] = field(default_factory=dict)

    @property
    def lapse_borough(self) -> str:
        """The team heading for the kind of lapse the register exists to prevent (Reigate and Banstead, 2018)."""
        return BOROUGHS[0]


async def load(actor: Principal, today: dt.date) -> DemoRegister:
    force = await services.create_force(actor, "Surrey Police", "SURREY")
    demo = DemoRegister(force_id=force["id"])
    person = 0
    for index, borough in enumerate(BOROUGHS):
        approved = today.replace(year=today.year - 2) - dt.timedelta(days=40 * index)
        organisation = await services.create_organisation(
            actor, name=f"{borough} Borough Council", force_id=force["id"], kind="council",
            arrangement_approved_on=approved, arrangement_review_due_on=approved.replace(year=approved.year + 3),
        )
        team = await services.create_team(actor, name=f"{borough} Joint Enforcement Team",
                                          organisation_id=organisation["id"])
        demo.organisation_ids[borough] = organisation["id"]
        demo.team_ids[borough] = team["id"]
        demo.officer_ids[borough] = []
        prefix = "".join(word[0] for word in borough.split() if word[0].isupper())
        for n in range(OFFICERS_PER_TEAM):
            given, family = GIVEN_NAMES[person], FAMILY_NAMES[person]
            person += 1
            officer = await services.create_officer(
                actor, organisation_id=organisation["id"], team_id=team["id"],
                staff_number=f"{prefix}{1040 + n * 7:05d}", given_name=given, family_name=family,
                email=f"{given.lower()}.{family.lower()}@{borough.split()[0].lower()}.gov.example",
                started_on=today - dt.timedelta(days=400 + 97 * n + 31 * index),
            )
            demo.officer_ids[borough].append(officer["id"])
    return demo

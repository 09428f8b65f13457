"""The demo force's people and places: a Surrey-like force, five borough councils, each with a JET."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.access import Principal
from core.dates import add_months, add_years
from register import leaving
from register.accreditations import services as accreditations
from register.kit import services as kit
from register.officers import services

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
        approved = add_years(today, -2) - dt.timedelta(days=40 * index)
        organisation = await services.create_organisation(
            actor, name=f"{borough} Borough Council", force_id=force["id"], kind="council",
            arrangement_approved_on=approved, arrangement_review_due_on=add_years(approved, 3),
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


# --- accreditations, powers and kit (issue 3) ----------------------------------------------------------

CORE_POWERS = ("FPN_LITTER", "FPN_CYCLE_FOOTWAY", "NA_ASB", "NA_RELEVANT_OFFENCE", "ALCOHOL_UNDER_18",
               "TOBACCO_UNDER_16", "PND_DISORDER")
EXTRA_POWERS = ("FPN_GRAFFITI_FLYPOSTING", "ALCOHOL_DESIGNATED_PLACE", "ABANDONED_VEHICLES", "PHOTOGRAPH")
TRAFFIC_POWERS = ("NA_ROAD_TRAFFIC", "TRAFFIC_CONTROL", "TRAFFIC_SURVEY", "STOP_CYCLE")
LAPSING_OFFICERS = 5
SIZES = ("S", "M", "L", "XL", "M", "L")


async def load_records(actor: Principal, demo: DemoRegister, today: dt.date) -> None:
    """Every officer: a Surrey Police accreditation with a realistic power set, ID card, badge, hi-vis, uniform,
    stab vest, notebook, and for some an FPN device. The lapse team's first five officers expire 45-75 days after
    today (the 2018-style lapse); other teams 6-30 months out. One officer suspended, one left. Deterministic."""
    serial = 0
    for team_index, borough in enumerate(BOROUGHS):
        officers = demo.officer_ids[borough]
        lapse_team = borough == demo.lapse_borough
        for n, officer_id in enumerate(officers):
            person = team_index * OFFICERS_PER_TEAM + n
            if lapse_team and n < LAPSING_OFFICERS:
                expires_on = today + dt.timedelta(days=45 + 7 * n)
            else:
                expires_on = add_months(today, 6 + (person * 5) % 25)
            # Granted for two years, or three for the longer-running ones, never before the officer started.
            granted_on = add_months(expires_on, -24 if expires_on < add_months(today, 18) else -36)
            officer = await services.get_officer(actor, officer_id)
            granted_on = max(granted_on, officer["started_on"] + dt.timedelta(days=30))
            powers = list(CORE_POWERS)
            if person % 3 == 0:
                powers += EXTRA_POWERS[: 1 + person % len(EXTRA_POWERS)]
            if person in (10, 20):  # two of the officers training's demo gives the traffic course
                powers += TRAFFIC_POWERS
            prefix = "".join(word[0] for word in borough.split() if word[0].isupper())
            acc = await accreditations.grant_accreditation(
                actor, officer_id=officer_id, force_id=demo.force_id, number=f"SP-CSAS-{prefix}-{1000 + person}",
                granted_on=granted_on, expires_on=expires_on, power_codes=powers,
                conditions=f"Within the borough of {borough}.", today=today,
            )
            issued_on = granted_on
            serial += 1
            await kit.issue_kit(actor, officer_id=officer_id, kit_type_code="ID_CARD", issued_on=issued_on,
                                serial_number=f"SP-ID-{40000 + serial}")
            await kit.issue_kit(actor, officer_id=officer_id, kit_type_code="CSAS_BADGE", issued_on=issued_on)
            size = SIZES[person % len(SIZES)]
            await kit.issue_kit(actor, officer_id=officer_id, kit_type_code="HI_VIS_JACKET", issued_on=issued_on,
                                size=size)
            await kit.issue_kit(actor, officer_id=officer_id, kit_type_code="UNIFORM", issued_on=issued_on,
                                size=size)
            # One vest is nearly at its 10-year panel life; the rest were made shortly before issue.
            if person == 1:
                manufactured_on = add_months(today, -119) - dt.timedelta(days=10)
            else:
                manufactured_on = issued_on - dt.timedelta(days=60 + 11 * person)
            vest = await kit.issue_kit(
                actor, officer_id=officer_id, kit_type_code="STAB_VEST", issued_on=issued_on, size=size,
                serial_number=f"KR1-{2300 + person:05d}", manufactured_on=manufactured_on,
                condition="serviceable" if person == 1 else "new",
            )
            inspected_on = add_months(issued_on, 12)
            if inspected_on <= today:
                await kit.inspect_kit(actor, vest["id"], inspected_on, "serviceable")
            await kit.issue_kit(actor, officer_id=officer_id, kit_type_code="NOTEBOOK", issued_on=issued_on,
                                serial_number=f"PNB-{borough[:3].upper()}-{500 + person}")
            if person % 2 == 0:
                await kit.issue_kit(actor, officer_id=officer_id, kit_type_code="FPN_DEVICE", issued_on=issued_on,
                                    serial_number=f"FPN-{7000 + person}")
            # The lapse team's sixth officer is suspended pending an investigation.
            if lapse_team and n == LAPSING_OFFICERS:
                await accreditations.suspend_accreditation(
                    actor, acc["id"], today - dt.timedelta(days=12), "Pending a complaint investigation", today
                )
    # An officer of the second team has left: accreditation ended, ID card and badge to recover.
    leaver = demo.officer_ids[BOROUGHS[1]][-1]
    await leaving.record_leaving(actor, leaver, today - dt.timedelta(days=9))

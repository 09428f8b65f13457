"""Catalogue seeds for register: the Schedule 5 powers (domain.md §4) and the kit catalogue (§7).

Inserts what is missing, edits nothing.
"""

from __future__ import annotations

from typing import Any

from register.tables import KitType, Power

# (code, title, statute, in_force, is_traffic)
POWERS: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("FPN_CYCLE_FOOTWAY", "Fixed penalty: cycling on a footway", "Sch 5 para 1(2)(a); Highway Act 1835 s.72",
     True, False),
    ("PND_DISORDER", "Penalty notice for disorder", "Sch 5 para 1(2)(aa); CJPA 2001 Pt 1", True, False),
    ("FPN_TRUANCY", "Penalty notice: pupil non-attendance", "Sch 5 para 1(2)(ab); Education Act 1996 s.444A",
     True, False),
    ("FPN_EXCLUDED_PUPIL", "Penalty notice: excluded pupil in a public place", "Sch 5 para 1(2)(ac); EIA 2006 s.105",
     True, False),
    ("FPN_GRAFFITI_FLYPOSTING", "Penalty notice: graffiti or fly-posting", "Sch 5 para 1(2)(ba); ASBA 2003 s.43",
     True, False),
    ("FPN_LITTER", "Fixed penalty: litter", "Sch 5 para 1(2)(c); EPA 1990 s.88", True, False),
    ("FPN_DOG_FOULING", "Fixed penalty: dog fouling (repealed)", "Sch 5 para 1(2)(b)", False, False),
    ("FPN_DOG_CONTROL_ORDER", "Dog control order fixed penalty (repealed; replaced by PSPOs)", "Sch 5 para 1(2)(d)",
     False, False),
    ("NA_RELEVANT_OFFENCE", "Require name and address (relevant offence, begging, byelaws, injury/alarm/damage)",
     "Sch 5 para 2", True, False),
    ("NA_ASB", "Require name and address of a person acting anti-socially", "Sch 5 para 3", True, False),
    ("NA_ROAD_TRAFFIC", "Require name and address for road traffic offences", "Sch 5", True, False),
    ("ALCOHOL_DESIGNATED_PLACE", "Require surrender of alcohol in a designated public place or PSPO area",
     "Sch 5 para 4", True, False),
    ("ALCOHOL_UNDER_18", "Confiscate alcohol from under-18s", "Sch 5 para 5; CAYPA 1997 s.1", True, False),
    ("TOBACCO_UNDER_16", "Seize tobacco from under-16s (not vapes)", "Sch 5 para 6; CYPA 1933 s.7(3)", True, False),
    ("ABANDONED_VEHICLES", "Remove abandoned vehicles", "Sch 5 para 7; RTRA 1984 s.99", True, False),
    ("STOP_VEHICLE_TESTING", "Stop vehicles for testing", "Sch 5 para 8; RTA 1988 s.67", True, True),
    ("STOP_CYCLE", "Stop cyclists", "Sch 5; RTA 1988 s.163", True, True),
    ("TRAFFIC_CONTROL", "Control traffic (not escorting loads)", "Sch 5", True, True),
    ("TRAFFIC_ESCORT", "Direct traffic when escorting abnormal loads", "Sch 5", True, True),
    ("TRAFFIC_SURVEY", "Direct traffic for surveys", "Sch 5", True, True),
    ("PHOTOGRAPH", "Photograph a person given a penalty notice, away from a station", "Sch 5; PACE s.64A",
     True, False),
)


# Kit catalogue (domain.md §7). The RADIO "periodic audit" is taken as a 12-month inspection interval.
KIT_TYPES: tuple[dict[str, Any], ...] = (
    {"code": "ID_CARD", "title": "Police-issued ID and powers card", "tracks_serial": True,
     "expires_with_accreditation": True, "recover_when_powers_end": True},
    {"code": "CSAS_BADGE", "title": "National CSAS badge", "recover_when_powers_end": True},
    {"code": "HI_VIS_JACKET", "title": "High-visibility jacket", "tracks_size": True},
    {"code": "UNIFORM", "title": "Uniform set", "tracks_size": True},
    {"code": "STAB_VEST", "title": "Body armour KR1/SP1 (HO Body Armour Standard 2017)", "tracks_size": True,
     "tracks_serial": True, "tracks_manufacture_date": True, "service_life_months": 120,
     "inspection_interval_months": 12},
    {"code": "BODY_WORN_VIDEO", "title": "Body-worn video camera", "tracks_serial": True,
     "requires_module_code": "BODY_WORN_VIDEO"},
    {"code": "RADIO", "title": "Radio (e.g. Airwave)", "tracks_serial": True, "inspection_interval_months": 12,
     "requires_module_code": "RADIO"},
    {"code": "NOTEBOOK", "title": "Pocket notebook", "tracks_serial": True},
    {"code": "FPN_DEVICE", "title": "Penalty notice book / handheld device", "tracks_serial": True},
)


async def seed() -> None:
    await seed_powers()
    await seed_kit_types()


async def seed_kit_types() -> None:
    existing = {row["code"] for row in await KitType.select(KitType.code)}
    missing = [KitType(**values) for values in KIT_TYPES if values["code"] not in existing]
    if missing:
        await KitType.insert(*missing)


async def seed_powers() -> None:
    existing = {row["code"] for row in await Power.select(Power.code)}
    missing = [
        Power(code=code, title=title, statute=statute, in_force=in_force, is_traffic=is_traffic)
        for code, title, statute, in_force, is_traffic in POWERS
        if code not in existing
    ]
    if missing:
        await Power.insert(*missing)

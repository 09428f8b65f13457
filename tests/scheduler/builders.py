"""A fully compliant officer to vary one fact at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from register.facts import AccreditationFact, DesignatedPowerFact, EmployerFact, KitFact
from scheduler.facts import OfficerFacts
from scheduler.policy import Policy
from training.facts import ModuleFact
from vetting.facts import ClearanceFact

D = dt.date
POLICY = Policy(prerequisites={"FPN_LITTER": ("PENALTY_NOTICES",), "ALCOHOL_UNDER_18": ("SAFEGUARDING",)})

# Expiries, earliest last so each can be made binding by moving it.
ACCREDITATION_EXPIRES = D(2027, 6, 1)
VETTING_EXPIRES = D(2028, 3, 1)
CORE_EXPIRES = D(2027, 9, 1)
PENALTY_EXPIRES = D(2027, 12, 1)
SAFEGUARDING_EXPIRES = D(2027, 8, 1)


def officer(**changes: object) -> OfficerFacts:
    base = OfficerFacts(
        officer_id=7,
        name="Jo Bloggs",
        team_id=1,
        employer=EmployerFact(1, "Reigate and Banstead Borough Council", D(2024, 1, 1), None, D(2029, 1, 1)),
        accreditations=(
            AccreditationFact(
                1, 1, "SUR-001", D(2025, 6, 1), ACCREDITATION_EXPIRES,
                powers=(
                    DesignatedPowerFact("FPN_LITTER", D(2025, 6, 1)),
                    DesignatedPowerFact("ALCOHOL_UNDER_18", D(2025, 6, 1)),
                ),
            ),
        ),
        clearances=(ClearanceFact(10, "NPPV2A", D(2025, 3, 1), VETTING_EXPIRES),),
        modules={
            "CSAS_CORE": ModuleFact("CSAS_CORE", D(2024, 9, 1), CORE_EXPIRES),
            "PENALTY_NOTICES": ModuleFact("PENALTY_NOTICES", D(2024, 12, 1), PENALTY_EXPIRES),
            "SAFEGUARDING": ModuleFact("SAFEGUARDING", D(2025, 8, 1), SAFEGUARDING_EXPIRES),
        },
        kit=(KitFact(100, "ID_CARD", D(2025, 6, 2), expires_on=ACCREDITATION_EXPIRES),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def with_accreditation(**changes: object) -> OfficerFacts:
    return officer(accreditations=(replace(officer().accreditations[0], **changes),))  # type: ignore[arg-type]


def with_clearance(**changes: object) -> OfficerFacts:
    return officer(clearances=(replace(officer().clearances[0], **changes),))  # type: ignore[arg-type]


def with_module(code: str, **changes: object) -> OfficerFacts:
    modules = dict(officer().modules)
    modules[code] = replace(modules[code], **changes)  # type: ignore[arg-type]
    return officer(modules=modules)

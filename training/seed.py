"""Catalogue seeds for training: modules (domain.md §6) and power prerequisites (domain.md §8 rule 5).

Inserts only what is missing and never overwrites what people edited (validity is policy data). Prerequisites
are seeded only into an empty table that nobody has ever set by hand, so pairs an admin deliberately removed
are not added back.
"""

from __future__ import annotations

from register.officers.services import list_powers
from training.services import prerequisites_ever_replaced
from training.tables import PowerPrerequisite, TrainingModule

# (code, title, validity_months (None: never expires), hours, is_csas_course)
MODULES: tuple[tuple[str, str, int | None, int | None, bool], ...] = (
    ("CSAS_CORE", "CSAS accreditation course and exam", 36, 60, True),
    ("CSAS_TRAFFIC", "CSAS traffic management course and exam", 36, 20, True),
    ("PERSONAL_SAFETY", "Conflict management / personal safety (assessed)", 12, None, False),
    ("FIRST_AID", "First aid at work / emergency first aid", 36, None, False),
    ("SAFEGUARDING", "Safeguarding adults and children (incl. CSE awareness)", 24, None, False),
    ("PREVENT", "Prevent awareness", 24, None, False),
    ("DATA_PROTECTION", "Data protection and information sharing", 12, None, False),
    ("PENALTY_NOTICES", "FPN / PND / PSPO issuing, witness statements, case files, PACE awareness", 36, None,
     False),
    ("BODY_WORN_VIDEO", "Body-worn video use", None, None, False),
    ("RADIO", "Radio procedure", None, None, False),
    ("MODERN_SLAVERY", "Modern slavery and serious organised crime awareness", 36, None, False),
)

# Default prerequisites by power code prefix or exact code (domain.md §8 rule 5). CSAS_CORE for every power
# (rule 4) is applied by the scheduler, not stored here.
PREREQUISITE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("FPN_", "PENALTY_NOTICES"),
    ("PND_", "PENALTY_NOTICES"),
    ("TRAFFIC_", "CSAS_TRAFFIC"),
    ("STOP_", "CSAS_TRAFFIC"),
)
PREREQUISITE_CODES: tuple[tuple[str, str], ...] = (
    ("ALCOHOL_UNDER_18", "SAFEGUARDING"),
    ("TOBACCO_UNDER_16", "SAFEGUARDING"),
)


def default_prerequisites(power_codes: list[str]) -> list[tuple[str, str]]:
    pairs = [(code, module) for code in power_codes for prefix, module in PREREQUISITE_PREFIXES
             if code.startswith(prefix)]
    pairs += [(code, module) for code, module in PREREQUISITE_CODES if code in power_codes]
    return sorted(set(pairs))


async def seed() -> None:
    existing = {row["code"] for row in await TrainingModule.select(TrainingModule.code)}
    missing = [
        TrainingModule(code=code, title=title, validity_months=validity, hours=hours, is_csas_course=is_csas,
                       sort_order=(index + 1) * 10)
        for index, (code, title, validity, hours, is_csas) in enumerate(MODULES)
        if code not in existing
    ]
    if missing:
        await TrainingModule.insert(*missing)
    if await PowerPrerequisite.count() == 0 and not await prerequisites_ever_replaced():
        modules = {row["code"]: row["id"] for row in await TrainingModule.select(TrainingModule.id,
                                                                                TrainingModule.code)}
        pairs = default_prerequisites([p["code"] for p in await list_powers()])
        rows = [PowerPrerequisite(power_code=power, module=modules[module]) for power, module in pairs
                if module in modules]
        if rows:
            await PowerPrerequisite.insert(*rows)

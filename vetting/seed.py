"""Catalogue seed for vetting: the levels of domain.md §5. Inserts what is missing, edits nothing."""

from __future__ import annotations

from vetting.tables import VettingLevel

# (code, title, renewal_months, has_annual_review, accepted_for_csas)
LEVELS: tuple[tuple[str, str, int, bool, bool], ...] = (
    ("NPPV1", "Non-police personnel vetting 1 (premises, no information)", 36, False, False),
    ("NPPV1_5", "Non-police personnel vetting 1.5 (force-specific label for CSAS staff)", 36, False, False),
    ("NPPV2A", "Non-police personnel vetting 2 (abbreviated)", 36, False, True),
    ("NPPV2F", "Non-police personnel vetting 2 (full)", 36, False, True),
    ("NPPV3", "Non-police personnel vetting 3", 60, True, True),
    ("RV", "Recruitment vetting", 120, False, True),
    ("MV", "Management vetting", 84, True, True),
    ("CTC", "Counter-terrorist check", 120, False, False),
    ("SC", "Security check", 120, False, False),
    ("DV", "Developed vetting", 84, True, False),
)


async def seed() -> None:
    existing = {row["code"] for row in await VettingLevel.select(VettingLevel.code)}
    missing = [
        VettingLevel(code=code, title=title, renewal_months=months, has_annual_review=review,
                     accepted_for_csas=accepted, sort_order=index)
        for index, (code, title, months, review, accepted) in enumerate(LEVELS)
        if code not in existing
    ]
    if missing:
        await VettingLevel.insert(*missing)

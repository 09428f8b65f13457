"""The policy compliance and planning apply (domain.md §8 defaults). Stored as data; edited via /api/policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def _lead(days: int, label: str) -> Any:
    return field(default=days, metadata={"label": label})


@dataclass(frozen=True)
class LeadTimes:
    """Days before an item's expiry by which its renewal step must start: one field per lead time a kind of
    dependency plans with (scheduler.dependencies), with its default and its label. The API's update schema and
    the policy page are made from these fields."""

    vetting: int = _lead(180, "Vetting renewal")
    csas_course: int = _lead(120, "CSAS course")
    accreditation: int = _lead(60, "Re-accreditation")
    module: int = _lead(60, "Training module")
    kit: int = _lead(30, "Kit replacement")
    employer: int = _lead(90, "Employer arrangement review")


@dataclass(frozen=True)
class Policy:
    warning_days: int = 90
    overdue_after_days: int = 14
    accepted_vetting_levels: frozenset[str] = frozenset({"NPPV2A", "NPPV2F", "NPPV3", "RV", "MV"})
    lead_times: LeadTimes = field(default_factory=LeadTimes)
    core_module: str = "CSAS_CORE"
    traffic_module: str = "CSAS_TRAFFIC"
    id_card_kit_type: str = "ID_CARD"
    # power code -> module codes it needs beyond the CSAS course (training owns the data; see training.services)
    prerequisites: dict[str, tuple[str, ...]] = field(default_factory=dict)
    officer_reminder_days: tuple[int, ...] = (14, 1)
    manager_repeat_days: int = 7
    coordinator_alert_days: int = 30
    # Kit types whose renewal is part of re-accreditation rather than a kit step of its own.
    kit_without_steps: frozenset[str] = frozenset({"ID_CARD", "CSAS_BADGE"})


@dataclass(frozen=True)
class Names:
    """The catalogue's titles, so what people read names "Fixed penalty: litter", not FPN_LITTER."""

    powers: Mapping[str, str] = field(default_factory=dict)
    modules: Mapping[str, str] = field(default_factory=dict)
    kit: Mapping[str, str] = field(default_factory=dict)
    levels: Mapping[str, str] = field(default_factory=dict)

    def power(self, code: str) -> str:
        return self.powers.get(code) or code

    def module(self, code: str) -> str:
        return self.modules.get(code) or code

    def kit_type(self, code: str) -> str:
        return self.kit.get(code) or code

    def level(self, code: str) -> str:
        """A vetting level's title ("Non-police personnel vetting 2 (abbreviated)"); the API keeps the code."""
        return self.levels.get(code) or code

    def item(self, kind: str, code: str) -> str:
        """A plan step's or binding's item for a page, by kind ('training', 'kit', ... as scheduler.rules.Kind):
        the module's or kit's title; otherwise the kind and its code ('Vetting NPPV2A', 'Accreditation SP-001')."""
        if kind == "training":
            return self.module(code)
        if kind == "kit":
            return self.kit_type(code)
        if kind == "vetting" and code in self.levels:
            return self.levels[code]  # the title says "vetting" already
        return f"{kind.replace('_', ' ').capitalize()} {code}"

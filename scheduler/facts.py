"""OfficerFacts: everything one officer's compliance is judged on, assembled by scheduler.services from the facts
each domain owns and loads (register.facts, vetting.facts, training.facts). The scheduler defines no fact of its
own: a new kind of dependency is a fact in its domain's facts module, a field here, and a DependencyKind in
scheduler.dependencies.

Every date follows domain.md §8: `expires_on` is the first day no longer valid; an end date (`ended_on`,
`withdrawn_on`, `left_on`) is the first day something no longer holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from register.facts import AccreditationFact, KitFact, PersonFact
from training.facts import ModuleFact
from vetting.facts import ClearanceFact


@dataclass(frozen=True)
class OfficerFacts(PersonFact):
    """The officer's own row and employer (PersonFact) with everything their powers depend on."""

    accreditations: tuple[AccreditationFact, ...] = ()
    clearances: tuple[ClearanceFact, ...] = ()
    modules: dict[str, ModuleFact] = field(default_factory=dict)
    kit: tuple[KitFact, ...] = ()

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Values the rules derive from these facts more than once (the facts are frozen, so none goes stale):
        an officer is judged on several days by one sweep or forecast."""
        return {}

"""OfficerFacts: everything one officer's compliance is judged on, assembled by scheduler.services from the facts
each domain owns and loads (register.facts, vetting.facts, training.facts). The scheduler defines no fact of its
own: a new kind of dependency is a fact in its domain's facts module, a field here, and a rule in
scheduler.rules.

Every date follows domain.md §8: `expires_on` is the first day no longer valid; an end date (`ended_on`,
`withdrawn_on`, `left_on`) is the first day something no longer holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

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
    def last_start_on(self) -> dt.date:
        """The last day on which anything on record takes effect (compliance follows renewals only up to it)."""
        return max([dt.date.min, *(a.granted_on for a in self.accreditations),
                    *(p.granted_on for a in self.accreditations for p in a.powers),
                    *(c.granted_on for c in self.clearances), *(k.issued_on for k in self.kit),
                    *(m.completed_on for m in self.modules.values())])

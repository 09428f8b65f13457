"""Officers' facts kept in this process between policy previews, with their judgement under the current policy, so
that a second preview (people try several values in a row) loads and judges only officers whose facts changed.

An entry is used only while it is exactly what loading again would give: the officer's fact version (raised by
database triggers on every fact table, scheduler/fact_triggers.py), the day the facts were loaded for, and the
catalogue stamp (traffic powers and policy) must all be those read now, before the facts they describe, as
scheduler/outlook.py does. So a change made by any instance, script or service is seen by the next preview, and
nothing is trusted by age. Scoping stays with the caller: the cache holds facts by officer id and hands out only
the ids it is asked for, which the service has already limited to the caller's scope.

Versions restart when a database is emptied and refilled (a test's reset, a restored backup): call `clear()`
then, or restart the process, since equal numbers would then describe other facts.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from scheduler import outlook
from scheduler.facts import OfficerFacts
from scheduler.policy import Policy
from scheduler.policy_store import Catalogue
from scheduler.services import BATCH, load_facts

# Officers kept, least recently used dropped first. Measured with tracemalloc on the 10,500-officer bench force:
# facts with what a preview derives from them under the current policy take 146 MB (14 KB an officer), so the
# bound costs about 170 MB in each web process that previews. A force larger than the bound previews as before
# this cache, loading every officer each time (a scan evicts what it will need next).
MAX_OFFICERS = 12_000


@dataclass
class Entry:
    """One officer's facts as loaded for `day` at fact `version` under catalogue `stamp`, and what the caller
    derived from them under `policy` (the Catalogue's, compared by identity: a rebuilt catalogue starts afresh)."""

    version: int
    day: dt.date
    stamp: str
    facts: OfficerFacts
    policy: Policy | None = None
    derived: dict[str, Any] = field(default_factory=dict)

    def under(self, policy: Policy) -> dict[str, Any]:
        """The values derived under `policy`, to read and fill: empty for a policy not seen before."""
        if self.policy is not policy:
            self.policy, self.derived = policy, {}
        return self.derived


class FactCache:
    """A bounded LRU of Entry by officer id."""

    def __init__(self, max_officers: int = MAX_OFFICERS) -> None:
        self.max_officers = max_officers
        self._entries: OrderedDict[int, Entry] = OrderedDict()
        self.loaded = 0  # officers whose facts were loaded rather than reused: tests and profiling

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    async def batches(self, officer_ids: list[int], day: dt.date, stamp: str,
                      catalogue: Catalogue) -> AsyncIterator[dict[int, Entry]]:
        """The entries of these officers (those with facts), a batch at a time, loading only those whose entry is
        missing or out of date. `stamp` must be read before `catalogue` was loaded."""
        for start in range(0, len(officer_ids), BATCH):
            ids = officer_ids[start:start + BATCH]
            versions = await outlook.fact_versions(ids)  # before the facts: a change in between is seen next time
            found: dict[int, Entry] = {}
            for officer_id in ids:
                entry = self._entries.get(officer_id)
                if entry is not None and (entry.version, entry.day, entry.stamp) == (versions[officer_id], day, stamp):
                    self._entries.move_to_end(officer_id)
                    found[officer_id] = entry
            missing = [officer_id for officer_id in ids if officer_id not in found]
            if missing:
                for officer_id, facts in (await load_facts(missing, day, catalogue)).items():
                    found[officer_id] = self._put(officer_id, Entry(versions[officer_id], day, stamp, facts))
                self.loaded += len(missing)
            yield {officer_id: found[officer_id] for officer_id in ids if officer_id in found}

    def _put(self, officer_id: int, entry: Entry) -> Entry:
        self._entries[officer_id] = entry
        self._entries.move_to_end(officer_id)
        while len(self._entries) > self.max_officers:
            self._entries.popitem(last=False)
        return entry


previews = FactCache()

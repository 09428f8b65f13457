"""Issue 16's property: whatever a team's timeline — items expiring on any day, renewals entered on any day
through the pages, the JSON API (never with a link field) or an import, officers leaving with kit still out,
the sweep running on some days only — every reminder the register sends is true on the day it is sent, is
sent once, and nothing due is left unsaid (domain.md §8 and §8a). The timelines and the checks are in
tests/scheduler/timeline.py; each example resets the database and replays one timeline with the business
clock patched to each simulated day.

Bounded for CI: ``CSAS_RENEWAL_EXAMPLES`` timelines (default 30, about 35 s on SQLite), derandomized (the same
timelines every run), no shrinking (each timeline replays in a second or two; shrinking would take minutes). A
failure shows the timeline (hypothesis' note) and every violation found in it; tests/scheduler/timeline.py's
parse_timeline turns the printed timeline back into one to replay on its own, and a timeline that found
something is pinned below (PINNED) so it runs every time, whatever hypothesis generates. To explore further::

    CSAS_RENEWAL_EXAMPLES=60 CSAS_RENEWAL_SEED=3 .venv/bin/pytest -q tests/scheduler/test_renewal_properties.py
    CSAS_RENEWAL_SHRINK=1 ...    # let hypothesis shrink a failing timeline (slow)
    CSAS_RENEWAL_VERBOSE=1 ... -s  # print each timeline, what was entered, what the checks saw and found
    CSAS_RENEWAL_EXPLORE=1 ...   # report every example's violations (with VERBOSE) instead of stopping at one
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import seed as hypothesis_seed
from litestar import Litestar

from tests.scheduler.timeline import OfficerStart, Step, Timeline, replay, timelines

MAX_EXAMPLES = int(os.environ.get("CSAS_RENEWAL_EXAMPLES", "30"))
SEED = os.environ.get("CSAS_RENEWAL_SEED")
SHRINK = os.environ.get("CSAS_RENEWAL_SHRINK") == "1"
VERBOSE = os.environ.get("CSAS_RENEWAL_VERBOSE") == "1"  # print every timeline, what was entered and found


@pytest.fixture
async def session_loop() -> asyncio.AbstractEventLoop:
    """The test session's event loop, which the database belongs to (hypothesis runs the test body synchronously)."""
    return asyncio.get_running_loop()


def bounded(test: Callable[..., Any]) -> Callable[..., Any]:
    configured = settings(
        max_examples=MAX_EXAMPLES,
        derandomize=SEED is None,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, *((Phase.shrink,) if SHRINK else ())),
        print_blob=False,
    )(test)
    return hypothesis_seed(int(SEED))(configured) if SEED is not None else configured


@bounded
@given(timeline=timelines())
def test_every_reminder_is_true_once_and_nothing_due_is_missed(
    timeline: Timeline, app: Litestar, session_loop: asyncio.AbstractEventLoop
) -> None:
    note(timeline.describe())
    sim = session_loop.run_until_complete(replay(app, timeline))
    note("What was entered:\n" + "\n".join(f"  {line}" for line in sim.log))
    if VERBOSE:
        print(timeline.describe(), *sim.log, f"sweeps {len(timeline.sweep_days)}, violations {len(sim.violations)}",
              dict(sim.stats), *sim.violations[:15], sep="\n")
    if os.environ.get("CSAS_RENEWAL_EXPLORE") == "1":
        return
    assert not sim.violations, f"{len(sim.violations)} violation(s):\n" + "\n".join(sim.violations[:40])


# --- timelines pinned because they found something (run every time, each on its own) ---------------------

D = dt.date


def _officer(accreditation: dt.date, vetting: dt.date, core: dt.date, penalty: dt.date, *, route: str = "api",
             badge: bool = False, vest: dt.date | None = None) -> OfficerStart:
    return OfficerStart(accreditation, vetting, core, penalty, vest, badge, route)


FAR = D(2028, 1, 10)
PINNED = {
    # A catch-up sweep must find the lapse since the last sweep even when a pass of another module was entered in
    # between: officer0's clearance ends 2027-05-04 unrenewed, its CSAS refresher is passed on 2027-04-20, and the
    # sweeps run on 2027-04-16 and 2027-05-11.
    "catch_up_after_a_pass": Timeline(
        D(2027, 4, 1), D(2027, 6, 1),
        (_officer(D(2027, 12, 1), D(2027, 5, 4), D(2027, 7, 21), D(2027, 10, 23)), _officer(FAR, FAR, FAR, FAR)),
        (Step(D(2027, 4, 20), 0, "pass", "api", 0, "CSAS_CORE"),),
        (D(2027, 4, 16), D(2027, 5, 11))),
    # Two items end the same day, one renewed (officer0's accreditation, by one starting later) and one not (its
    # clearance): the coordinators must still hear that the powers will become unusable. Also: officer1 renews
    # its clearance through the page (never linked); officer2 leaves with card and badge out, returns the card,
    # the badge is recorded lost.
    "same_day_endings_and_a_leaver": Timeline(
        D(2027, 3, 1), D(2027, 7, 1),
        (_officer(D(2027, 5, 10), D(2027, 5, 10), FAR, FAR, badge=True),
         _officer(D(2027, 5, 10), FAR, D(2027, 5, 10), FAR, route="import"),
         _officer(D(2027, 6, 10), D(2027, 8, 10), D(2027, 9, 10), D(2027, 9, 10), badge=True,
                  vest=D(2027, 6, 20))),
        (Step(D(2027, 3, 20), 0, "accredit", "api", 61, "list"),
         Step(D(2027, 3, 20), 1, "vet_apply", "page", 0, "NPPV2A"),
         Step(D(2027, 4, 2), 2, "leave", "page", 1),
         Step(D(2027, 4, 20), 2, "return", "api", 0, "ID_CARD"),
         Step(D(2027, 5, 2), 2, "return", "page+lost", 0, "CSAS_BADGE")),
        tuple(D(2027, m, d) for m, d in ((3, 15), (4, 5), (4, 12), (4, 20), (5, 1), (5, 9), (5, 10), (5, 11),
                                         (5, 25)))),
}


@pytest.mark.parametrize("name", list(PINNED))
async def test_pinned_timeline(app: Litestar, name: str) -> None:
    timeline = PINNED[name]
    sim = await replay(app, timeline)
    assert not sim.violations, (f"{len(sim.violations)} violation(s):\n" + "\n".join(sim.violations[:40])
                                + "\n" + timeline.describe() + "\nWhat was entered:\n" + "\n".join(sim.log))

"""Random timelines of one team for issue 16's property test (tests/scheduler/test_renewal_properties.py).

A `Timeline` is plain data: when the team's items expire, what is entered on which day and by which route
(the pages, the JSON API without any link field, the import endpoint), and on which days the sweep runs.
`replay` enters it day by day with the business clock patched to the day being simulated, runs the sweep on
its days and, right after each sweep, checks what the sweep sent against domain.md §8 and §8a, reading the
register as it stands at that moment (everything entered up to then). It returns the simulation, whose
`violations` are lines naming their invariant and day, so a failing example reads as a list of what went wrong
and when, and whose `log` says what each step entered (or why it was skipped). `Timeline.describe` prints a
timeline; `parse_timeline` reads the print back, to replay a failure on its own.

Invariants (1-5 as in the issue's brief, with lettered variants; 0 and 6-9 are extra):
  1  every item of every message sent on T is true on T (plan / compliance as of T, kit out, officer left), to
     the right recipient, linked to that day's message; a lapse notice names the day and the powers in words;
     every lapse event recorded is a real lapse;
  2  no item twice in a digest, no line twice in a digest body;
  3  at most one digest per recipient per day;
  4  a lapse some sweep in the 30 days before it saw coming (usable until the day before, and something ending
     that day with no renewal on record) was warned to the coordinators in that window; 4a at each sweep, a
     power within 30 days of becoming unusable whose binding item is not renewed has had its warning; 4b a
     lapse gets its lapse notice (officer, manager, coordinator) from the first sweep on or after it, within
     30 days, unless the officer has left by then;
  5  nothing about a leaver from the leaving day but kit recovery to the manager; 5b kit still out is
     reminded to the manager at least weekly;
  0  the plan agrees with §8a's table of what renews what (a renewal entered by any route counts; nothing is
     done without one);
  6  entering a renewal never makes "usable until" earlier;
  7  "usable until" is the end of the unbroken run: usable on each known break day up to it, not the day after;
  8  the forecast agrees with compliance;
  9  re-running a sweep day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

import httpx
from hypothesis import strategies as st

import core.http
from core.access import Role
from core.dates import add_months, add_years, long_date
from core.tables import User
from scheduler.outbox_tables import Notification
from scheduler.sweep import run_sweep
from scheduler.tables import LapseEvent, ReminderClaim
from tests.admin_ui.test_pages_common import post_form, sign_in
from tests.db import reset_database
from tests.factories import World, make_user

D = dt.date
DAY = dt.timedelta(days=1)
POWERS = ("FPN_LITTER", "NA_ASB")  # FPN_LITTER needs PENALTY_NOTICES (seeded prerequisite)
MODULES = ("CSAS_CORE", "PENALTY_NOTICES")
STOPPED = frozenset({"refused", "withdrawn", "discontinued", "upheld", "revoked", "terminated"})
GRANTED = frozenset({"granted", "overturned", "expired"})
ACCEPTED = frozenset({"NPPV2A", "NPPV2F", "NPPV3", "RV", "MV"})  # the default policy's accepted vetting levels
ALERT_DAYS = 30  # coordinators: within 30 days of becoming unusable (domain.md §8 default)
CATCH_UP_DAYS = 30  # a lapse further back than this from the sweep that finds it is not demanded (sweep: 31)

MANAGER_EMAIL = "team.manager@council.example"
COORDINATOR_EMAIL = "csas.coordinator@force.example"


# --- the timeline: plain data ------------------------------------------------------------------------

@dataclass(frozen=True)
class OfficerStart:
    accreditation_expires: dt.date
    vetting_expires: dt.date
    core_expires: dt.date
    penalty_expires: dt.date
    vest_inspection_due: dt.date | None  # a stab vest with an annual inspection, or none
    badge: bool
    setup_route: str  # "api" or "import": how the initial clearance, passes and card are entered


@dataclass(frozen=True)
class Step:
    """Something entered on `day` for officer number `officer` (0-based) by `route`.

    kind / offset / option:
      vet_apply    offset = days requested_on is before the day; option = level
      vet_event    option = in_progress | granted | refused | withdrawn (the officer's latest open application)
      vet_import   a granted clearance: requested offset+30 days before, granted offset days before
      book         offset = days from the day to starts_on; option = module
      attend       option = module: the open booking attended on the day, passed
      pass         offset = days completed_on is before the day; option = module
      fail         as pass, with the result "fail"
      cancel       option = module: the open booking cancelled on the day
      accredit     offset = days from the day to granted_on (negative: backdated); option = carry | list
      card         a new ID card, issued offset days before the day (never before the newest accreditation)
      inspect      the stab vest inspected on the day
      leave        offset = days left_on is before the day
      return       option = ID_CARD | CSAS_BADGE | STAB_VEST | old_card; offset = days before the day; lost if
                   route ends with "+lost"
    """

    day: dt.date
    officer: int
    kind: str
    route: str
    offset: int = 0
    option: str = ""

    def describe(self) -> str:
        extra = f" offset={self.offset}" if self.offset else ""
        extra += f" {self.option}" if self.option else ""
        return f"{self.day} officer{self.officer} {self.kind} via {self.route}{extra}"


@dataclass(frozen=True)
class Timeline:
    start: dt.date
    end: dt.date
    officers: tuple[OfficerStart, ...]
    steps: tuple[Step, ...]
    sweep_days: tuple[dt.date, ...]
    sweep_first: frozenset[dt.date] = frozenset()  # the sweep runs before that day's entries
    rerun: frozenset[dt.date] = frozenset()  # the sweep runs twice that day

    def describe(self) -> str:
        lines = [f"Timeline {self.start} .. {self.end}"]
        for n, o in enumerate(self.officers):
            lines.append(f"  officer{n}: accreditation expires {o.accreditation_expires}, vetting {o.vetting_expires}, "
                         f"CSAS_CORE {o.core_expires}, PENALTY_NOTICES {o.penalty_expires}, "
                         f"vest inspection {o.vest_inspection_due}, badge {o.badge}, setup via {o.setup_route}")
        lines += ["  steps:"] + [f"    {s.describe()}" for s in self.steps]
        lines.append("  sweeps: " + ", ".join(
            f"{d}{'(first)' if d in self.sweep_first else ''}{'(x2)' if d in self.rerun else ''}"
            for d in self.sweep_days))
        return "\n".join(lines)


def parse_timeline(text: str) -> Timeline:
    """The Timeline that Timeline.describe() printed (as hypothesis' note shows a failing example), so a failure
    can be replayed on its own: replay(app, parse_timeline('''...pasted...'''))."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    start, end = (D.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", lines[0]))
    officers, steps = [], []
    sweep_days, first, rerun = [], set(), set()
    for line in lines[1:]:
        if line.startswith("officer") and ": accreditation expires" in line:
            found = re.match(r"officer\d+: accreditation expires (\S+), vetting (\S+), CSAS_CORE (\S+), "
                             r"PENALTY_NOTICES (\S+), vest inspection (\S+), badge (\S+), setup via (\S+)", line)
            assert found, line
            a, v, c, p, vest, badge, route = found.groups()
            officers.append(OfficerStart(D.fromisoformat(a), D.fromisoformat(v), D.fromisoformat(c),
                                         D.fromisoformat(p), None if vest == "None" else D.fromisoformat(vest),
                                         badge == "True", route))
        elif line.startswith("sweeps:"):
            for item in line.removeprefix("sweeps:").split(","):
                item = item.strip()
                if not item:
                    continue
                day = D.fromisoformat(item[:10])
                sweep_days.append(day)
                if "(first)" in item:
                    first.add(day)
                if "(x2)" in item:
                    rerun.add(day)
        elif re.match(r"\d{4}-\d{2}-\d{2} officer\d+ ", line):
            found = re.match(r"(\S+) officer(\d+) (\S+) via (\S+)(?: offset=(-?\d+))?(?: (\S+))?$", line)
            assert found, line
            on, officer, kind, route, offset, option = found.groups()
            steps.append(Step(D.fromisoformat(on), int(officer), kind, route, int(offset or 0), option or ""))
    return Timeline(start, end, tuple(officers), tuple(steps), tuple(sweep_days), frozenset(first),
                    frozenset(rerun))


def _days(start: dt.date, day: dt.date) -> int:
    return (day - start).days


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    start = D(2027, 1, 4) + dt.timedelta(days=draw(st.integers(0, 60)))
    horizon = draw(st.integers(180, 420))
    end = start + dt.timedelta(days=horizon)
    count = draw(st.integers(2, 3))

    def on(offset: int) -> dt.date:
        return start + dt.timedelta(days=offset)

    def expiry() -> dt.date:
        day = on(draw(st.integers(12, horizon + 45)))
        return day.replace(day=min(day.day, 28))  # so "N months before" and back again is the same day

    def chance(percent: int) -> bool:
        return draw(st.integers(0, 99)) < percent

    def day_between(first: dt.date, last: dt.date) -> dt.date:
        first, last = max(first, start + DAY), min(last, end)
        if last < first:
            return end + DAY  # dropped below
        return first + dt.timedelta(days=draw(st.integers(0, (last - first).days)))

    officers: list[OfficerStart] = []
    steps: list[Step] = []
    for n in range(count):
        o = OfficerStart(
            accreditation_expires=expiry(), vetting_expires=expiry(), core_expires=expiry(),
            penalty_expires=expiry(), vest_inspection_due=expiry() if chance(40) else None, badge=chance(50),
            setup_route=draw(st.sampled_from(["api", "import"])),
        )
        officers.append(o)
        # Vetting: a new application (page or API, never linked), progressed; or an imported clearance.
        mode = draw(st.sampled_from(["none", "apply", "apply", "apply", "import"]))
        if mode == "apply":
            attempts = 2 if chance(25) else 1
            day = day_between(o.vetting_expires - dt.timedelta(days=240), o.vetting_expires + dt.timedelta(days=20))
            for attempt in range(attempts):
                steps.append(Step(day, n, "vet_apply", draw(st.sampled_from(["page", "api"])),
                                  draw(st.integers(0, 7)),
                                  draw(st.sampled_from(["NPPV2A", "NPPV2A", "NPPV2F", "NPPV1"]))))
                progress = day + dt.timedelta(days=draw(st.integers(0, 30)))
                steps.append(Step(progress, n, "vet_event", draw(st.sampled_from(["page", "api"])),
                                  option="in_progress"))
                outcome = draw(st.sampled_from(["withdrawn", "refused"])) if attempt < attempts - 1 else draw(
                    st.sampled_from(["pending", "granted", "granted", "withdrawn", "refused"]))
                if outcome != "pending":
                    decided = progress + dt.timedelta(days=draw(st.integers(1, 80)))
                    steps.append(Step(decided, n, "vet_event", draw(st.sampled_from(["page", "api"])),
                                      option=outcome))
                    day = decided + dt.timedelta(days=draw(st.integers(0, 30)))
        elif mode == "import":
            day = day_between(o.vetting_expires - dt.timedelta(days=200), o.vetting_expires + dt.timedelta(days=20))
            steps.append(Step(day, n, "vet_import", "import", draw(st.integers(0, 5)),
                              draw(st.sampled_from(["NPPV2A", "NPPV2F"]))))
        # Training: a booking (attended, or followed by a pass entered another way), or a pass.
        for module, expires in (("CSAS_CORE", o.core_expires), ("PENALTY_NOTICES", o.penalty_expires)):
            mode = draw(st.sampled_from(["none", "book", "book_attend", "book_pass", "book_cancel", "pass", "pass",
                                         "fail"]))
            if mode == "none":
                continue
            day = day_between(expires - dt.timedelta(days=150), expires + dt.timedelta(days=20))
            if mode == "fail":  # a failed attempt renews nothing
                steps.append(Step(day, n, "fail", draw(st.sampled_from(["page", "api", "import"])),
                                  draw(st.integers(0, 10)), module))
            elif mode.startswith("book"):
                starts = draw(st.integers(1, 150))
                steps.append(Step(day, n, "book", "api", starts, module))
                taken = day + dt.timedelta(days=starts + draw(st.integers(0, 3)))
                if mode == "book_cancel":  # the step is open again from the cancellation
                    steps.append(Step(day + dt.timedelta(days=draw(st.integers(0, starts))), n, "cancel", "api", 0,
                                      module))
                elif mode == "book_attend":
                    steps.append(Step(taken, n, "attend", "api", 0, module))
                elif mode == "book_pass":
                    steps.append(Step(taken, n, "pass", draw(st.sampled_from(["page", "api", "import"])),
                                      draw(st.integers(0, 2)), module))
            else:
                steps.append(Step(day, n, "pass", draw(st.sampled_from(["page", "api", "import"])),
                                  draw(st.integers(0, 10)), module))
        # Accreditation: a later one from the same force, maybe starting in the future; a new card; the old back.
        if chance(70):
            day = day_between(o.accreditation_expires - dt.timedelta(days=90),
                              o.accreditation_expires + dt.timedelta(days=15))
            starts = draw(st.integers(-10, 75))
            steps.append(Step(day, n, "accredit", draw(st.sampled_from(["page", "api"])), starts,
                              draw(st.sampled_from(["carry", "list"]))))
            if chance(85):
                card_day = max(day, day + dt.timedelta(days=starts)) + dt.timedelta(days=draw(st.integers(0, 5)))
                steps.append(Step(card_day, n, "card", draw(st.sampled_from(["page", "api", "import"])),
                                  draw(st.integers(0, 2))))
                if chance(40):
                    steps.append(Step(card_day + dt.timedelta(days=draw(st.integers(0, 20))), n, "return",
                                      draw(st.sampled_from(["page", "api"])), 0, "old_card"))
        if o.vest_inspection_due is not None and chance(50):
            steps.append(Step(day_between(o.vest_inspection_due - dt.timedelta(days=40),
                                          o.vest_inspection_due + dt.timedelta(days=10)),
                              n, "inspect", draw(st.sampled_from(["page", "api"]))))
    # One officer may leave, with kit still out; some of it comes back later.
    if chance(40):
        n = draw(st.integers(0, count - 1))
        left = on(draw(st.integers(10, horizon - 5)))
        steps = [s for s in steps if s.officer != n or s.day < left]
        steps.append(Step(left, n, "leave", draw(st.sampled_from(["page", "api"])), draw(st.integers(0, 3))))
        for kit_type in ("ID_CARD", "CSAS_BADGE", "STAB_VEST"):
            if chance(50):
                route = draw(st.sampled_from(["page", "api"])) + ("+lost" if chance(25) else "")
                steps.append(Step(left + dt.timedelta(days=draw(st.integers(1, 45))), n, "return", route,
                                  draw(st.integers(0, 2)), kit_type))
    steps = sorted((s for s in steps if start < s.day <= end), key=lambda s: s.day)

    # Sweeps: scattered days (long gaps, so catch-up happens) and a few runs of consecutive days near expiries.
    scattered = draw(st.lists(st.integers(0, horizon), min_size=4, max_size=16, unique=True))
    anchors = sorted({_days(start, d) for o in officers for d in (
        o.accreditation_expires, o.vetting_expires, o.core_expires, o.penalty_expires)})
    bursts = draw(st.lists(st.tuples(st.sampled_from(anchors), st.integers(-35, 3), st.integers(2, 6)),
                           max_size=3))
    offsets = set(scattered)
    for anchor, shift, length in bursts:
        offsets.update(range(anchor + shift, anchor + shift + length))
    sweep_days = tuple(sorted(on(d) for d in offsets if 0 <= d <= horizon))
    first = draw(st.sets(st.sampled_from(sweep_days), max_size=len(sweep_days) // 3)) if sweep_days else set()
    rerun = draw(st.sets(st.sampled_from(sweep_days), max_size=2)) if sweep_days else set()
    return Timeline(start, end, tuple(officers), tuple(steps), sweep_days, frozenset(first), frozenset(rerun))


# --- the register as this test knows it ---------------------------------------------------------------

@dataclass
class Person:
    index: int
    id: int
    staff_number: str
    email: str
    left_on: dt.date | None = None
    accreditations: list[dict[str, Any]] = field(default_factory=list)
    applications: list[dict[str, Any]] = field(default_factory=list)
    passes: list[dict[str, Any]] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)
    kit: list[dict[str, Any]] = field(default_factory=list)

    def left_by(self, day: dt.date) -> bool:
        return self.left_on is not None and self.left_on <= day

    def kit_out(self, day: dt.date) -> list[dict[str, Any]]:
        return [k for k in self.kit if k["issued_on"] <= day
                and (k["returned_on"] is None or k["returned_on"] > day)]

    def end_dates(self) -> set[dt.date]:
        """Every day on which something the powers depend on may stop holding: the candidate lapse days."""
        out: set[dt.date] = set()
        for a in self.accreditations:
            out.update(d for d in (a["expires_on"], a["ended_on"], a["withdrawn_on"]) if d)
        for a in self.applications:
            out.update(d for d in (a["expires_on"], a["closed_on"], a["next_review_due_on"]) if d)
        out.update(p["expires_on"] for p in self.passes if p["expires_on"])
        for k in self.kit:
            out.update(d for d in (k["expires_on"], k["returned_on"]) if d)
        return out


@dataclass
class Observation:
    """What a sweep day's checks saw, kept for the lapse checks of later sweeps (invariant 4)."""

    day: dt.date
    # (officer id, lapse day) -> whether the coordinators were due a warning about it: something ending that day
    # has no renewal on record (or, when the register holds nothing this test knows ending then, the binding item
    # named is not renewed); for each power seen usable that day
    warn_due: dict[tuple[int, dt.date], bool] = field(default_factory=dict)
    # (officer id, lapse day) -> what ends that day, and which of it has no renewal on record (that day)
    ending: dict[tuple[int, dt.date], tuple[list[str], list[str]]] = field(default_factory=dict)


class Sim:
    def __init__(self, timeline: Timeline, api: httpx.AsyncClient, pages: httpx.AsyncClient) -> None:
        self.timeline = timeline
        self.api = api
        self.pages = pages
        self.today = timeline.start
        self.world = World()
        self.people: list[Person] = []
        self.violations: list[str] = []
        self.log: list[str] = []
        self.observations: list[Observation] = []
        self.force_id = 0
        self.organisation_id = 0
        self.team_id = 0
        self.serial = 0
        self.swept: list[dt.date] = []
        self.lapses_checked: set[tuple[int, dt.date]] = set()
        self.events_checked: set[str] = set()
        self.power_titles: dict[str, str] = {}
        self.stats: Counter[str] = Counter()  # what the checks looked at, so a vacuous pass shows

    # --- plumbing --------------------------------------------------------------------------------------

    def business_today(self, timezone: str | None = None) -> dt.date:
        return self.today

    def fail(self, invariant: str, message: str) -> None:
        self.violations.append(f"[{invariant}] {self.today}: {message}")

    def auth(self, who: str) -> dict[str, str]:
        return self.world.auth(who)

    async def call(self, method: str, url: str, who: str = "admin", expect: int | tuple[int, ...] = (200, 201),
                   **kwargs: Any) -> Any:
        response = await self.api.request(method, url, headers=self.auth(who), **kwargs)
        allowed = (expect,) if isinstance(expect, int) else expect
        if response.status_code not in allowed:
            raise HarnessError(f"{method} {url} {kwargs.get('json') or kwargs.get('params') or ''} -> "
                               f"{response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    async def get(self, url: str, **params: Any) -> Any:
        return await self.call("GET", url, params=params or None)

    async def form(self, url: str, data: dict[str, Any]) -> httpx.Response:
        """A page's form, as a browser posts it (with confirm=yes); 303 on success."""
        response = await post_form(self.pages, url, {**data, "confirm": "yes"})
        if response.status_code != 303:
            errors = re.findall(r'govuk-error-summary__list.*?</ul>', response.text, re.S)
            raise HarnessError(f"POST {url} {data} -> {response.status_code} {errors[:1] or response.text[:300]}")
        return response

    async def upload(self, dataset: str, who: str, header: list[str], row: list[str]) -> None:
        content = (",".join(header) + "\n" + ",".join(row) + "\n").encode()
        response = await self.api.post(f"/api/imports/{dataset}", headers=self.auth(who),
                                       files={"file": (f"{dataset}.csv", io.BytesIO(content), "text/csv")})
        body = response.json()
        if response.status_code != 200 or body.get("created") != 1:
            raise HarnessError(f"import {dataset} {row} -> {response.status_code} {body}")

    def next_serial(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial:04d}"

    # --- the team --------------------------------------------------------------------------------------

    async def setup(self) -> None:
        world = self.world
        await make_user(world, "admin", Role.ADMIN)
        force = await self.call("POST", "/api/forces", json={"name": "Surrey Police", "code": "SURREY"})
        self.force_id = force["id"]
        org = await self.call("POST", "/api/organisations", json={
            "name": "Borough Council", "force_id": self.force_id, "kind": "council",
            "arrangement_approved_on": "2020-01-01", "arrangement_review_due_on": "2031-01-01"})
        self.organisation_id = org["id"]
        team = await self.call("POST", "/api/teams", json={"name": "Enforcement Team",
                                                          "organisation_id": self.organisation_id})
        self.team_id = team["id"]
        await make_user(world, "hr", Role.HR, organisation_id=self.organisation_id)
        await make_user(world, "vetting", Role.VETTING_OFFICER, force_id=self.force_id)
        await make_user(world, "coordinator", Role.CSAS_COORDINATOR, force_id=self.force_id)
        await make_user(world, "manager", Role.MANAGER, team_ids=[self.team_id])
        await User.update({User.email: MANAGER_EMAIL}).where(User.username == "manager")
        await User.update({User.email: COORDINATOR_EMAIL}).where(User.username == "coordinator")
        await sign_in(self.pages, "admin")
        self.power_titles = {p["code"]: p["title"] for p in (await self.get("/api/powers"))["items"]}
        for n, start in enumerate(self.timeline.officers):
            await self.setup_officer(n, start)

    async def setup_officer(self, n: int, start: OfficerStart) -> None:
        staff = f"T{n + 1:03d}"
        email = f"officer{n + 1}@council.example"
        officer = await self.call("POST", "/api/officers", "hr", json={
            "organisation_id": self.organisation_id, "team_id": self.team_id, "staff_number": staff,
            "given_name": "Officer", "family_name": f"Number{n + 1}", "email": email, "started_on": "2020-01-06"})
        person = Person(n, officer["id"], staff, email)
        self.people.append(person)
        oid = person.id
        granted = add_months(start.vetting_expires, -36)
        requested = granted - dt.timedelta(days=60)
        if start.setup_route == "import":
            await self.upload("vetting", "vetting", ["officer", "level", "requested_on", "granted_on"],
                              [staff, "NPPV2A", requested.isoformat(), granted.isoformat()])
        else:
            app = await self.call("POST", "/api/vetting/applications", "hr", json={
                "officer_id": oid, "level_code": "NPPV2A", "requested_on": requested.isoformat()})
            for status, on in (("submitted", requested), ("in_progress", requested), ("granted", granted)):
                body = {"status": status, "on": on.isoformat()}
                await self.call("POST", f"/api/vetting/applications/{app['id']}/events", "vetting", json=body)
        for module, expires in (("CSAS_CORE", start.core_expires), ("PENALTY_NOTICES", start.penalty_expires)):
            completed = add_months(expires, -36)
            if start.setup_route == "import":
                await self.upload("training", "hr", ["officer", "module", "completed_on", "result"],
                                  [staff, module, completed.isoformat(), "pass"])
            else:
                await self.call("POST", "/api/training/records", "hr", json={
                    "officer_id": oid, "module_code": module, "completed_on": completed.isoformat(),
                    "result": "pass", "provider": "Police CPI"})
        granted_on = add_years(start.accreditation_expires, -2)
        await self.call("POST", "/api/accreditations", "coordinator", json={
            "officer_id": oid, "force_id": self.force_id, "number": f"SUR-{n + 1:03d}",
            "granted_on": granted_on.isoformat(), "expires_on": start.accreditation_expires.isoformat(),
            "power_codes": list(POWERS)})
        await self.issue_kit(person, "ID_CARD", granted_on + DAY, start.setup_route)
        if start.badge:
            await self.issue_kit(person, "CSAS_BADGE", granted_on + DAY, "api")
        if start.vest_inspection_due is not None:
            await self.issue_kit(person, "STAB_VEST", add_months(start.vest_inspection_due, -12), "api")
        await self.resync(person)

    async def issue_kit(self, person: Person, kit_type: str, issued_on: dt.date, route: str) -> None:
        serial = self.next_serial(kit_type) if kit_type in ("ID_CARD", "STAB_VEST") else ""
        extra = {"size": "M", "manufactured_on": (issued_on - dt.timedelta(days=200)).isoformat()} \
            if kit_type == "STAB_VEST" else {}
        if route == "import":
            header = ["officer", "kit_type", "issued_on", "serial_number", *extra]
            await self.upload("kit", "hr", header,
                              [person.staff_number, kit_type, issued_on.isoformat(), serial, *extra.values()])
        elif route == "page":
            await self.form(f"/officers/{person.id}/kit/new", {
                "kit_type_code": kit_type, "issued_on": issued_on.isoformat(), "serial_number": serial,
                "size": extra.get("size", "")})
        else:
            await self.call("POST", "/api/kit/issues", "hr", json={
                "officer_id": person.id, "kit_type_code": kit_type, "issued_on": issued_on.isoformat(),
                **({"serial_number": serial} if serial else {}), **extra})

    async def resync(self, person: Person) -> None:
        """The officer's records as the API lists them (ids from page and import routes included)."""
        oid = person.id
        person.accreditations = [
            {"id": a["id"], "number": a["number"], "granted_on": D.fromisoformat(a["granted_on"]),
             "expires_on": D.fromisoformat(a["expires_on"]), "ended_on": _date(a["ended_on"]),
             "withdrawn_on": _date(a["withdrawn_on"])}
            for a in (await self.get("/api/accreditations", officer_id=oid, limit=500))["items"]]
        person.applications = [
            {"id": a["id"], "level": a["level_code"], "status": a["status"],
             "requested_on": D.fromisoformat(a["requested_on"]), "granted_on": _date(a["granted_on"]),
             "expires_on": _date(a["expires_on"]), "closed_on": _date(a["closed_on"]),
             "next_review_due_on": _date(a["next_review_due_on"])}
            for a in (await self.get("/api/vetting/applications", officer_id=oid, limit=500))["items"]]
        person.passes = [
            {"id": r["id"], "module": r["module_code"], "completed_on": D.fromisoformat(r["completed_on"]),
             "expires_on": _date(r["expires_on"])}
            for r in (await self.get("/api/training/records", officer_id=oid, limit=500))["items"]
            if r["result"] == "pass"]
        person.bookings = [
            {"id": b["id"], "module": b["module_code"], "starts_on": D.fromisoformat(b["starts_on"]),
             "status": b["status"]}
            for b in (await self.get("/api/training/bookings", officer_id=oid, limit=500))["items"]]
        person.kit = [
            {"id": k["id"], "type": k["kit_type_code"], "issued_on": D.fromisoformat(k["issued_on"]),
             "expires_on": _date(k["expires_on"]), "returned_on": _date(k["returned_on"]),
             "next_inspection_due_on": _date(k["next_inspection_due_on"])}
            for k in (await self.get("/api/kit/issues", officer_id=oid, limit=500))["items"]]
        officer = await self.get(f"/api/officers/{oid}")
        person.left_on = _date(officer.get("left_on"))

    # --- entering a step -------------------------------------------------------------------------------

    async def enter(self, step: Step) -> None:
        person = self.people[step.officer]
        if person.left_by(step.day) and step.kind != "return":
            self.log.append(f"{step.describe()}: skipped (left)")
            return
        renewal = step.kind in ("vet_apply", "vet_import", "book", "pass", "fail", "attend", "accredit", "card",
                                "inspect") \
            or (step.kind, step.option) == ("vet_event", "granted")
        before = await self.compliance(person.id, self.today) if renewal else None
        try:
            done = await getattr(self, f"_{step.kind}")(person, step)
        except HarnessError as exc:
            self.fail("harness", f"{step.describe()}: {exc}")
            return
        finally:
            await self.resync(person)
        self.log.append(f"{step.describe()}: {done}")
        if before is not None and done and not done.startswith("skipped"):
            await self.check_not_earlier(person, step, before)

    async def _vet_apply(self, person: Person, step: Step) -> str:
        current = self.current_clearance(person, self.today)
        requested = self.today - dt.timedelta(days=step.offset)
        if current is not None and requested <= current["granted_on"]:
            requested = min(self.today, current["granted_on"] + DAY)
        if any(a["status"] not in GRANTED | STOPPED for a in person.applications):
            return "skipped (an application is open)"
        if step.route == "page":
            response = await self.form(f"/officers/{person.id}/vetting/new",
                                       {"level_code": step.option, "requested_on": requested.isoformat()})
            app_id = int(response.headers["location"].split("/")[3].split("?")[0])
            await self.form(f"/vetting/applications/{app_id}/event",
                            {"status": "submitted", "on": requested.isoformat()})
        else:
            app = await self.call("POST", "/api/vetting/applications", "hr", json={
                "officer_id": person.id, "level_code": step.option, "requested_on": requested.isoformat()})
            app_id = app["id"]
            await self.call("POST", f"/api/vetting/applications/{app_id}/events", "vetting",
                            json={"status": "submitted", "on": requested.isoformat()})
        return f"application {app_id} {step.option} requested {requested}, submitted"

    async def _vet_event(self, person: Person, step: Step) -> str:
        open_apps = [a for a in person.applications if a["status"] not in GRANTED | STOPPED]
        if not open_apps:
            return "skipped (no open application)"
        app = max(open_apps, key=lambda a: a["id"])
        statuses = {"in_progress": ["in_progress"], "granted": ["in_progress", "granted"],
                    "refused": ["in_progress", "refused"], "withdrawn": ["withdrawn"]}[step.option]
        if app["status"] == "in_progress" and statuses[0] == "in_progress":
            statuses = statuses[1:]
        for status in statuses:
            body = {"status": status, "on": self.today.isoformat()}
            if step.route == "page":
                await self.form(f"/vetting/applications/{app['id']}/event", body)
            else:
                await self.call("POST", f"/api/vetting/applications/{app['id']}/events", "vetting", json=body)
        return f"application {app['id']} -> {', '.join(statuses) or 'unchanged'} on {self.today}"

    async def _vet_import(self, person: Person, step: Step) -> str:
        current = self.current_clearance(person, self.today)
        granted = self.today - dt.timedelta(days=step.offset)
        requested = granted - dt.timedelta(days=30)
        if current is not None and requested <= current["granted_on"]:
            return "skipped (would predate the current clearance)"
        await self.upload("vetting", "vetting", ["officer", "level", "requested_on", "granted_on"],
                          [person.staff_number, step.option, requested.isoformat(), granted.isoformat()])
        return f"imported {step.option} clearance requested {requested} granted {granted}"

    async def _book(self, person: Person, step: Step) -> str:
        if any(b["module"] == step.option and b["status"] == "booked" for b in person.bookings):
            return "skipped (already booked)"
        starts = self.today + dt.timedelta(days=step.offset)
        await self.call("POST", "/api/training/bookings", "hr", json={
            "officer_id": person.id, "module_code": step.option, "starts_on": starts.isoformat(),
            "provider": "Police CPI"})
        return f"booked {step.option} starting {starts}"

    async def _attend(self, person: Person, step: Step) -> str:
        booked = [b for b in person.bookings if b["module"] == step.option and b["status"] == "booked"
                  and b["starts_on"] <= self.today]
        if not booked:
            return "skipped (no booking started)"
        booking = booked[0]
        await self.call("POST", f"/api/training/bookings/{booking['id']}/attend", "hr", json={
            "attended_on": self.today.isoformat(), "result": "pass"})
        return f"attended booking {booking['id']} ({step.option}) and passed on {self.today}"

    async def _pass(self, person: Person, step: Step, result: str = "pass") -> str:
        completed = self.today - dt.timedelta(days=step.offset)
        latest = max((p["completed_on"] for p in person.passes if p["module"] == step.option), default=None)
        if latest is not None and completed <= latest:
            return "skipped (not newer than the last pass)"
        if step.route == "import":
            await self.upload("training", "hr", ["officer", "module", "completed_on", "result", "provider"],
                              [person.staff_number, step.option, completed.isoformat(), result, "Police CPI"])
        elif step.route == "page":
            await self.form(f"/officers/{person.id}/training/new", {
                "module_code": step.option, "completed_on": completed.isoformat(), "result": result,
                "provider": "Police CPI"})
        else:
            await self.call("POST", "/api/training/records", "hr", json={
                "officer_id": person.id, "module_code": step.option, "completed_on": completed.isoformat(),
                "result": result, "provider": "Police CPI"})
        return f"{'passed' if result == 'pass' else 'failed'} {step.option} on {completed}"

    async def _fail(self, person: Person, step: Step) -> str:
        return await self._pass(person, step, "fail")

    async def _cancel(self, person: Person, step: Step) -> str:
        booked = [b for b in person.bookings if b["module"] == step.option and b["status"] == "booked"]
        if not booked:
            return "skipped (no open booking)"
        await self.call("POST", f"/api/training/bookings/{booked[0]['id']}/cancel", "hr",
                        json={"on": self.today.isoformat(), "reason": "course full"})
        return f"booking {booked[0]['id']} ({step.option}) cancelled"

    async def _accredit(self, person: Person, step: Step) -> str:
        latest = max(person.accreditations, key=lambda a: a["granted_on"])
        if len(person.accreditations) > 1:
            return "skipped (already renewed)"
        granted = max(self.today + dt.timedelta(days=step.offset), latest["granted_on"] + DAY)
        expires = add_years(granted, 3)
        handover = granted < latest["expires_on"]
        powers = [] if step.option == "carry" and handover else list(POWERS)
        number = f"SUR-R{person.index + 1:03d}"
        if step.route == "page":
            await self.form(f"/officers/{person.id}/accreditations/new", {
                "number": number, "granted_on": granted.isoformat(), "expires_on": expires.isoformat(),
                "power_codes": powers, "conditions": ""})
        else:
            await self.call("POST", "/api/accreditations", "coordinator", json={
                "officer_id": person.id, "force_id": self.force_id, "number": number,
                "granted_on": granted.isoformat(), "expires_on": expires.isoformat(), "power_codes": powers})
        return f"accreditation {number} from {granted} to {expires} ({'carried' if not powers else 'listed'} powers)"

    async def _card(self, person: Person, step: Step) -> str:
        newest = max(person.accreditations, key=lambda a: a["granted_on"])
        issued = max(self.today - dt.timedelta(days=step.offset), newest["granted_on"])
        if issued > self.today:
            return "skipped (the new accreditation has not started)"
        await self.issue_kit(person, "ID_CARD", issued, step.route)
        return f"new ID card issued {issued}"

    async def _inspect(self, person: Person, step: Step) -> str:
        vests = [k for k in person.kit_out(self.today) if k["type"] == "STAB_VEST"]
        if not vests:
            return "skipped (no vest)"
        body = {"inspected_on": self.today.isoformat(), "condition": "serviceable"}
        if step.route == "page":
            await self.form(f"/kit/{vests[0]['id']}/inspect", body)
        else:
            await self.call("POST", f"/api/kit/issues/{vests[0]['id']}/inspections", "hr", json=body)
        return f"vest {vests[0]['id']} inspected"

    async def _leave(self, person: Person, step: Step) -> str:
        left = self.today - dt.timedelta(days=step.offset)
        if step.route == "page":
            await self.form(f"/officers/{person.id}/leave", {"left_on": left.isoformat()})
        else:
            await self.call("POST", f"/api/officers/{person.id}/leave", "hr", json={"left_on": left.isoformat()})
        return f"left on {left}, kit out: {[(k['id'], k['type']) for k in person.kit_out(self.today)]}"

    async def _return(self, person: Person, step: Step) -> str:
        out = sorted(person.kit_out(self.today), key=lambda k: k["id"])
        if step.option == "old_card":
            cards = [k for k in out if k["type"] == "ID_CARD"]
            items = cards[:1] if len(cards) > 1 else []
        else:
            items = [k for k in out if k["type"] == step.option][:1]
        if not items:
            return "skipped (nothing of that kind out)"
        item = items[0]
        returned = max(item["issued_on"], self.today - dt.timedelta(days=step.offset))
        condition = "lost" if step.route.endswith("+lost") else "serviceable"
        body = {"returned_on": returned.isoformat(), "condition": condition}
        if step.route.startswith("page"):
            await self.form(f"/kit/{item['id']}/return", body)
        else:
            await self.call("POST", f"/api/kit/issues/{item['id']}/return", "hr", json=body)
        return f"kit {item['id']} ({item['type']}) returned {returned} {condition}"

    # --- reading the register as it stands -------------------------------------------------------------

    async def compliance(self, officer_id: int, day: dt.date) -> dict[str, Any]:
        answer: dict[str, Any] = await self.get(f"/api/officers/{officer_id}/compliance", as_of=day.isoformat())
        return answer

    async def plan(self, officer_id: int, day: dt.date) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = (await self.get(f"/api/officers/{officer_id}/plan",
                                                      as_of=day.isoformat()))["steps"]
        return steps

    @staticmethod
    def current_clearance(person: Person, day: dt.date) -> dict[str, Any] | None:
        grants = [a for a in person.applications if a["granted_on"] is not None and a["granted_on"] <= day
                  and a["expires_on"] is not None and a["status"] in GRANTED and a["level"] in ACCEPTED]
        return max(grants, key=lambda a: a["expires_on"]) if grants else None

    # --- invariant 6: entering a renewal never makes "usable until" earlier ----------------------------

    async def check_not_earlier(self, person: Person, step: Step, before: dict[str, Any]) -> None:
        after = await self.compliance(person.id, self.today)
        now = {p["code"]: p for p in after["powers"]}
        for power in before["powers"]:
            if not power["usable"]:
                continue
            later = now.get(power["code"])
            if later is None or not later["usable"]:
                self.fail("6", f"officer {person.id} {power['code']}: usable until {power['usable_until']} before "
                               f"'{step.describe()}', not usable after it")
            elif power["usable_until"] and later["usable_until"] and later["usable_until"] < power["usable_until"]:
                self.fail("6", f"officer {person.id} {power['code']}: usable until {power['usable_until']} before "
                               f"'{step.describe()}', {later['usable_until']} after it")

    # --- the sweep and what is checked after it --------------------------------------------------------

    async def sweep(self, day: dt.date) -> None:
        await run_sweep(day)
        self.swept.append(day)
        await self.check_sweep(day)
        if day in self.timeline.rerun:
            claims, notes = await ReminderClaim.count(), await Notification.count()
            await run_sweep(day)
            if (await ReminderClaim.count(), await Notification.count()) != (claims, notes):
                self.fail("9", "re-running the sweep on the same day claimed or queued something new")

    async def check_sweep(self, day: dt.date) -> None:
        by_id = {p.id: p for p in self.people}
        plans: dict[int, list[dict[str, Any]]] = {}
        compliance: dict[int, dict[str, Any]] = {}
        for person in self.people:
            plans[person.id] = await self.plan(person.id, day)
            compliance[person.id] = await self.compliance(person.id, day)
        at_cache: dict[tuple[int, dt.date], dict[str, Any]] = {}

        async def compliance_on(officer_id: int, on: dt.date) -> dict[str, Any]:
            if (officer_id, on) not in at_cache:
                at_cache[(officer_id, on)] = await self.compliance(officer_id, on)
            return at_cache[(officer_id, on)]

        all_claims = await ReminderClaim.select()
        claims = [c for c in all_claims if c["due_on"] == day]
        notifications = await Notification.select().where(Notification.due_on == day)
        notes_by_id = {n["id"]: n for n in notifications}

        # 3: one digest per recipient per day.
        for email, count in Counter(n["recipient_email"] for n in notifications if n["kind"] == "digest").items():
            if count > 1:
                self.fail("3", f"{count} digests to {email}")
        # 2: each item once per digest; each line once per body.
        per_digest: dict[int | None, Counter[tuple[int, str]]] = defaultdict(Counter)
        for claim in claims:
            parsed = parse_key(claim["key"])
            if parsed is not None:
                per_digest[claim["notification_id"]][(parsed.officer_id, parsed.item)] += 1
        for notification_id, items in per_digest.items():
            twice = sorted(f"officer {o} {i} x{c}" for (o, i), c in items.items() if c > 1)
            if twice:
                body = notes_by_id.get(notification_id, {}).get("body", "")
                self.fail("2", f"digest {notification_id} names items more than once: {twice}\n{_indent(body)}")
        for n in notifications:
            lines = [line for line in n["body"].splitlines() if line.startswith("- ")]
            repeated = sorted(line for line, c in Counter(lines).items() if c > 1)
            if repeated:
                self.fail("2", f"digest {n['id']} to {n['recipient_email']} repeats lines: {repeated}")

        # 1 and 5: every claimed item true today; nothing about a leaver but recovery to the manager.
        for claim in claims:
            parsed = parse_key(claim["key"])
            self.stats[f"claim {parsed.trigger if parsed else '?'}"] += 1
            if parsed is None:
                self.fail("1", f"claim key not in the documented shape: {claim['key']}")
                continue
            if parsed.officer_id not in by_id:
                self.fail("1", f"claim about an unknown officer: {claim['key']}")
                continue
            person = by_id[parsed.officer_id]
            if claim["notification_id"] is None or claim["notification_id"] not in notes_by_id:
                self.fail("1", f"claim {claim['key']} is not linked to a message of today")
            expected_email = {"officer": person.email, "manager": MANAGER_EMAIL,
                              "coordinator": COORDINATOR_EMAIL}.get(parsed.audience)
            if parsed.email != expected_email:
                self.fail("1", f"claim {claim['key']} went to {parsed.email}, not the {parsed.audience}")
            what = f"{claim['key']}"
            if parsed.item.startswith("recovery:"):
                kit_id = int(parsed.item.split(":")[1])
                out = {k["id"] for k in person.kit_out(day)}
                if parsed.audience != "manager" or parsed.trigger != "recovery":
                    self.fail("5", f"kit recovery not to the manager as 'recovery': {what}")
                if not person.left_by(day):
                    self.fail("1", f"kit recovery for an officer who has not left: {what}")
                if kit_id not in out:
                    self.fail("1", f"kit recovery for an item not out on {day}: {what}")
                continue
            if person.left_by(day):
                self.fail("5", f"about officer {person.id}, who left on {person.left_on}: {what}")
                continue
            if parsed.item.startswith("powers:"):
                lapse_on = D.fromisoformat(parsed.item.split(":", 1)[1])
                usable = [p for p in compliance[person.id]["powers"]
                          if p["usable"] and p["usable_until"] == (lapse_on - DAY).isoformat()]
                if parsed.audience != "coordinator" or parsed.trigger != "power_warning":
                    self.fail("1", f"power warning not to the coordinator: {what}")
                if not 0 < (lapse_on - day).days <= ALERT_DAYS or not usable:
                    self.fail("1", f"power warning untrue on {day}: {what}; compliance says "
                                   f"{_powers(compliance[person.id])}")
                continue
            if parsed.item.startswith("lapse:"):
                lapse_on = D.fromisoformat(parsed.item.split(":", 1)[1])
                if parsed.trigger != "lapse" or lapse_on > day:
                    self.fail("1", f"lapse notice for a day after the sweep: {what}")
                    continue
                lapsed = await self.lapsed_powers(person, lapse_on, compliance_on)
                if not lapsed:
                    self.fail("1", f"lapse notice but no power lapsed on {lapse_on}: {what}; as of the day before "
                                   f"{_powers(await compliance_on(person.id, lapse_on - DAY))}, on the day "
                                   f"{_powers(await compliance_on(person.id, lapse_on))}")
                    continue
                # §8a: a lapse notice names what lapsed in words and the day it lapsed.
                body = notes_by_id.get(claim["notification_id"], {}).get("body", "")
                missing = [t for t in [long_date(lapse_on), *(self.power_titles[c] for c in lapsed)] if t not in body]
                if missing:
                    self.fail("1", f"lapse notice {what} does not say {missing}:\n{_indent(body)}")
                continue
            kind, code, expires = parsed.item.split(":", 2)
            steps = [s for s in plans[person.id] if (s["kind"], s["code"], s["expires_on"]) == (kind, code, expires)]
            wanted = {"overdue"} if parsed.trigger == "overdue" else {"open", "overdue"}
            if parsed.trigger not in ("step_open", "days_before", "overdue"):
                self.fail("1", f"unknown trigger: {what}")
            elif (parsed.trigger == "overdue") != (parsed.audience == "manager"):
                self.fail("1", f"step trigger to the wrong audience: {what}")
            if not steps or steps[0]["status"] not in wanted:
                self.fail("1", f"step reminder untrue on {day}: {what}; plan says "
                               f"{steps[0]['status'] if steps else 'no such step'}")

        # Lapse events recorded today are real lapses.
        for event in await LapseEvent.select():
            if event["key"] in self.events_checked:
                continue
            self.events_checked.add(event["key"])
            person = by_id[event["officer_id"]]
            if event["power_code"] not in await self.lapsed_powers(person, event["lapsed_on"], compliance_on):
                self.fail("1", f"lapse event {event['key']} but {event['power_code']} did not lapse then")

        # 0: the plan agrees with §8a's table.
        for person in self.people:
            if not person.left_by(day):
                self.check_plan(person, plans[person.id], day)

        # 4a: a power within 30 days of becoming unusable, its binding item not renewed: the coordinator knows.
        observation = Observation(day)
        claimed = {c["key"].rsplit("|", 1)[0] for c in all_claims}
        for person in self.people:
            if person.left_by(day):
                continue
            done = {(s["kind"], s["code"], s["expires_on"]) for s in plans[person.id] if s["status"] == "done"}
            for power in compliance[person.id]["powers"]:
                if not power["usable"] or not power["usable_until"]:
                    continue
                lapse_on = D.fromisoformat(power["usable_until"]) + DAY
                binding = power.get("binding") or {}
                renewed = (binding.get("kind"), binding.get("code"), binding.get("expires_on")) in done
                key = (person.id, lapse_on)
                ending, unrenewed = self.ending_on(person, lapse_on, day)
                observation.warn_due[key] = observation.warn_due.get(key, False) or (
                    bool(unrenewed) if ending else not renewed)
                observation.ending[key] = (ending, unrenewed)
                if 0 < (lapse_on - day).days <= ALERT_DAYS and not renewed:
                    self.stats["warning due"] += 1
                    prefix = f"{COORDINATOR_EMAIL}|coordinator|{person.id}|powers:{lapse_on}|power_warning"
                    if prefix not in claimed:
                        self.fail("4a", f"officer {person.id} {power['code']} usable until {power['usable_until']} "
                                        f"(binding {binding}), not renewed: no power warning to the coordinator")
        self.observations.append(observation)

        # 4 and 4b: each lapse since the previous sweep (within catch-up reach) got its notices and was warned.
        previous = self.swept[-2] if len(self.swept) > 1 else None
        first = max(day - dt.timedelta(days=CATCH_UP_DAYS), (previous + DAY) if previous else day)
        for person in self.people:
            for lapse_on in sorted(d for d in person.end_dates() if first <= d <= day):
                if person.left_by(lapse_on) or (person.id, lapse_on) in self.lapses_checked:
                    continue
                lapsed = await self.lapsed_powers(person, lapse_on, compliance_on)
                if not lapsed:
                    continue
                self.lapses_checked.add((person.id, lapse_on))
                self.stats["lapse found"] += 1
                for audience, email in (("officer", person.email), ("manager", MANAGER_EMAIL),
                                        ("coordinator", COORDINATOR_EMAIL)):
                    if person.left_by(day):
                        break  # left since: nothing about them any more but kit recovery (invariant 5)
                    prefix = f"{email}|{audience}|{person.id}|lapse:{lapse_on}|lapse"
                    if prefix not in claimed:
                        self.fail("4b", f"officer {person.id} {lapsed} lapsed on {lapse_on}: no lapse notice to the "
                                        f"{audience} by the sweep of {day}")
                foreseen = [o.day for o in self.observations
                            if lapse_on - dt.timedelta(days=ALERT_DAYS) <= o.day < lapse_on
                            and o.warn_due.get((person.id, lapse_on))]
                warned = [c for c in all_claims if c["key"].startswith(
                    f"{COORDINATOR_EMAIL}|coordinator|{person.id}|powers:{lapse_on}|power_warning")
                    and lapse_on - dt.timedelta(days=ALERT_DAYS) <= c["due_on"] < lapse_on]
                if foreseen and not warned:
                    seen = next(o for o in self.observations if o.day == foreseen[-1])
                    ending, unrenewed = seen.ending[(person.id, lapse_on)]
                    self.fail("4", f"officer {person.id} {lapsed} lapsed on {lapse_on}; the sweeps of "
                                     f"{[str(d) for d in foreseen]} saw it coming ({ending} ending; on {seen.day} "
                                     f"{unrenewed or 'the binding item'} not renewed) but no power warning went to "
                                     "the coordinator")

        # 5b: a leaver's kit still out is reminded to the manager at least weekly.
        for person in self.people:
            if not person.left_by(day):
                continue
            for item in person.kit_out(day):
                self.stats["recovery due"] += 1
                prefix = f"{MANAGER_EMAIL}|manager|{person.id}|recovery:{item['id']}|recovery|"
                recent = [c for c in all_claims if c["key"].startswith(prefix)
                          and c["due_on"] >= day - dt.timedelta(days=6)]
                if not recent:
                    self.fail("5b", f"officer {person.id} left on {person.left_on}; {item['type']} {item['id']} still "
                                    "out, but the manager has had no recovery reminder this week")

        # 7: usable until is the end of the unbroken run of usable days.
        for person in self.people:
            if person.left_by(day):
                continue
            for power in compliance[person.id]["powers"]:
                if not power["usable"] or not power["usable_until"]:
                    continue
                until = D.fromisoformat(power["usable_until"])
                breaks = sorted(d for d in person.end_dates() if day < d <= until)
                for on in breaks[:4]:
                    if not _usable(await compliance_on(person.id, on), power["code"]):
                        self.fail("7", f"officer {person.id} {power['code']} usable until {until} as of {day}, but "
                                       f"not usable on {on}: {_powers(await compliance_on(person.id, on))}")
                        break
                after = await compliance_on(person.id, until + DAY)
                if _usable(after, power["code"]):
                    self.fail("7", f"officer {person.id} {power['code']} usable until {until} as of {day}, yet "
                                   f"usable on {until + DAY} too: {_powers(after)}")

        # 8: the forecast says what compliance says.
        horizon = day + dt.timedelta(days=120)
        forecast = await self.get("/api/compliance/forecast", **{"from": day.isoformat(), "to": horizon.isoformat()})
        listed = {(i["officer_id"], i["code"], i["usable_until"]) for i in forecast["items"]
                  if i["usable_until"] < (horizon - 2 * DAY).isoformat()}
        judged = {(p.id, power["code"], power["usable_until"]) for p in self.people if not p.left_by(day)
                  for power in compliance[p.id]["powers"] if power["usable"] and power["usable_until"]
                  and power["usable_until"] < (horizon - 2 * DAY).isoformat()}
        if listed != judged:
            self.fail("8", f"forecast from {day} lists {sorted(listed - judged)} that compliance does not, and "
                           f"misses {sorted(judged - listed)}")

    async def lapsed_powers(self, person: Person, lapse_on: dt.date, compliance_on: Any) -> list[str]:
        """Powers usable the day before `lapse_on` and not on it, as the register now judges those days."""
        if person.left_by(lapse_on):
            return []
        before = await compliance_on(person.id, lapse_on - DAY)
        after = await compliance_on(person.id, lapse_on)
        usable_after = {p["code"] for p in after["powers"] if p["usable"]}
        return sorted(p["code"] for p in before["powers"] if p["usable"] and p["code"] not in usable_after)

    def ending_on(self, person: Person, day_of: dt.date, day: dt.date) -> tuple[list[str], list[str]]:
        """What the register holds for the officer on `day` that stops holding on `day_of`, and which of those
        have no renewal on record (§8a's table, the strict reading)."""
        ending: list[str] = []
        unrenewed: list[str] = []
        for a in person.accreditations:
            ended_early = a["ended_on"] is not None and a["ended_on"] < a["expires_on"]  # superseded or ended
            if a["expires_on"] == day_of and a["granted_on"] <= day and not ended_early:
                ending.append(f"accreditation {a['number']}")
                if not any(b["granted_on"] > a["granted_on"] for b in person.accreditations):
                    unrenewed.append(ending[-1])
        # An ID card ends nothing: held (issued, not returned or lost) is all §8 rule 6 asks, whatever its date.
        grant = self.current_clearance(person, day)
        if grant is not None and grant["expires_on"] == day_of:
            ending.append(f"clearance {grant['level']}")
            if not any(a["id"] != grant["id"] and a["requested_on"] > grant["granted_on"]
                       and a["status"] not in STOPPED for a in person.applications):
                unrenewed.append(ending[-1])
        for module in MODULES:
            passes = [p for p in person.passes if p["module"] == module and p["completed_on"] <= day]
            if not passes:
                continue
            base = max(passes, key=lambda p: p["completed_on"])
            if base["expires_on"] == day_of:
                ending.append(f"{module} pass")
                if not any(b["module"] == module and b["status"] == "booked"
                           and base["completed_on"] <= b["starts_on"] < day_of for b in person.bookings):
                    unrenewed.append(ending[-1])
        return ending, unrenewed

    def check_plan(self, person: Person, steps: list[dict[str, Any]], day: dt.date) -> None:
        """Invariant 0: a step is done exactly when §8a's table says a renewal is on record. `strict`: what
        certainly renews it (the step must be done); `lenient`: what may (otherwise it must not be done)."""
        for s in steps:
            expires = D.fromisoformat(s["expires_on"])
            strict: bool | None = None
            lenient: bool | None = None
            if s["kind"] == "vetting":
                cleared = [a for a in person.applications if a["status"] in GRANTED and a["expires_on"] == expires
                           and a["level"] == s["code"]]
                if not cleared:
                    continue
                grant = cleared[-1]
                later = [a for a in person.applications if a["id"] != grant["id"] and a["requested_on"] <= day
                         and a["level"] in ACCEPTED
                         and a["status"] not in STOPPED]
                strict = any(a["requested_on"] > grant["granted_on"] for a in later)
                lenient = any(a["requested_on"] >= grant["granted_on"] for a in later)
                renewal = "a later application at an accepted level, not stopped"
            elif s["kind"] == "training":
                counting = [p for p in person.passes if p["module"] == s["code"] and p["expires_on"] == expires
                            and p["completed_on"] <= day]
                if not counting:
                    continue
                base = max(counting, key=lambda p: p["completed_on"])
                booked = [b for b in person.bookings if b["module"] == s["code"] and b["status"] == "booked"]
                newer = any(p["module"] == s["code"] and p["completed_on"] > base["completed_on"]
                            and p["completed_on"] <= day for p in person.passes)
                strict = newer or any(base["completed_on"] <= b["starts_on"] < expires for b in booked)
                lenient = newer or any(b["starts_on"] < expires for b in booked)
                renewal = "a booking starting before the expiry, or a newer pass"
            elif s["kind"] == "accreditation":
                held = [a for a in person.accreditations if a["number"] == s["code"]]
                if not held:
                    continue
                strict = lenient = any(a["granted_on"] > held[0]["granted_on"] for a in person.accreditations)
                renewal = "a later accreditation from the force"
            elif s["kind"] == "kit" and s["code"] == "ID_CARD":
                cards = [k for k in person.kit if k["type"] == "ID_CARD" and k["expires_on"] == expires]
                if not cards:
                    continue
                strict = lenient = any(k["type"] == "ID_CARD" and k["id"] > cards[0]["id"]
                                       and k["issued_on"] <= day for k in person.kit)
                renewal = "a new ID card"
            else:
                continue
            self.stats[f"plan {s['kind']} {'renewed' if strict else 'not renewed'}"] += 1
            if strict and s["status"] != "done":
                self.fail("0", f"officer {person.id} step {s['kind']}:{s['code']}:{s['expires_on']} is "
                               f"{s['status']}, though {renewal} is on record")
            if s["status"] == "done" and not lenient:
                self.fail("0", f"officer {person.id} step {s['kind']}:{s['code']}:{s['expires_on']} is done, but "
                               f"no renewal ({renewal}) is on record")


class HarnessError(Exception):
    """An entry the timeline meant to be valid was refused: reported as a violation of its own."""


@dataclass(frozen=True)
class ClaimKey:
    email: str
    audience: str
    officer_id: int
    item: str
    trigger: str
    trigger_on: dt.date


def parse_key(key: str) -> ClaimKey | None:
    """'{recipient_email}|{audience}|{officer_id}|{item}|{trigger}|{trigger_on}'."""
    parts = key.split("|")
    if len(parts) != 6:
        return None
    try:
        return ClaimKey(parts[0], parts[1], int(parts[2]), parts[3], parts[4], D.fromisoformat(parts[5]))
    except ValueError:
        return None


def _date(value: str | None) -> dt.date | None:
    return D.fromisoformat(value) if value else None


def _usable(compliance: dict[str, Any], code: str) -> bool:
    return any(p["code"] == code and p["usable"] for p in compliance["powers"])


def _powers(compliance: dict[str, Any]) -> str:
    return "; ".join(
        f"{p['code']} usable until {p['usable_until']} (binding {(p.get('binding') or {}).get('kind')} "
        f"{(p.get('binding') or {}).get('code')} {(p.get('binding') or {}).get('expires_on')})" if p["usable"]
        else f"{p['code']} not usable ({'; '.join(b['message'] for b in p['blocked_by'])})"
        for p in compliance["powers"])


def _indent(text: str) -> str:
    return "\n".join(f"        {line}" for line in text.splitlines())


@asynccontextmanager
async def clients(app: Any) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api, \
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as pages:
        yield api, pages


async def replay(app: Any, timeline: Timeline) -> Sim:
    """Enters the timeline day by day with the business clock on that day; sweeps and checks on sweep days."""
    await reset_database()
    httpx_log = logging.getLogger("httpx")
    level = httpx_log.level
    httpx_log.setLevel(logging.WARNING)  # thousands of requests: keep a failure's captured log readable
    try:
        async with clients(app) as (api, pages):
            sim = Sim(timeline, api, pages)
            with patch.object(core.http, "business_today", sim.business_today):
                await sim.setup()
                by_day: dict[dt.date, list[Step]] = defaultdict(list)
                for step in timeline.steps:
                    by_day[step.day].append(step)
                sweeps = set(timeline.sweep_days)
                for day in sorted(set(by_day) | sweeps):
                    sim.today = day
                    if day in sweeps and day in timeline.sweep_first:
                        await sim.sweep(day)
                    for step in by_day.get(day, []):
                        await sim.enter(step)
                    if day in sweeps and day not in timeline.sweep_first:
                        await sim.sweep(day)
    finally:
        httpx_log.setLevel(level)
    return sim

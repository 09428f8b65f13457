"""The authorisation matrix (issue 9): who may call which route, on a record in and out of their scope.

CASES is the expectation table, one entry (or a few variants) per (method, route template) of the app. Each entry
says which roles may call the route at all and how it is scoped, and builds a minimal VALID request for a target
(an officer, organisation or force in or out of the caller's scope): a request that succeeds for an allowed caller,
so a 422 cannot hide a missing authorisation check.

The world (tests/factories.py) is built once per module with real records for five officers, snapshotted, and
restored before a test whenever the previous one changed anything (see Snapshot).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from piccolo.conf.apps import Finder
from piccolo.table import Table, sort_table_classes

from core.access import Role
from core.clock import business_today, now_utc
from core.db import get_engine, is_sqlite, write_transaction
from tests.admin_ui.test_pages_common import typed_dates
from tests.db import reset_database
from tests.factories import PASSWORD, SYSTEM, World, build_world, make_user

# --- who calls, and what is in or out of their scope ----------------------------------------------------------

ANON = "anonymous"
USERS = ("admin", "coord_a", "vet_a", "hr_a1", "mgr_a1a", "off_a1a1")
CALLERS = (*USERS, ANON)
ROLE = {"admin": Role.ADMIN, "coord_a": Role.CSAS_COORDINATOR, "vet_a": Role.VETTING_OFFICER, "hr_a1": Role.HR,
        "mgr_a1a": Role.MANAGER, "off_a1a1": Role.OFFICER}

# The officer every user may see, and for each user the nearest officer they may not (admin sees everyone).
IN_OFFICER = "A1a-1"
OUT_OFFICER = {"coord_a": "B1a-1", "vet_a": "B1a-1", "hr_a1": "A2a-1", "mgr_a1a": "A1b-1", "off_a1a1": "A1a-2"}
RECORD_OFFICERS = ("A1a-1", "A1a-2", "A1b-1", "A2a-1", "B1a-1")
# Organisations: A1 is every office role's own (the officer role sees none); the nearest one outside.
IN_ORG = "A1"
OUT_ORG = {"coord_a": "B1", "vet_a": "B1", "hr_a1": "A2", "mgr_a1a": "A2", "off_a1a1": "A2"}
IN_FORCE, OUT_FORCE = "A", "B"
VISIBLE_ORGS = {"admin": {"A1", "A2", "B1"}, "coord_a": {"A1", "A2"}, "vet_a": {"A1", "A2"}, "hr_a1": {"A1"},
                "mgr_a1a": {"A1"}, "off_a1a1": set()}
VISIBLE_TEAMS = {"admin": {"A1a", "A1b", "A2a", "B1a"}, "coord_a": {"A1a", "A1b", "A2a"},
                 "vet_a": {"A1a", "A1b", "A2a"}, "hr_a1": {"A1a", "A1b"}, "mgr_a1a": {"A1a"}, "off_a1a1": set()}
NOTE_READERS = {"admin", "vet_a"}
SPARE_USER = "spare_mgr"  # a user no cell calls as, for deactivation and reactivation
COORD_B = "coord_b"  # force B's coordinator: not a matrix caller, used by the every-force checks

# Role sets of the expectation table (domain.md §2, api.md; admin may do everything unless said otherwise).
EVERYONE = frozenset(USERS)
PUBLIC = frozenset(CALLERS)
ADMIN = frozenset({"admin"})
POLICY = frozenset({"admin", "coord_a"})  # reading the policy, the sweep, scheduler health
# Settings every force shares (the policy, vetting levels, training validity, prerequisites): the world serves two
# forces, so only admin may change them; coord_a (force A) and COORD_B (force B) are refused policy_spans_forces.
EVERY_FORCE = frozenset({"admin"})
GRANTORS = frozenset({"admin", "coord_a"})  # accreditations and powers
EMPLOYERS = frozenset({"admin", "coord_a", "hr_a1"})  # officers' employment records, teams
RECORDERS = frozenset({"admin", "coord_a", "hr_a1", "mgr_a1a"})  # training, kit, reports, ID cards
VETTING_REQUESTERS = frozenset({"admin", "hr_a1", "vet_a"})
VETTERS = frozenset({"admin", "vet_a"})
DECLARANTS = frozenset({"admin", "off_a1a1", "hr_a1", "vet_a"})
OFFICE = frozenset(USERS) - {"off_a1a1"}
ORGANISATION_WIDE = frozenset({"admin", "coord_a", "vet_a", "hr_a1"})  # whole employers (managers: their teams)
STATEMENT_TAKERS = frozenset({"admin", "coord_a", "vet_a", "off_a1a1"})  # signed statements of powers (issue 20)


def staff_number(officer: str) -> str:
    return officer.replace("-", "").upper()


def markers(officer: str) -> list[str]:
    """Text that only that officer's records carry: finding it in a response leaks the record."""
    staff = staff_number(officer)
    return [f"Officer{staff}", f"{staff.lower()}@council.example", f"COND-{officer}", f"CASENOTE-{officer}",
            f"PROV-{officer}", f"CERT-{officer}", f"SER-{officer}", f"BOOKPROV-{officer}", f"ACC-{officer}",
            f"FREF-{officer}"]


# --- the records the matrix acts on ---------------------------------------------------------------------------

@dataclass
class Ctx:
    world: World
    today: dt.date
    accreditations: dict[str, int] = field(default_factory=dict)
    applications: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    bookings: dict[str, int] = field(default_factory=dict)
    kit: dict[str, int] = field(default_factory=dict)
    declarations: dict[str, int] = field(default_factory=dict)
    feeds: dict[str, str] = field(default_factory=dict)  # user -> token of a feed they created
    feed_ids: dict[str, int] = field(default_factory=dict)  # user -> id of that feed
    policy: dict[str, Any] = field(default_factory=dict)
    prerequisites: list[dict[str, str]] = field(default_factory=list)
    card_token: str = ""  # the token of IN_OFFICER's ID card's QR code (issue 20)
    snapshot: Snapshot | None = None

    def day(self, offset: int = 0) -> str:
        return (self.today + dt.timedelta(days=offset)).isoformat()

    def officer(self, key: str) -> int:
        return self.world.officers[key]

    def user_id(self, user: str) -> int:
        user_id = self.world.principals[user].user_id
        assert user_id is not None
        return user_id

    def force_of(self, officer: str) -> int:
        return self.world.forces["B" if officer.startswith("B") else "A"]


async def build_ctx() -> Ctx:
    """The world, and for each of RECORD_OFFICERS an accreditation, a vetting application with a case note, a
    training record, a booking, a stab vest and a declaration; a calendar feed per user; one sweep's outbox."""
    from core.security import hash_token
    from register.accreditations import services as accreditations
    from register.kit import services as kit
    from scheduler import calendars
    from scheduler.policy_store import policy_document
    from scheduler.sweep import run_sweep
    from scheduler.tables import CalendarFeed
    from training import services as training
    from vetting import services as vetting

    await reset_database()
    ctx = Ctx(world=await build_world(), today=business_today())
    for key in RECORD_OFFICERS:
        officer_id = ctx.officer(key)
        ctx.accreditations[key] = (await accreditations.grant_accreditation(
            SYSTEM, officer_id=officer_id, force_id=ctx.force_of(key), number=f"ACC-{key}",
            granted_on=ctx.today - dt.timedelta(days=60), expires_on=ctx.today + dt.timedelta(days=150),
            power_codes=["FPN_LITTER", "NA_RELEVANT_OFFENCE"], conditions=f"COND-{key}", today=ctx.today))["id"]
        application = await vetting.create_application(
            SYSTEM, officer_id=officer_id, level_code="NPPV2A", requested_on=ctx.today - dt.timedelta(days=30),
            today=ctx.today)
        await vetting.record_event(SYSTEM, application["id"], status="submitted",
                                   on=ctx.today - dt.timedelta(days=20), note=f"CASENOTE-{key}", today=ctx.today)
        ctx.applications[key] = application["id"]
        await _compliant(ctx, key)
        ctx.records[key] = (await training.record_completion(
            SYSTEM, today=ctx.today, officer_id=officer_id, module_code="SAFEGUARDING",
            completed_on=ctx.today - dt.timedelta(days=100), result="pass", provider=f"PROV-{key}",
            certificate_ref=f"CERT-{key}"))["id"]
        ctx.bookings[key] = (await training.create_booking(
            SYSTEM, officer_id=officer_id, module_code="FIRST_AID", starts_on=ctx.today - dt.timedelta(days=2),
            today=ctx.today,
            provider=f"BOOKPROV-{key}"))["id"]
        ctx.kit[key] = (await kit.issue_kit(
            SYSTEM, officer_id=officer_id, kit_type_code="STAB_VEST", issued_on=ctx.today - dt.timedelta(days=90),
            serial_number=f"SER-{key}", size="M", manufactured_on=ctx.today - dt.timedelta(days=400)))["id"]
        ctx.declarations[key] = (await vetting.create_declaration(
            SYSTEM, officer_id=officer_id, kind="change_of_circumstances", made_on=ctx.today - dt.timedelta(days=5),
            categories=["address"], today=ctx.today))["id"]
    await make_user(ctx.world, SPARE_USER, Role.MANAGER, team_ids=[ctx.world.teams["A1a"]])
    await make_user(ctx.world, COORD_B, Role.CSAS_COORDINATOR, force_id=ctx.world.forces["B"])
    for user in USERS:
        feed = await calendars.create_feed(ctx.world.principals[user], "officer", ctx.officer(IN_OFFICER))
        ctx.feeds[user] = feed["token"]
        ctx.feed_ids[user] = (await CalendarFeed.select(CalendarFeed.id)
                              .where(CalendarFeed.token_hash == hash_token(feed["token"])).first())["id"]
    await run_sweep(ctx.today, dry_run=False, now=now_utc())
    ctx.policy = await policy_document()
    ctx.prerequisites = list(ctx.policy["power_prerequisites"])
    ctx.snapshot = await Snapshot.take()
    return ctx


async def _compliant(ctx: Ctx, key: str) -> None:
    """A granted clearance (with a force reference), the CSAS course and penalty-notice training passed, an ID card:
    the officer's powers are usable until the accreditation expires, so compliance, plans, the forecast and the
    renewals list all have something to show (and to leak)."""
    from register.kit import services as kit
    from training import services as training
    from vetting import services as vetting

    officer_id, day = ctx.officer(key), ctx.today
    cleared = await vetting.create_application(SYSTEM, officer_id=officer_id, level_code="NPPV2F",
                                               requested_on=day - dt.timedelta(days=200), today=day)
    for status, ago in (("submitted", 190), ("in_progress", 180), ("granted", 170)):
        await vetting.record_event(SYSTEM, cleared["id"], status=status, on=day - dt.timedelta(days=ago), today=day,
                                   force_reference=f"FREF-{key}" if status == "granted" else None)
    for module in ("CSAS_CORE", "PENALTY_NOTICES"):
        await training.record_completion(SYSTEM, today=day, officer_id=officer_id, module_code=module,
                                         completed_on=day - dt.timedelta(days=120), result="pass")
    await kit.issue_kit(SYSTEM, officer_id=officer_id, kit_type_code="ID_CARD", issued_on=day - dt.timedelta(days=50),
                        serial_number=f"ID-{key}")


# --- snapshot and restore: one world per module, pristine for every test --------------------------------------

def _tables() -> list[type[Table]]:
    return list(sort_table_classes(Finder().get_table_classes()))


# Derived data a read may store (the forecast's stored outlook, scheduler/outlook.py): not a write by the caller.
DERIVED = frozenset({"power_outlook"})


async def fingerprint() -> list[tuple[Any, ...]]:
    """Row count and highest id of every table (the audit log included): any insert or audited change shows."""
    parts = [f"SELECT '{t._meta.tablename}' AS t, COUNT(*) AS n, "
             f'COALESCE(MAX("{t._meta.primary_key._meta.db_column_name}"), 0) AS m FROM "{t._meta.tablename}"'
             for t in _tables() if t._meta.tablename not in DERIVED]
    rows = await get_engine().run_ddl(" UNION ALL ".join(parts))
    return sorted((r["t"], int(r["n"]), int(r["m"])) for r in rows)


SNAPSHOT_PREFIX = "authz_snapshot__"
# Tables database triggers write when other tables change (scheduler/outlook.py's fact versions and catalogue stamp).
TRIGGER_FED = ("officer_fact_version",)


def _quoted(name: str) -> str:
    return f'"{name}"'


@dataclass
class Snapshot:
    """Copies of every table, kept in the database itself (CREATE TABLE … AS SELECT), so a restore is a few
    statements run by the database on either engine. drop() removes the copies."""

    print: list[tuple[Any, ...]]

    @classmethod
    async def take(cls) -> Snapshot:
        engine = get_engine()
        for table in _tables():
            name = table._meta.tablename
            await engine.run_ddl(f"DROP TABLE IF EXISTS {_quoted(SNAPSHOT_PREFIX + name)}")
            await engine.run_ddl(f"CREATE TABLE {_quoted(SNAPSHOT_PREFIX + name)} AS SELECT * FROM {_quoted(name)}")
        return cls(print=await fingerprint())

    async def drop(self) -> None:
        for table in _tables():
            await get_engine().run_ddl(f"DROP TABLE IF EXISTS {_quoted(SNAPSHOT_PREFIX + table._meta.tablename)}")

    async def restore_if_changed(self) -> None:
        if await fingerprint() == self.print:
            return
        engine = get_engine()
        tables = _tables()
        async with write_transaction():
            for table in reversed(tables):
                await engine.run_ddl(f"DELETE FROM {_quoted(table._meta.tablename)}")
            for table in tables:
                name = table._meta.tablename
                if name not in TRIGGER_FED:
                    await engine.run_ddl(
                        f"INSERT INTO {_quoted(name)} SELECT * FROM {_quoted(SNAPSHOT_PREFIX + name)}")
            # Restoring the other tables fired their triggers into these: put them back as they were, last.
            for name in TRIGGER_FED:
                await engine.run_ddl(f"DELETE FROM {_quoted(name)}")
                await engine.run_ddl(f"INSERT INTO {_quoted(name)} SELECT * FROM {_quoted(SNAPSHOT_PREFIX + name)}")
        if not is_sqlite():
            for table in tables:
                pk = table._meta.primary_key._meta.db_column_name
                name = table._meta.tablename
                await engine.run_ddl(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{pk}'), "
                    f'COALESCE((SELECT MAX("{pk}") FROM "{name}"), 0) + 1, false) '
                    f"WHERE pg_get_serial_sequence('\"{name}\"', '{pk}') IS NOT NULL")
        assert await fingerprint() == self.print


# --- the expectation table ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    who: str  # the caller (a USERS key, or ANON)
    inside: bool  # a record in the caller's scope, or the nearest one outside it
    officer: str  # a key of World.officers
    org: str  # a key of World.orgs
    force: str  # a key of World.forces

    @property
    def team(self) -> str:
        """The target officer's team (a key of World.teams)."""
        return self.officer.split("-")[0]


@dataclass
class Req:
    path: str
    json: Any = None
    form: dict[str, Any] | None = None  # a page's form; confirm=yes is added
    files: dict[str, Any] | None = None


Build = Callable[[Ctx, Target], Req]
Prepare = Callable[[Ctx, Target], Awaitable[None]]

# How a route is scoped: "record" (acts on one officer's record, or an organisation/force given in the request),
# "list" (answers a list, filtered to the caller's scope: the out cell asks for the outside officer/organisation
# explicitly), "none" (not about a record: catalogues, policy, one's own session).
RECORD, LIST, NONE = "record", "list", "none"
# What leaks look like in a list: an officer's records, or the names of organisations, teams or forces.
OFFICER_LEAKS, ORG_LEAKS, TEAM_LEAKS, FORCE_LEAKS = "officer", "org", "team", "force"


@dataclass(frozen=True)
class Case:
    method: str
    template: str  # exactly as Litestar lists the route
    allowed: frozenset[str]
    scope: str
    build: Build
    variant: str = ""
    ok: tuple[int, ...] = ()  # statuses an allowed caller gets; default 2xx for the API, 200/303 for pages
    out_ok: tuple[int, ...] = (403, 404)
    target: str = "officer"  # what the in/out cells vary: officer, org or force (documents the build)
    leaks: str = OFFICER_LEAKS
    prepare: Prepare | None = None
    anonymous_ok: bool = False  # the route answers without a session (sign-in, calendar feeds)
    writes: bool | None = None  # an allowed call changes the database (default: every method but GET)

    @property
    def page(self) -> bool:
        return not self.template.startswith("/api/")

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.template

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}" + (f" [{self.variant}]" if self.variant else "")

    def must_write(self) -> bool:
        return self.writes if self.writes is not None else self.method != "GET"

    def expected_ok(self) -> tuple[int, ...]:
        if self.ok:
            return self.ok
        if not self.page:
            return (200, 201, 204)
        return (200,) if self.method == "GET" else (303,)


def api(method: str, template: str, allowed: frozenset[str], scope: str, build: Build, **kw: Any) -> Case:
    return Case(method, template, allowed, scope, build, **kw)


def page_pair(template: str, readers: frozenset[str], writers: frozenset[str], build_get: Build,
              build_post: Build, scope: str = RECORD, **kw: Any) -> list[Case]:
    """A form page: GET shows the form to whoever may see the record (scoped), POST acts (role and scope)."""
    return [Case("GET", template, readers, scope, build_get),
            Case("POST", template, writers, scope, build_post, **kw)]


def _officer_path(fmt: str) -> Build:
    return lambda c, t: Req(fmt.format(id=c.officer(t.officer)))


def _acc_path(fmt: str) -> Build:
    return lambda c, t: Req(fmt.format(id=c.accreditations[t.officer]))


async def _suspend(c: Ctx, t: Target) -> None:
    from register.accreditations import services as accreditations

    await accreditations.suspend_accreditation(SYSTEM, c.accreditations[t.officer], c.today - dt.timedelta(days=1),
                                               "matrix", c.today)


async def _print_card(c: Ctx, t: Target) -> None:
    """IN_OFFICER's ID card printed: its QR code's token exists (made at the first print, as a card.pdf makes it)."""
    from register.kit import cards

    printed = await cards.card_token(SYSTEM, c.officer(IN_OFFICER), "ID_CARD")
    assert printed is not None
    c.card_token = printed[1]


async def _print_card_with_photo(c: Ctx, t: Target) -> None:
    from register.officers import photos
    from tests.register.officers.photo_files import jpeg

    await _print_card(c, t)
    await photos.set_photo(SYSTEM, c.officer(IN_OFFICER), jpeg())


async def _deactivate_manager(c: Ctx, t: Target) -> None:
    from core.services import set_user_active

    await set_user_active(SYSTEM, c.user_id(SPARE_USER), active=False)


def _csv(rows: list[dict[str, str]]) -> bytes:
    head = list(rows[0])
    lines = [",".join(head)] + [",".join(r[h] for h in head) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _import(dataset: str, rows: Callable[[Ctx, Target], list[dict[str, str]]]) -> Build:
    return lambda c, t: Req(f"/api/imports/{dataset}",
                            files={"file": (f"{dataset}.csv", _csv(rows(c, t)), "text/csv")})


ORG_NAME = {"A1": "Council A1", "A2": "Council A2", "B1": "Council B1"}


def _photo_file() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (350, 450), (90, 110, 130)).save(out, "JPEG")
    return out.getvalue()


async def _photo(c: Ctx, t: Target) -> None:
    """The target officer has a photo to read or remove."""
    from register.officers import photos

    await photos.set_photo(SYSTEM, c.officer(t.officer), _photo_file())


def _photo_confirmation(c: Ctx, t: Target) -> dict[str, Any]:
    """The photo page's confirmation as the check page hands it to the caller (stamped for them)."""
    import base64

    from admin_ui.pages_photo import preview_stamp
    from register.officers.photos import prepare_photo

    jpeg = prepare_photo(_photo_file()).jpeg
    issued = int(now_utc().timestamp())
    principal = c.world.principals.get(t.who, SYSTEM)
    return {"content": base64.b64encode(jpeg).decode(), "issued": str(issued),
            "stamp": preview_stamp(principal, c.officer(t.officer), issued, jpeg)}

CASES: list[Case] = [
    # --- sign-in, session, tokens, users ---
    api("POST", "/api/auth/login", PUBLIC, NONE, anonymous_ok=True,
        build=lambda c, t: Req("/api/auth/login", json={"username": "off_a1a1", "password": PASSWORD})),
    api("POST", "/api/auth/logout", PUBLIC, NONE, anonymous_ok=True, writes=False,
        build=lambda c, t: Req("/api/auth/logout")),
    api("GET", "/api/auth/me", EVERYONE, NONE, build=lambda c, t: Req("/api/auth/me")),
    api("POST", "/api/auth/tokens", ADMIN, NONE,
        build=lambda c, t: Req("/api/auth/tokens", json={"username": "off_a1a1", "name": "matrix"})),
    api("POST", "/api/users", ADMIN, NONE, build=lambda c, t: Req("/api/users", json={
        "username": "matrix_hr", "password": PASSWORD, "email": "matrix.hr@example.org", "role": "hr",
        "organisation_id": c.world.orgs["A1"]})),
    api("GET", "/api/users", ADMIN, NONE, build=lambda c, t: Req("/api/users")),
    api("POST", "/api/auth/password", EVERYONE, NONE, build=lambda c, t: Req("/api/auth/password", json={
        "current_password": PASSWORD, "new_password": "a matrix passphrase"})),
    api("POST", "/api/users/{user_id:int}/deactivate", ADMIN, NONE,
        build=lambda c, t: Req(f"/api/users/{c.user_id(SPARE_USER)}/deactivate")),
    api("POST", "/api/users/{user_id:int}/reactivate", ADMIN, NONE, prepare=_deactivate_manager,
        build=lambda c, t: Req(f"/api/users/{c.user_id(SPARE_USER)}/reactivate")),
    # --- catalogues ---
    api("GET", "/api/powers", EVERYONE, NONE, build=lambda c, t: Req("/api/powers")),
    api("GET", "/api/kit/types", EVERYONE, NONE, build=lambda c, t: Req("/api/kit/types")),
    api("GET", "/api/training/modules", EVERYONE, NONE, build=lambda c, t: Req("/api/training/modules")),
    api("PATCH", "/api/training/modules/{code:str}", EVERY_FORCE, NONE,
        build=lambda c, t: Req("/api/training/modules/FIRST_AID", json={"validity_months": 24})),
    api("GET", "/api/training/prerequisites", EVERYONE, NONE, build=lambda c, t: Req("/api/training/prerequisites")),
    api("PUT", "/api/training/prerequisites", EVERY_FORCE, NONE,
        build=lambda c, t: Req("/api/training/prerequisites", json={"items": c.prerequisites[1:]})),
    api("GET", "/api/vetting/levels", EVERYONE, NONE, build=lambda c, t: Req("/api/vetting/levels")),
    api("PATCH", "/api/vetting/levels/{code:str}", EVERY_FORCE, NONE,
        build=lambda c, t: Req("/api/vetting/levels/NPPV2A", json={"renewal_months": 48})),
    # --- policy, sweep, scheduler, outbox ---
    api("GET", "/api/policy", POLICY, NONE, build=lambda c, t: Req("/api/policy")),
    api("PUT", "/api/policy", EVERY_FORCE, NONE, build=lambda c, t: Req("/api/policy", json={"warning_days": 91})),
    api("POST", "/api/policy/preview", EVERY_FORCE, NONE, writes=False,
        build=lambda c, t: Req("/api/policy/preview", json={"lead_times": {"vetting": 200}})),
    api("POST", "/api/sweep", POLICY, NONE, writes=False, build=lambda c, t: Req("/api/sweep", json={"dry_run": True})),
    api("GET", "/api/scheduler/health", POLICY, NONE, build=lambda c, t: Req("/api/scheduler/health")),
    api("GET", "/api/notifications", EVERYONE, LIST,
        build=lambda c, t: Req("/api/notifications" + ("" if t.inside else f"?officer_id={c.officer(t.officer)}"))),
    # --- capacity planning: whole employers read it; a force's coordinator (or admin) keeps its settings ---
    api("GET", "/api/planning/capacity", ORGANISATION_WIDE, LIST, build=lambda c, t: Req(
        "/api/planning/capacity?months=24&starts=true" + (
            "" if t.inside else f"&organisation_id={c.world.orgs[t.org]}"))),
    api("GET", "/api/planning/capacity-settings", POLICY, RECORD, target="force",
        build=lambda c, t: Req(f"/api/planning/capacity-settings?force_id={c.world.forces[t.force]}")),
    api("PUT", "/api/planning/capacity-settings", POLICY, RECORD, target="force",
        build=lambda c, t: Req("/api/planning/capacity-settings",
                               json={"force_id": c.world.forces[t.force], "vetting_per_month": 3})),
    # --- forces, organisations, teams ---
    api("POST", "/api/forces", ADMIN, NONE,
        build=lambda c, t: Req("/api/forces", json={"name": "Force Matrix", "code": "FM"})),
    api("GET", "/api/forces", EVERYONE, LIST, leaks=FORCE_LEAKS, build=lambda c, t: Req("/api/forces")),
    api("POST", "/api/organisations", GRANTORS, RECORD, target="force",
        build=lambda c, t: Req("/api/organisations", json={
            "name": "Matrix Housing", "force_id": c.world.forces[t.force], "kind": "housing_trust",
            "arrangement_approved_on": c.day(-30), "arrangement_review_due_on": c.day(700)})),
    api("GET", "/api/organisations", EVERYONE, LIST, leaks=ORG_LEAKS,
        build=lambda c, t: Req("/api/organisations" + (
            "" if t.inside else f"?force_id={c.world.forces['B' if t.org == 'B1' else 'A']}"))),
    api("GET", "/api/organisations/{organisation_id:int}", OFFICE, RECORD, target="org", leaks=ORG_LEAKS,
        build=lambda c, t: Req(f"/api/organisations/{c.world.orgs[t.org]}")),
    api("POST", "/api/teams", EMPLOYERS, RECORD, target="org",
        build=lambda c, t: Req("/api/teams", json={"name": "Team Matrix", "organisation_id": c.world.orgs[t.org]})),
    api("GET", "/api/teams", EVERYONE, LIST, leaks=TEAM_LEAKS,
        build=lambda c, t: Req("/api/teams" + ("" if t.inside else f"?organisation_id={c.world.orgs[t.org]}"))),
    # --- officers ---
    api("POST", "/api/officers", EMPLOYERS, RECORD, target="org",
        build=lambda c, t: Req("/api/officers", json={
            "organisation_id": c.world.orgs[t.org], "staff_number": "MATRIX1", "given_name": "Sam",
            "family_name": "Matrix", "email": "sam.matrix@example.org", "started_on": c.day(-10)})),
    api("GET", "/api/officers", EVERYONE, LIST,
        build=lambda c, t: Req("/api/officers?limit=500" + (
            "" if t.inside else f"&q=Officer{staff_number(t.officer)}"))),
    api("GET", "/api/officers/{officer_id:int}", EVERYONE, RECORD, build=_officer_path("/api/officers/{id}")),
    api("PATCH", "/api/officers/{officer_id:int}", EMPLOYERS, RECORD,
        build=lambda c, t: Req(f"/api/officers/{c.officer(t.officer)}", json={"given_name": "Changed"})),
    api("POST", "/api/officers/{officer_id:int}/leave", EMPLOYERS, RECORD,
        build=lambda c, t: Req(f"/api/officers/{c.officer(t.officer)}/leave", json={"left_on": c.day()})),
    api("GET", "/api/officers/{officer_id:int}/record", EVERYONE, RECORD,
        build=_officer_path("/api/officers/{id}/record")),
    api("GET", "/api/officers/{officer_id:int}/compliance", EVERYONE, RECORD,
        build=_officer_path("/api/officers/{id}/compliance")),
    api("GET", "/api/officers/{officer_id:int}/plan", EVERYONE, RECORD,
        build=_officer_path("/api/officers/{id}/plan")),
    api("GET", "/api/officers/{officer_id:int}/record.pdf", EVERYONE, RECORD,
        build=_officer_path("/api/officers/{id}/record.pdf")),
    api("GET", "/api/officers/{officer_id:int}/card.pdf", RECORDERS, RECORD,
        build=_officer_path("/api/officers/{id}/card.pdf")),
    # The officer's photo: seen with the officer, changed as the employment record is.
    api("PUT", "/api/officers/{officer_id:int}/photo", EMPLOYERS, RECORD,
        build=lambda c, t: Req(f"/api/officers/{c.officer(t.officer)}/photo",
                               files={"file": ("photo.jpg", _photo_file(), "image/jpeg")})),
    api("GET", "/api/officers/{officer_id:int}/photo.jpg", EVERYONE, RECORD, prepare=_photo,
        build=_officer_path("/api/officers/{id}/photo.jpg")),
    api("DELETE", "/api/officers/{officer_id:int}/photo", EMPLOYERS, RECORD, prepare=_photo,
        build=_officer_path("/api/officers/{id}/photo")),
    # Each statement issued is audited: a GET that writes, and must write only for those who may have one.
    api("GET", "/api/officers/{officer_id:int}/statement.pdf", STATEMENT_TAKERS, RECORD, writes=True,
        build=lambda c, t: Req(f"/api/officers/{c.officer(t.officer)}/statement.pdf?at={c.day(-1)}T12:00")),
    # --- accreditations ---
    api("POST", "/api/accreditations", GRANTORS, RECORD,
        build=lambda c, t: Req("/api/accreditations", json={
            "officer_id": c.officer(t.officer), "force_id": c.force_of(t.officer), "number": "ACC-NEW",
            "granted_on": c.day(), "expires_on": c.day(730), "power_codes": ["NA_ASB"]})),
    # An officer in scope, accredited by a force outside it.
    api("POST", "/api/accreditations", GRANTORS, RECORD, variant="granting force", target="force",
        build=lambda c, t: Req("/api/accreditations", json={
            "officer_id": c.officer(IN_OFFICER), "force_id": c.world.forces[t.force], "number": "ACC-NEW",
            "granted_on": c.day(), "expires_on": c.day(730), "power_codes": ["NA_ASB"]})),
    api("GET", "/api/accreditations", EVERYONE, LIST,
        build=lambda c, t: Req("/api/accreditations" + ("" if t.inside else f"?officer_id={c.officer(t.officer)}"))),
    api("GET", "/api/accreditations/{accreditation_id:int}", EVERYONE, RECORD,
        build=_acc_path("/api/accreditations/{id}")),
    api("POST", "/api/accreditations/{accreditation_id:int}/suspend", GRANTORS, RECORD,
        build=lambda c, t: Req(f"/api/accreditations/{c.accreditations[t.officer]}/suspend",
                               json={"on": c.day(), "reason": "matrix"})),
    api("POST", "/api/accreditations/{accreditation_id:int}/reinstate", GRANTORS, RECORD, prepare=_suspend,
        build=lambda c, t: Req(f"/api/accreditations/{c.accreditations[t.officer]}/reinstate",
                               json={"on": c.day(), "reason": "matrix"})),
    api("POST", "/api/accreditations/{accreditation_id:int}/withdraw", GRANTORS, RECORD,
        build=lambda c, t: Req(f"/api/accreditations/{c.accreditations[t.officer]}/withdraw",
                               json={"on": c.day(), "reason": "matrix"})),
    api("POST", "/api/accreditations/{accreditation_id:int}/powers", GRANTORS, RECORD,
        build=lambda c, t: Req(f"/api/accreditations/{c.accreditations[t.officer]}/powers",
                               json={"code": "NA_ASB", "granted_on": c.day()})),
    api("POST", "/api/accreditations/{accreditation_id:int}/powers/{code:str}/withdraw", GRANTORS, RECORD,
        build=lambda c, t: Req(f"/api/accreditations/{c.accreditations[t.officer]}/powers/FPN_LITTER/withdraw",
                               json={"on": c.day(), "reason": "matrix"})),
    # --- kit ---
    api("POST", "/api/kit/issues", RECORDERS, RECORD,
        build=lambda c, t: Req("/api/kit/issues", json={
            "officer_id": c.officer(t.officer), "kit_type_code": "HI_VIS_JACKET", "issued_on": c.day(), "size": "L"})),
    api("GET", "/api/kit/issues", EVERYONE, LIST,
        build=lambda c, t: Req("/api/kit/issues" + ("" if t.inside else f"?officer_id={c.officer(t.officer)}"))),
    api("GET", "/api/kit/issues/{issue_id:int}", EVERYONE, RECORD,
        build=lambda c, t: Req(f"/api/kit/issues/{c.kit[t.officer]}")),
    api("POST", "/api/kit/issues/{issue_id:int}/return", RECORDERS, RECORD,
        build=lambda c, t: Req(f"/api/kit/issues/{c.kit[t.officer]}/return",
                               json={"returned_on": c.day(), "condition": "serviceable"})),
    api("POST", "/api/kit/issues/{issue_id:int}/inspections", RECORDERS, RECORD,
        build=lambda c, t: Req(f"/api/kit/issues/{c.kit[t.officer]}/inspections",
                               json={"inspected_on": c.day(), "condition": "serviceable"})),
    # --- training ---
    api("POST", "/api/training/records", RECORDERS, RECORD,
        build=lambda c, t: Req("/api/training/records", json={
            "officer_id": c.officer(t.officer), "module_code": "PREVENT", "completed_on": c.day(-1),
            "result": "pass"})),
    api("GET", "/api/training/records", EVERYONE, LIST,
        build=lambda c, t: Req("/api/training/records" + ("" if t.inside else f"?officer_id={c.officer(t.officer)}"))),
    api("POST", "/api/training/bookings", RECORDERS, RECORD,
        build=lambda c, t: Req("/api/training/bookings", json={
            "officer_id": c.officer(t.officer), "module_code": "PREVENT", "starts_on": c.day(30)})),
    api("GET", "/api/training/bookings", EVERYONE, LIST,
        build=lambda c, t: Req("/api/training/bookings" + ("" if t.inside else f"?officer_id={c.officer(t.officer)}"))),
    api("GET", "/api/training/bookings/{booking_id:int}", EVERYONE, RECORD,
        build=lambda c, t: Req(f"/api/training/bookings/{c.bookings[t.officer]}")),
    api("POST", "/api/training/bookings/{booking_id:int}/attend", RECORDERS, RECORD,
        build=lambda c, t: Req(f"/api/training/bookings/{c.bookings[t.officer]}/attend",
                               json={"attended_on": c.day(-1), "result": "pass"})),
    api("POST", "/api/training/bookings/{booking_id:int}/cancel", RECORDERS, RECORD,
        build=lambda c, t: Req(f"/api/training/bookings/{c.bookings[t.officer]}/cancel",
                               json={"on": c.day(), "reason": "matrix"})),
    api("POST", "/api/training/bookings/{booking_id:int}/no-show", RECORDERS, RECORD,
        build=lambda c, t: Req(f"/api/training/bookings/{c.bookings[t.officer]}/no-show", json={"on": c.day()})),
    api("GET", "/api/training/matrix", OFFICE, LIST,
        build=lambda c, t: Req(f"/api/training/matrix?team_id={c.world.teams[t.officer.split('-')[0]]}"),
        out_ok=(200, 403, 404)),
    # --- vetting ---
    api("POST", "/api/vetting/applications", VETTING_REQUESTERS, RECORD,
        build=lambda c, t: Req("/api/vetting/applications", json={
            "officer_id": c.officer(t.officer), "level_code": "NPPV3", "requested_on": c.day()})),
    api("GET", "/api/vetting/applications", EVERYONE, LIST,
        build=lambda c, t: Req("/api/vetting/applications" + (
            "" if t.inside else f"?officer_id={c.officer(t.officer)}"))),
    api("GET", "/api/vetting/applications/{application_id:int}", EVERYONE, RECORD,
        build=lambda c, t: Req(f"/api/vetting/applications/{c.applications[t.officer]}")),
    api("POST", "/api/vetting/applications/{application_id:int}/events", VETTERS, RECORD,
        build=lambda c, t: Req(f"/api/vetting/applications/{c.applications[t.officer]}/events",
                               json={"status": "in_progress", "on": c.day()})),
    api("GET", "/api/vetting/queue", VETTERS, LIST,
        build=lambda c, t: Req("/api/vetting/queue" + (
            "" if t.inside else f"?organisation_id={c.world.orgs[t.officer[:2]]}"))),
    api("POST", "/api/vetting/declarations", DECLARANTS, RECORD,
        build=lambda c, t: Req("/api/vetting/declarations", json={
            "officer_id": c.officer(t.officer), "kind": "change_of_circumstances", "made_on": c.day(),
            "categories": ["partner"]})),
    api("GET", "/api/vetting/declarations", DECLARANTS, LIST,
        build=lambda c, t: Req("/api/vetting/declarations" + (
            "" if t.inside else f"?officer_id={c.officer(t.officer)}"))),
    api("POST", "/api/vetting/declarations/{declaration_id:int}/acknowledge", VETTERS, RECORD,
        build=lambda c, t: Req(f"/api/vetting/declarations/{c.declarations[t.officer]}/acknowledge",
                               json={"on": c.day()})),
    # --- compliance, calendars, reports, exports, imports ---
    api("GET", "/api/compliance/forecast", EVERYONE, LIST,
        build=lambda c, t: Req("/api/compliance/forecast?from=" + c.day() + "&to=" + c.day(800) + (
            "" if t.inside else f"&team_id={c.world.teams[t.officer.split('-')[0]]}"))),
    api("POST", "/api/calendars", EVERYONE, RECORD, ok=(201,), variant="officer",
        build=lambda c, t: Req("/api/calendars", json={"scope": "officer", "id": c.officer(t.officer)})),
    # A team or organisation feed lists every officer in it: only for callers whose scope covers all of them.
    api("POST", "/api/calendars", OFFICE, RECORD, ok=(201,), variant="team",
        build=lambda c, t: Req("/api/calendars", json={"scope": "team", "id": c.world.teams[t.team]})),
    api("POST", "/api/calendars", ORGANISATION_WIDE, RECORD, ok=(201,), variant="organisation", target="org",
        build=lambda c, t: Req("/api/calendars", json={"scope": "organisation", "id": c.world.orgs[t.org]})),
    # A feed is read with its token alone (api.md): the token is the authorisation.
    api("GET", "/api/calendars/{feed_file:str}", PUBLIC, NONE, anonymous_ok=True,
        build=lambda c, t: Req(f"/api/calendars/{c.feeds['admin']}.ics")),
    api("HEAD", "/api/calendars/{feed_file:str}", PUBLIC, NONE, anonymous_ok=True, writes=False,
        build=lambda c, t: Req(f"/api/calendars/{c.feeds['admin']}.ics")),
    # Administrators list every feed and revoke any by id (a deactivated creator's feeds are silenced already).
    api("GET", "/api/calendars", ADMIN, NONE, build=lambda c, t: Req("/api/calendars")),
    api("DELETE", "/api/calendars/by-id/{feed_id:int}", ADMIN, NONE, ok=(204,),
        build=lambda c, t: Req(f"/api/calendars/by-id/{c.feed_ids['admin']}")),
    # Revoking: in scope = a feed the caller created; out of scope = someone else's (admin may revoke any).
    api("DELETE", "/api/calendars/{feed_file:str}", EVERYONE, RECORD, ok=(204,),
        build=lambda c, t: Req(f"/api/calendars/{c.feeds[t.who if t.inside and t.who in c.feeds else 'admin']}.ics")),
    api("GET", "/api/reports/compliance-pack.pdf", RECORDERS, RECORD, target="org",
        build=lambda c, t: Req(f"/api/reports/compliance-pack.pdf?organisation_id={c.world.orgs[t.org]}")),
    api("GET", "/api/charts/{name:str}", RECORDERS, RECORD, target="org",
        build=lambda c, t: Req(f"/api/charts/expiry-cliff.png?organisation_id={c.world.orgs[t.org]}")),
    *[api("GET", "/api/exports/{filename:str}", EVERYONE, LIST, variant=dataset,
          build=lambda c, t, d=dataset: Req(f"/api/exports/{d}.csv"))
      for dataset in ("officers", "accreditations", "vetting", "training", "kit", "forecast")],
    api("POST", "/api/imports/{dataset:str}", RECORDERS, RECORD, variant="training", out_ok=(403, 404, 422),
        build=_import("training", lambda c, t: [{
            "officer": staff_number(t.officer), "module": "PREVENT", "completed_on": c.day(-1), "result": "pass"}])),
    api("POST", "/api/imports/{dataset:str}", RECORDERS, RECORD, variant="kit", out_ok=(403, 404, 422),
        build=_import("kit", lambda c, t: [{
            "officer": staff_number(t.officer), "kit_type": "HI_VIS_JACKET", "issued_on": c.day(-1)}])),
    api("POST", "/api/imports/{dataset:str}", EMPLOYERS, RECORD, variant="officers", target="org",
        out_ok=(403, 404, 422),
        build=_import("officers", lambda c, t: [{
            "organisation": ORG_NAME[t.org], "staff_number": "MATRIX2", "given_name": "Kim", "family_name": "Matrix",
            "email": "kim.matrix@example.org", "started_on": c.day(-10)}])),
    api("POST", "/api/imports/{dataset:str}", VETTERS, RECORD, variant="vetting", out_ok=(403, 404, 422),
        build=_import("vetting", lambda c, t: [{
            "officer": staff_number(t.officer), "level": "NPPV3", "requested_on": c.day(-40),
            "granted_on": c.day(-10)}])),
]


# --- pages ---------------------------------------------------------------------------------------------------

def _get(fmt: Callable[[Ctx, Target], str]) -> Build:
    return lambda c, t: Req(fmt(c, t))


def _post(fmt: Callable[[Ctx, Target], str], form: Callable[[Ctx, Target], dict[str, Any]]) -> Build:
    """Days typed as a browser posts them: every page form asks its days (`on`, `*_on`) in three boxes."""
    def build(c: Ctx, t: Target) -> Req:
        answers = form(c, t)
        return Req(fmt(c, t), form=typed_dates(answers, {k for k in answers if k == "on" or k.endswith("_on")}))
    return build


def _officer_url(suffix: str) -> Callable[[Ctx, Target], str]:
    return lambda c, t: f"/officers/{c.officer(t.officer)}{suffix}"


def _acc_url(suffix: str) -> Callable[[Ctx, Target], str]:
    return lambda c, t: f"/accreditations/{c.accreditations[t.officer]}{suffix}"


def _lead_times(c: Ctx, t: Target) -> dict[str, Any]:
    return {f"lead_times__{k}": v + 1 for k, v in c.policy["lead_times"].items()}


def _warnings(c: Ctx, t: Target) -> dict[str, Any]:
    names = ("warning_days", "overdue_after_days", "manager_repeat_days", "coordinator_alert_days")
    return {n: c.policy[n] + (1 if n == "warning_days" else 0) for n in names}


def _validity(c: Ctx, t: Target) -> dict[str, Any]:
    return {f"module_validity__{m['code']}": (m["validity_months"] if m["validity_months"] is not None else "")
            for m in c.policy["module_validity"]} | {"module_validity__FIRST_AID": 24}


def _prerequisites(c: Ctx, t: Target) -> dict[str, Any]:
    form: dict[str, list[str]] = {}
    for pair in c.prerequisites[1:]:
        form.setdefault(f"prerequisites__{pair['power_code']}", []).append(pair["module_code"])
    return form


def _reminder_days(c: Ctx, t: Target) -> dict[str, Any]:
    return {"officer_reminder_days": ", ".join(str(d) for d in [*c.policy["officer_reminder_days"], 30])}


def _vetting_levels(c: Ctx, t: Target) -> dict[str, Any]:
    levels = c.policy["vetting_levels"]
    return {"accepted": [lv["code"] for lv in levels if lv["accepted_for_csas"]],
            "annual_review": [lv["code"] for lv in levels if lv["has_annual_review"]],
            **{f"renewal__{lv['code']}": lv["renewal_months"] + (1 if i == 0 else 0) for i, lv in enumerate(levels)}}


def _forecast(path: str) -> Build:
    return _get(lambda c, t: f"{path}?from={c.day()}&to={c.day(800)}" + (
        "" if t.inside else f"&organisation_id={c.world.orgs[t.officer[:2]]}"))


def _not_my_feed(c: Ctx, t: Target) -> str:
    """Inside: the caller's own calendar address; outside: another user's."""
    owner = t.who if t.inside and t.who != ANON else ("mgr_a1a" if t.who == "off_a1a1" else "off_a1a1")
    return f"/calendar/feeds/{c.feed_ids[owner]}/revoke"


PAGE_CASES: list[Case] = [
    Case("GET", "/", PUBLIC, NONE, _get(lambda c, t: "/"), ok=(200, 303), anonymous_ok=True),
    Case("POST", "/login", PUBLIC, NONE, anonymous_ok=True,
         build=lambda c, t: Req("/login", form={"username": "off_a1a1", "password": PASSWORD})),
    Case("POST", "/logout", PUBLIC, NONE, _get(lambda c, t: "/logout"), anonymous_ok=True, writes=False),
    # Your own password (every role), and the pages before signing in: a forgotten password, a link's page (an
    # unknown token gets the "not valid" page, whoever asks).
    *page_pair("/account/password", EVERYONE, EVERYONE, _get(lambda c, t: "/account/password"),
               _post(lambda c, t: "/account/password", lambda c, t: {
                   "current_password": PASSWORD, "new_password": "a matrix passphrase",
                   "confirm_password": "a matrix passphrase"}), scope=NONE),
    Case("GET", "/password/forgotten", PUBLIC, NONE, _get(lambda c, t: "/password/forgotten"), anonymous_ok=True),
    Case("POST", "/password/forgotten", PUBLIC, NONE, anonymous_ok=True, ok=(200,),
         build=lambda c, t: Req("/password/forgotten", form={"identifier": "off_a1a1"})),
    *[Case(m, f"/password/{kind}/{{token:str}}", PUBLIC, NONE, anonymous_ok=True, ok=(404,), writes=False,
           build=_post(lambda c, t, k=kind: f"/password/{k}/not-a-token", lambda c, t: {
               "new_password": "a matrix passphrase", "confirm_password": "a matrix passphrase"}))
      for kind in ("reset", "set") for m in ("GET", "POST")],
    # The officer's own pages need an account linked to an officer's record (no other role has one).
    Case("GET", "/me", frozenset({"off_a1a1"}), NONE, _get(lambda c, t: "/me")),
    *page_pair("/me/declaration", frozenset({"off_a1a1"}), frozenset({"off_a1a1"}),
               _get(lambda c, t: "/me/declaration"),
               _post(lambda c, t: "/me/declaration", lambda c, t: {
                   "kind": "change_of_circumstances", "made_on": c.day(), "categories": ["address"]}), scope=NONE),
    Case("GET", "/officers", EVERYONE, LIST,
         _get(lambda c, t: "/officers" + ("" if t.inside else f"?q={staff_number(t.officer)}"))),
    Case("GET", "/officers/{officer_id:int}", EVERYONE, RECORD, _get(_officer_url(""))),
    Case("GET", "/officers/{officer_id:int}/statement", STATEMENT_TAKERS, RECORD, _get(_officer_url("/statement"))),
    Case("GET", "/officers/{officer_id:int}/statement", STATEMENT_TAKERS, RECORD, variant="download", writes=True,
         build=_get(lambda c, t: f"/officers/{c.officer(t.officer)}/statement?at-day={c.today.day}"
                    f"&at-month={c.today.month}&at-year={c.today.year}&at-time=08:30")),
    *page_pair("/officers/{officer_id:int}/leave", EVERYONE, EMPLOYERS, _get(_officer_url("/leave")),
               _post(_officer_url("/leave"), lambda c, t: {"left_on": c.day()})),
    # The photo: the upload's first step checks the file and writes nothing; the confirmation stores it.
    Case("GET", "/officers/{officer_id:int}/photo", EMPLOYERS, RECORD, _get(_officer_url("/photo"))),
    Case("POST", "/officers/{officer_id:int}/photo", EMPLOYERS, RECORD, writes=False, ok=(200,), variant="check",
         build=lambda c, t: Req(f"/officers/{c.officer(t.officer)}/photo",
                                files={"file": ("photo.jpg", _photo_file(), "image/jpeg")})),
    Case("POST", "/officers/{officer_id:int}/photo", EMPLOYERS, RECORD, variant="confirm",
         build=_post(_officer_url("/photo"), _photo_confirmation)),
    *page_pair("/officers/{officer_id:int}/photo/remove", EMPLOYERS, EMPLOYERS, _get(_officer_url("/photo/remove")),
               _post(_officer_url("/photo/remove"), lambda c, t: {}), prepare=_photo),
    *page_pair("/officers/{officer_id:int}/training/new", EVERYONE, RECORDERS, _get(_officer_url("/training/new")),
               _post(_officer_url("/training/new"), lambda c, t: {
                   "module_code": "PREVENT", "completed_on": c.day(-1), "result": "pass"})),
    *page_pair("/officers/{officer_id:int}/kit/new", EVERYONE, RECORDERS, _get(_officer_url("/kit/new")),
               _post(_officer_url("/kit/new"), lambda c, t: {
                   "kit_type_code": "HI_VIS_JACKET", "issued_on": c.day(), "size": "L"})),
    *page_pair("/officers/{officer_id:int}/vetting/new", EVERYONE, VETTING_REQUESTERS,
               _get(_officer_url("/vetting/new")),
               _post(_officer_url("/vetting/new"), lambda c, t: {"level_code": "NPPV3", "requested_on": c.day()})),
    # The grant form names the granting force: the officer role, with no organisation in scope, gets 403.
    *page_pair("/officers/{officer_id:int}/accreditations/new", OFFICE, GRANTORS,
               _get(_officer_url("/accreditations/new")),
               _post(_officer_url("/accreditations/new"), lambda c, t: {
                   "number": "ACC-NEW", "granted_on": c.day(), "expires_on": c.day(730), "power_codes": ["NA_ASB"]})),
    *page_pair("/kit/{issue_id:int}/return", EVERYONE, RECORDERS,
               _get(lambda c, t: f"/kit/{c.kit[t.officer]}/return"),
               _post(lambda c, t: f"/kit/{c.kit[t.officer]}/return",
                     lambda c, t: {"returned_on": c.day(), "condition": "serviceable"})),
    *page_pair("/kit/{issue_id:int}/inspect", EVERYONE, RECORDERS,
               _get(lambda c, t: f"/kit/{c.kit[t.officer]}/inspect"),
               _post(lambda c, t: f"/kit/{c.kit[t.officer]}/inspect",
                     lambda c, t: {"inspected_on": c.day(), "condition": "serviceable"})),
    *page_pair("/calendar/{feed_scope:str}/{scope_id:int}", EVERYONE, EVERYONE,
               _get(lambda c, t: f"/calendar/officer/{c.officer(t.officer)}"),
               _post(lambda c, t: f"/calendar/officer/{c.officer(t.officer)}", lambda c, t: {}), ok=(200,),
               variant="officer"),
    Case("POST", "/calendar/{feed_scope:str}/{scope_id:int}", OFFICE, RECORD, variant="team", ok=(200,),
         build=_post(lambda c, t: f"/calendar/team/{c.world.teams[t.team]}", lambda c, t: {})),
    Case("POST", "/calendar/{feed_scope:str}/{scope_id:int}", ORGANISATION_WIDE, RECORD, variant="organisation",
         ok=(200,), target="org",
         build=_post(lambda c, t: f"/calendar/organisation/{c.world.orgs[t.org]}", lambda c, t: {})),
    Case("GET", "/team", EVERYONE, LIST,
         _get(lambda c, t: "/team" + ("" if t.inside else f"?team_id={c.world.teams[t.officer.split('-')[0]]}")),
         out_ok=(200, 403, 404)),
    Case("GET", "/team/calendar", EVERYONE, LIST,
         _get(lambda c, t: "/team/calendar" + (
             "" if t.inside else f"?team_id={c.world.teams[t.officer.split('-')[0]]}")), out_ok=(200, 403, 404)),
    Case("GET", "/team/training", EVERYONE, LIST,
         _get(lambda c, t: "/team/training" + (
             "" if t.inside else f"?team_id={c.world.teams[t.officer.split('-')[0]]}")), out_ok=(200, 403, 404)),
    Case("GET", "/vetting", EVERYONE, LIST, _get(lambda c, t: "/vetting")),
    Case("GET", "/vetting/applications/{application_id:int}", EVERYONE, RECORD,
         _get(lambda c, t: f"/vetting/applications/{c.applications[t.officer]}")),
    # The status form offers the legal next statuses, which only those who may change one are shown.
    *page_pair("/vetting/applications/{application_id:int}/event", VETTERS, VETTERS,
               _get(lambda c, t: f"/vetting/applications/{c.applications[t.officer]}/event"),
               _post(lambda c, t: f"/vetting/applications/{c.applications[t.officer]}/event",
                     lambda c, t: {"status": "in_progress", "on": c.day()})),
    *page_pair("/vetting/applications/{application_id:int}/note", VETTERS, VETTERS,
               _get(lambda c, t: f"/vetting/applications/{c.applications[t.officer]}/note"),
               _post(lambda c, t: f"/vetting/applications/{c.applications[t.officer]}/note",
                     lambda c, t: {"note": "Matrix note"})),
    *page_pair("/vetting/declarations/{declaration_id:int}/acknowledge", EVERYONE, VETTERS,
               _get(lambda c, t: f"/vetting/declarations/{c.declarations[t.officer]}/acknowledge"
                                 f"?officer_id={c.officer(t.officer)}"),
               _post(lambda c, t: f"/vetting/declarations/{c.declarations[t.officer]}/acknowledge"
                                  f"?officer_id={c.officer(t.officer)}", lambda c, t: {"on": c.day()})),
    # The officer in the query string is only the form's caption: naming one in scope must not open a
    # declaration outside it.
    Case("POST", "/vetting/declarations/{declaration_id:int}/acknowledge", VETTERS, RECORD,
         variant="caption officer in scope",
         build=_post(lambda c, t: f"/vetting/declarations/{c.declarations[t.officer]}/acknowledge"
                                  f"?officer_id={c.officer(IN_OFFICER)}", lambda c, t: {"on": c.day()})),
    # --- people and places (HR, coordinators), the manager's next steps and bookings ---
    Case("GET", "/employers", EVERYONE, LIST, _get(lambda c, t: "/employers"), leaks=ORG_LEAKS),
    # The forms name no record until posted. Their choices of employer, team and force are the caller's scope: one
    # outside it is not a choice (422), and the service would refuse it (403) if it were.
    *[Case(m, "/employers/new", GRANTORS, NONE if m == "GET" else RECORD, b, target="force", out_ok=(403, 422))
      for m, b in (
        ("GET", _get(lambda c, t: "/employers/new")),
        ("POST", _post(lambda c, t: "/employers/new", lambda c, t: {
            "name": "Matrix Housing", "kind": "housing_trust", "force_id": str(c.world.forces[t.force]),
            "arrangement_approved_on": c.day(-30), "arrangement_review_due_on": c.day(700)})))],
    *[Case(m, "/teams/new", EMPLOYERS, NONE if m == "GET" else RECORD, b, target="org", out_ok=(403, 422))
      for m, b in (
        ("GET", _get(lambda c, t: "/teams/new")),
        ("POST", _post(lambda c, t: "/teams/new", lambda c, t: {
            "organisation_id": str(c.world.orgs[t.org]), "name": "Team Matrix"})))],
    *[Case(m, "/officers/new", EMPLOYERS, NONE if m == "GET" else RECORD, b, target="org", out_ok=(403, 422))
      for m, b in (
        ("GET", _get(lambda c, t: "/officers/new")),
        ("POST", _post(lambda c, t: "/officers/new", lambda c, t: {
            "organisation_id": str(c.world.orgs[t.org]), "staff_number": "MATRIX1", "given_name": "Sam",
            "family_name": "Matrix", "email": "sam.matrix@example.org", "started_on": c.day(-10)})))],
    *[Case(m, "/officers/{officer_id:int}/edit", EMPLOYERS, RECORD, b) for m, b in (
        ("GET", _get(_officer_url("/edit"))),
        ("POST", _post(_officer_url("/edit"), lambda c, t: {
            "team_id": str(c.world.teams[t.team]), "staff_number": staff_number(t.officer), "given_name": "Sam",
            "family_name": f"Officer{staff_number(t.officer)}", "email": "sam.matrix@example.org",
            "started_on": c.day(-10)})))],
    Case("GET", "/team/next-steps", EVERYONE, LIST,
         _get(lambda c, t: "/team/next-steps" + (
             "" if t.inside else f"?team_id={c.world.teams[t.officer.split('-')[0]]}")), out_ok=(200, 403, 404)),
    *page_pair("/officers/{officer_id:int}/training/book", EVERYONE, RECORDERS, _get(_officer_url("/training/book")),
               _post(_officer_url("/training/book"), lambda c, t: {"module_code": "PREVENT", "starts_on": c.day(30)})),
    *page_pair("/bookings/{booking_id:int}/attend", EVERYONE, RECORDERS,
               _get(lambda c, t: f"/bookings/{c.bookings[t.officer]}/attend"),
               _post(lambda c, t: f"/bookings/{c.bookings[t.officer]}/attend",
                     lambda c, t: {"attended_on": c.day(-1), "result": "pass"})),
    Case("GET", "/forecast", EVERYONE, LIST,
         _get(lambda c, t: f"/forecast?from={c.day()}&to={c.day(800)}" + (
             "" if t.inside else f"&organisation_id={c.world.orgs[t.officer[:2]]}")), out_ok=(200, 403, 404)),
    # The forecast's chart and its downloads: what the page shows, filtered the same way. The CSV's rows are
    # checked for leaks; the Excel file holds the same rows and the chart only counts (neither is text to search).
    Case("GET", "/forecast/download.csv", EVERYONE, LIST, _forecast("/forecast/download.csv"),
         out_ok=(200, 403, 404)),
    *[Case("GET", path, EVERYONE, NONE, _forecast(path))
      for path in ("/forecast/chart.svg", "/forecast/download.xlsx")],
    # --- downloads, imports (a preview writes nothing; the rows are about an officer every importer sees) ---
    Case("GET", "/downloads", GRANTORS, NONE, _get(lambda c, t: "/downloads")),
    Case("GET", "/imports", OFFICE, NONE, _get(lambda c, t: "/imports")),
    Case("GET", "/imports/{dataset:str}", RECORDERS, NONE, _get(lambda c, t: "/imports/training")),
    Case("POST", "/imports/{dataset:str}", RECORDERS, NONE, writes=False, ok=(200,),
         build=lambda c, t: Req("/imports/training", files={"file": ("training.csv", _csv([{
             "officer": staff_number(IN_OFFICER), "module": "PREVENT", "completed_on": c.day(-1),
             "result": "pass"}]), "text/csv")})),
    # --- your own calendar addresses (an administrator may revoke anyone's) ---
    Case("GET", "/calendar", EVERYONE, NONE, _get(lambda c, t: "/calendar")),
    Case("POST", "/calendar/feeds/{feed_id:int}/revoke", EVERYONE, RECORD, target="feed",
         build=_post(_not_my_feed, lambda c, t: {})),
    Case("GET", "/accreditations", EVERYONE, LIST, _get(lambda c, t: "/accreditations")),
    Case("GET", "/accreditations/{accreditation_id:int}", EVERYONE, RECORD, _get(_acc_url(""))),
    Case("GET", "/accreditations/{accreditation_id:int}/{change:str}", EVERYONE, RECORD, _get(_acc_url("/suspend"))),
    Case("POST", "/accreditations/{accreditation_id:int}/{change:str}", GRANTORS, RECORD, variant="suspend",
         build=_post(_acc_url("/suspend"), lambda c, t: {"on": c.day(), "reason": "matrix"})),
    Case("POST", "/accreditations/{accreditation_id:int}/{change:str}", GRANTORS, RECORD, variant="reinstate",
         prepare=_suspend, build=_post(_acc_url("/reinstate"), lambda c, t: {"on": c.day(), "reason": "matrix"})),
    Case("POST", "/accreditations/{accreditation_id:int}/{change:str}", GRANTORS, RECORD, variant="withdraw",
         build=_post(_acc_url("/withdraw"), lambda c, t: {"on": c.day(), "reason": "matrix"})),
    *page_pair("/accreditations/{accreditation_id:int}/powers/{code:str}/withdraw", EVERYONE, GRANTORS,
               _get(_acc_url("/powers/FPN_LITTER/withdraw")),
               _post(_acc_url("/powers/FPN_LITTER/withdraw"), lambda c, t: {"on": c.day(), "reason": "matrix"})),
    *page_pair("/accreditations/{accreditation_id:int}/powers/new", EVERYONE, GRANTORS,
               _get(_acc_url("/powers/new")),
               _post(_acc_url("/powers/new"), lambda c, t: {"code": "NA_ASB", "granted_on": c.day()})),
    # --- the public card check (issue 20): the card's token is the only key, whoever asks (or nobody) ---
    Case("GET", "/verify/{token:str}", PUBLIC, NONE, anonymous_ok=True, prepare=_print_card,
         build=lambda c, t: Req(f"/verify/{c.card_token}")),
    Case("GET", "/verify/{token:str}/photo.jpg", PUBLIC, NONE, anonymous_ok=True, prepare=_print_card_with_photo,
         build=lambda c, t: Req(f"/verify/{c.card_token}/photo.jpg")),
    # --- capacity planning: whole employers read it; the force's coordinator (or admin) changes its capacity ---
    Case("GET", "/capacity", ORGANISATION_WIDE, LIST, leaks=ORG_LEAKS, build=_get(lambda c, t: "/capacity" + (
        "" if t.inside else f"?organisation_id={c.world.orgs[t.org]}"))),
    *[Case("GET", path, ORGANISATION_WIDE, NONE, _get(lambda c, t, p=path: p))
      for path in ("/capacity/chart.svg", "/capacity/months.csv", "/capacity/months.xlsx",
                   "/capacity/unavoidable.csv", "/capacity/unavoidable.xlsx")],
    *page_pair("/capacity/settings", POLICY, POLICY,
               _get(lambda c, t: f"/capacity/settings?force_id={c.world.forces[t.force]}"),
               _post(lambda c, t: f"/capacity/settings?force_id={c.world.forces[t.force]}",
                     lambda c, t: {"vetting_per_month": "3"}), target="force"),
    # --- administration: admin only ---
    Case("GET", "/admin", ADMIN, NONE, _get(lambda c, t: "/admin")),
    Case("GET", "/admin/users/{user_id:int}/{change:str}", ADMIN, NONE,
         _get(lambda c, t: f"/admin/users/{c.user_id(SPARE_USER)}/deactivate")),
    Case("POST", "/admin/users/{user_id:int}/{change:str}", ADMIN, NONE, variant="deactivate",
         build=_post(lambda c, t: f"/admin/users/{c.user_id(SPARE_USER)}/deactivate", lambda c, t: {})),
    Case("POST", "/admin/users/{user_id:int}/{change:str}", ADMIN, NONE, variant="reactivate",
         prepare=_deactivate_manager,
         build=_post(lambda c, t: f"/admin/users/{c.user_id(SPARE_USER)}/reactivate", lambda c, t: {})),
    *[Case(m, "/admin/users/new", ADMIN, NONE, b) for m, b in (
        ("GET", _get(lambda c, t: "/admin/users/new")),
        ("POST", _post(lambda c, t: "/admin/users/new", lambda c, t: {
            "username": "matrix_mgr", "email": "matrix.mgr@example.org", "password_choice": "set",
            "password": PASSWORD, "role": "manager",
            "team_ids": [str(c.world.teams["A1a"])]})))],
    # A coordinator reads the policy page; changing it is for whoever may change every force's settings.
    Case("GET", "/admin/policy", POLICY, NONE, _get(lambda c, t: "/admin/policy")),
    *[Case(m, f"/admin/policy/{name}", EVERY_FORCE, NONE, b) for name, form in (
        ("lead-times", _lead_times), ("warnings", _warnings), ("validity", _validity),
        ("prerequisites", _prerequisites), ("reminders", _reminder_days), ("vetting-levels", _vetting_levels))
      for m, b in (("GET", _get(lambda c, t, n=name: f"/admin/policy/{n}")),
                   ("POST", _post(lambda c, t, n=name: f"/admin/policy/{n}", form)))],
    Case("GET", "/admin/catalogues", ADMIN, NONE, _get(lambda c, t: "/admin/catalogues")),
    Case("GET", "/admin/outbox", ADMIN, NONE, _get(lambda c, t: "/admin/outbox")),
    Case("GET", "/admin/scheduler", ADMIN, NONE, _get(lambda c, t: "/admin/scheduler")),
    Case("GET", "/admin/calendars", ADMIN, NONE, _get(lambda c, t: "/admin/calendars")),
    Case("POST", "/admin/calendars/{feed_id:int}/revoke", ADMIN, NONE,
         build=_post(lambda c, t: f"/admin/calendars/{c.feed_ids['hr_a1']}/revoke", lambda c, t: {})),
]

ALL_CASES = CASES + PAGE_CASES

# Routes deliberately outside the matrix, each with the reason.
EXCLUDED: dict[tuple[str, str], str] = {
    ("GET", "/health"): "liveness probe: no session, no data, by design (api.md)",
    ("GET", "/health/ready"): "readiness probe: answers whether the database does, nothing else",
    ("GET", "/static/{file_path:path}"): "static assets (CSS, JS, images): public, no data",
    ("HEAD", "/static/{file_path:path}"): "static assets (CSS, JS, images): public, no data",
    ("GET", "/schema"): "OpenAPI document and docs are public by design (api.md)",
    ("GET", "/schema/openapi.json"): "OpenAPI document is public by design (api.md)",
    ("GET", "/schema/swagger"): "interactive API docs: public by design",
    ("GET", "/schema/oauth2-redirect.html"): "part of the interactive docs",
    ("GET", "/schema/{path:str}"): "the docs' not-found handler",
}
# Litestar answers OPTIONS on every path itself (no handler code of ours, no data): excluded as a method.
EXCLUDED_METHODS = {"OPTIONS": "Litestar's automatic OPTIONS answer on every path: no handler code, no data"}


# --- cells: case, caller, scope -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    case: Case
    who: str
    scope: str  # "in", "out", or "-" (not about a record)

    @property
    def id(self) -> str:
        return f"{self.case.name} | {self.who} | {self.scope}"

    def target(self) -> Target:
        inside = self.scope != "out"
        if self.who in (ANON, "admin") or inside:
            return Target(self.who, True, IN_OFFICER, IN_ORG, IN_FORCE)
        return Target(self.who, False, OUT_OFFICER[self.who], OUT_ORG[self.who], OUT_FORCE)


def cells() -> list[Cell]:
    out: list[Cell] = []
    for case in ALL_CASES:
        for who in CALLERS:
            if case.scope == NONE or who in (ANON, "admin"):
                out.append(Cell(case, who, "-" if case.scope == NONE else "in"))
            else:
                out += [Cell(case, who, "in"), Cell(case, who, "out")]
    return out


# --- calling and judging ----------------------------------------------------------------------------------------

async def call(client: httpx.AsyncClient, ctx: Ctx, cell: Cell) -> httpx.Response:
    req = cell.case.build(ctx, cell.target())
    headers = ctx.world.auth(cell.who) if cell.who != ANON else {}
    method = cell.case.method
    if cell.case.page and method == "POST":
        if "csas_csrf" not in client.cookies:
            await client.get("/health")  # any safe request sets the CSRF cookie
        token = client.cookies.get("csas_csrf") or ""
        form = dict(req.form or {})
        if req.files is not None:  # an upload's first step (an import's preview): nothing to confirm yet
            return await client.post(req.path, data=form, files=req.files, headers=headers | {"x-csrftoken": token})
        if cell.case.template not in ("/login", "/logout"):
            form["confirm"] = "yes"
        return await client.post(req.path, data=form, headers=headers | {"x-csrftoken": token})
    if req.files is not None:
        return await client.request(method, req.path, files=req.files, headers=headers)
    if req.json is not None:
        return await client.request(method, req.path, json=req.json, headers=headers)
    return await client.request(method, req.path, headers=headers)


def json_of(response: httpx.Response) -> Any:
    if "json" in response.headers.get("content-type", ""):
        return response.json()
    return None


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = set(value)
        for item in value.values():
            found |= _keys(item)
        return found
    if isinstance(value, list):
        return set().union(*(_keys(v) for v in value)) if value else set()
    return set()


def leak_markers(case: Case, who: str) -> list[str]:
    """What must never appear in this caller's answer (admin sees everything)."""
    if who in (ANON, "admin"):
        return []
    if case.leaks == ORG_LEAKS:
        return [ORG_NAME[o] for o in ORG_NAME if o not in VISIBLE_ORGS[who]]
    if case.leaks == TEAM_LEAKS:
        return [f"Team {t}" for t in ("A1a", "A1b", "A2a", "B1a") if t not in VISIBLE_TEAMS[who]]
    if case.leaks == FORCE_LEAKS:
        return ["Force B"]
    return markers(OUT_OFFICER[who])


def text_of(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "")
    if kind.startswith(("application/pdf", "image/", "application/vnd.openxmlformats")):
        return ""
    return response.text


def officer_refs(value: Any) -> set[int]:
    """Every officer id a JSON answer mentions (officer_id, officer, officer_ids)."""
    found: set[int] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("officer_id", "officer") and isinstance(item, int):
                found.add(item)
            elif key == "officer_ids" and isinstance(item, list):
                found |= {i for i in item if isinstance(i, int)}
            else:
                found |= officer_refs(item)
    elif isinstance(value, list):
        for item in value:
            found |= officer_refs(item)
    return found


def judge(cell: Cell, response: httpx.Response, written: bool, outside_id: int | None = None) -> list[str]:
    """Everything wrong with this answer, as sentences naming the cell."""
    case, who = cell.case, cell.who
    problems: list[str] = []
    status = response.status_code
    text = text_of(response)
    body = json_of(response)
    if status >= 500:
        problems.append(f"server error {status}: {text[:300]}")
    allowed = who in case.allowed and (who != ANON or case.anonymous_ok)
    if who == ANON and not allowed:
        if case.page:
            # Sign-in is "/", told which page to return to (?next=, a path on this site).
            location = response.headers.get("location", "")
            if not (status == 303 and (location == "/" or location.startswith("/?next=%2F"))):
                problems.append(f"anonymous page call should redirect to sign-in (303 to /), got {status} {location}")
        elif status != 401 or not isinstance(body, dict) or body.get("code") != "not_authenticated":
            problems.append(f"anonymous API call should be 401 not_authenticated, got {status}: {text[:200]}")
    elif not allowed:
        if status != 403:
            problems.append(f"role {ROLE[who].value} may not call this: expected 403, got {status}: {text[:200]}")
        elif not case.page and not (isinstance(body, dict) and body.get("code")):
            problems.append(f"403 without a problem code: {text[:200]}")
        elif case.page and "text/html" not in response.headers.get("content-type", ""):
            problems.append(f"403 that is not the page's own refusal (CSRF?): {text[:200]}")
    elif cell.scope == "out" and case.scope == RECORD:
        if status not in case.out_ok:
            problems.append(f"record outside the caller's scope: expected one of {case.out_ok}, got {status}: "
                            f"{text[:200]}")
    elif cell.scope == "out" and case.scope == LIST:
        if status not in (*case.expected_ok(), *case.out_ok):
            problems.append(f"list filtered to another scope: expected 2xx or {case.out_ok}, got {status}: "
                            f"{text[:200]}")
    elif status not in case.expected_ok():
        problems.append(f"allowed caller should get {case.expected_ok()}, got {status}: {text[:300]}")
    elif case.must_write() and not written:
        problems.append(f"allowed call answered {status} but wrote nothing: the request is not a valid one")
    if written and (not allowed or cell.scope == "out"):
        problems.append("a refused request wrote to the database (row counts or the audit log changed)")
    for marker in leak_markers(case, who):
        if marker in text:
            problems.append(f"leaked {marker!r}, which belongs outside {who}'s scope")
    if outside_id is not None and body is not None and outside_id in officer_refs(body):
        problems.append(f"leaked a record of officer {outside_id}, who is outside {who}'s scope")
    if who not in NOTE_READERS:
        if "CASENOTE-" in text:
            problems.append(f"vetting case note text shown to {who}")
        if body is not None and "note" in _keys(body):
            problems.append(f"vetting 'note' key shown to {who}")
    return problems


async def run_cell(client: httpx.AsyncClient, ctx: Ctx, cell: Cell) -> list[str]:
    target = cell.target()
    if cell.case.prepare is not None:
        await cell.case.prepare(ctx, target)
    before = await fingerprint()
    response = await call(client, ctx, cell)
    written = await fingerprint() != before
    outside = None
    if cell.who not in (ANON, "admin") and cell.case.leaks == OFFICER_LEAKS:
        outside = ctx.officer(OUT_OFFICER[cell.who])
    problems = judge(cell, response, written, outside)
    # Case notes: the readers do see them on the application itself (so the absence above is not vacuous).
    if (cell.who in NOTE_READERS and cell.case.template.endswith("/applications/{application_id:int}")
            and cell.case.method == "GET" and response.status_code == 200):
        if f"CASENOTE-{target.officer}" not in response.text:
            problems.append(f"{cell.who} should see the application's case note")
    return problems


def dumps(problems: list[str]) -> str:
    return json.dumps(problems, indent=1)

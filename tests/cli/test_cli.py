"""The `csas` command as a person runs it: a subprocess on the tests' database."""

from __future__ import annotations

import os
import subprocess
import sys

from core.tables import AuditEvent, User
from tests.factories import World


def csas(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from cli import main; main()", *args],
        input=stdin, capture_output=True, text=True, env=os.environ | env, timeout=120,
    )


async def test_user_create_reads_the_password_from_stdin(world: World) -> None:
    result = csas("user", "create", "jet.manager", "--role", "manager", "--email", "jm@example.org",
                  "--team-id", str(world.teams["A1b"]), "--password-stdin", stdin="a-strong-password\n")
    assert result.returncode == 0, result.stderr
    row = await User.select().where(User.username == "jet.manager").first()
    assert row["role"] == "manager" and "a-strong-password" not in row["password_hash"]
    assert await AuditEvent.exists().where((AuditEvent.action == "user.create") & (AuditEvent.actor == "cli"))


async def test_user_create_with_bad_scope_fails_clearly(world: World) -> None:
    result = csas("user", "create", "x.manager", "--role", "manager", "--email", "x@example.org",
                  "--password", "a-strong-password")
    assert result.returncode == 2 and "team_ids" in result.stderr
    assert not await User.exists().where(User.username == "x.manager")


async def test_token_create_prints_a_working_token(world: World, client) -> None:
    result = csas("token", "create", "hr_a1", "--name", "nightly export")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "hr_a1"


def test_demo_refuses_outside_demo_mode() -> None:
    result = csas("demo", CSAS_DEMO="off")
    assert result.returncode == 2 and "demo mode" in result.stderr


def test_serve_refuses_without_a_secret_key_outside_demo_mode() -> None:
    result = csas("serve", CSAS_SECRET_KEY="", CSAS_DEMO="off")
    assert result.returncode == 2 and "CSAS_SECRET_KEY" in result.stderr


async def test_demo_loads_a_surrey_like_force_and_prints_every_account() -> None:
    from register.tables import Officer, Organisation, Team

    result = csas("demo", CSAS_DEMO="on")
    assert result.returncode == 0, result.stderr
    for username in ("admin", "coordinator", "vetting", "hr", "manager", "officer"):
        assert f"{username}-demo-2026" in result.stdout
    assert await Organisation.count() == 5 and await Team.count() == 5
    assert 35 <= await Officer.count() <= 45
    again = csas("demo", CSAS_DEMO="on")
    assert again.returncode == 0 and "already holds data" in again.stdout
    assert await Organisation.count() == 5


async def test_user_create_invite_sends_a_link_instead_of_asking_for_a_password(world: World) -> None:
    from core.settings import get_settings
    from scheduler.outbox_tables import Notification

    result = csas("user", "create", "inv.hr", "--role", "hr", "--email", "inv.hr@example.org",
                  "--organisation-id", str(world.orgs["A1"]), "--invite")
    assert result.returncode == 0, result.stderr
    assert "Sent inv.hr@example.org an invitation" in result.stdout
    (message,) = await Notification.select().where(Notification.kind == "invitation")
    assert message["status"] == "sent"  # delivered by the command itself: here, to the outbox directory
    written = list(get_settings().outbox_dir.glob(f"*-{message['id']}.eml"))
    assert written and b"/password/set/" in written[0].read_bytes()
    both = csas("user", "create", "inv.two", "--role", "hr", "--email", "i2@example.org",
                "--organisation-id", str(world.orgs["A1"]), "--invite", "--password", "a-strong-password")
    assert both.returncode != 0 and not await User.exists().where(User.username == "inv.two")

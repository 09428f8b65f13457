"""The `csas` command line (api.md, Command line). Each command calls the same services as the API."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from core.errors import DomainError
from core.lifecycle import close_database, open_database
from core.roles import Principal, Role

T = TypeVar("T")
CLI_ACTOR = Principal.system("cli")


def run(work: Callable[[], Awaitable[T]]) -> T:
    """Runs async work with the database open; domain errors become a one-line message and exit code 2."""

    async def main() -> T:
        from bootstrap import wire

        wire()
        await open_database()
        try:
            return await work()
        finally:
            await close_database()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        details = "; ".join(f"{v.field or ''}: {v.message}".strip(": ") for v in exc.violations)
        click.echo(f"error ({exc.code}): {exc.detail}" + (f" [{details}]" if details else ""), err=True)
        sys.exit(2)


@click.group()
def main() -> None:
    """CSAS Register: accreditation, vetting and training for CSAS accredited officers."""


@main.command()
def migrate() -> None:
    """Create or update the database schema and seed the catalogues."""
    from bootstrap import migrate as do_migrate

    run(lambda: do_migrate(quiet=True))
    click.echo("Database is up to date.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the register over HTTP."""
    import uvicorn

    from core.settings import SettingsError, get_settings, require_secret_key

    try:
        require_secret_key(get_settings())
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    uvicorn.run("app:create_app", factory=True, host=host, port=port, log_level="info")


@main.command()
def demo() -> None:
    """Load the demo force (demo mode only: CSAS_DEMO=on)."""
    from demo import DemoModeRequired, load_demo, print_accounts
    from register.tables import Force

    async def work() -> Any:
        if await Force.count() > 0:
            click.echo("The database already holds data; the demo force loads only into an empty register.")
            return None
        return await load_demo()

    try:
        accounts = run(work)
    except DemoModeRequired as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if accounts:
        print_accounts(accounts)


@main.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--email", required=True)
@click.option("--password", default=None, help="Prefer --password-stdin: arguments show in process lists.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--force-id", type=int, default=None)
@click.option("--organisation-id", type=int, default=None)
@click.option("--team-id", "team_ids", type=int, multiple=True)
@click.option("--officer-id", type=int, default=None)
def user_create(
    username: str, role: str, email: str, password: str | None, password_stdin: bool,
    force_id: int | None, organisation_id: int | None, team_ids: tuple[int, ...], officer_id: int | None,
) -> None:
    """Create a user with one role and its scope."""
    from register.services import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    row = run(lambda: create_user(
        CLI_ACTOR, username=username, password=password or "", email=email, role=Role(role),
        force_id=force_id, organisation_id=organisation_id, team_ids=list(team_ids), officer_id=officer_id,
    ))
    click.echo(f"Created user {row['username']} ({row['role']}), id {row['id']}.")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
def token_create(username: str, name: str) -> None:
    """Create a bearer token for USERNAME and print it (it is stored hashed and cannot be shown again)."""
    from core.services import create_token

    row = run(lambda: create_token(CLI_ACTOR, username, name))
    click.echo(row["token"])


@main.command()
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The sweep day (other than today only with CSAS_CLOCK_OVERRIDE=on).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; change nothing.")
def sweep(as_of: Any, dry_run: bool) -> None:
    """Run the daily sweep now: reminders, escalations, lapse notices, delivery."""
    from core.clock import business_today, now_utc
    from core.settings import get_settings
    from scheduler.sweep import run_sweep

    day = as_of.date() if as_of else business_today()
    if day != business_today() and not get_settings().clock_override:
        click.echo("error (clock_override_off): --as-of other than today needs CSAS_CLOCK_OVERRIDE=on", err=True)
        sys.exit(2)
    result = run(lambda: run_sweep(day, dry_run=dry_run, now=now_utc()))
    verb = "would queue" if dry_run else "queued"
    click.echo(f"Sweep {day.isoformat()}: {result.officers} officers, {result.lapses} lapses, "
               f"{verb} {result.messages} messages, delivered {result.delivered}.")
    for digest in result.digests:
        click.echo(f"  {digest['recipient_email']}: {digest['subject']}")

"""The `csas` command line (api.md, Command line). Each command calls the same services as the API."""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from core.access import Principal, Role
from core.db import long_work
from core.errors import DomainError
from core.lifecycle import close_database, open_database

T = TypeVar("T")
CLI_ACTOR = Principal.system("cli")
SWEEP_DELIVERY_SECONDS = 30.0  # `csas sweep` sends for at most this long, then leaves the rest pending


def run(work: Callable[[], Awaitable[T]]) -> T:
    """Runs async work with the database open; domain errors become a one-line message and exit code 2."""

    async def main() -> T:
        from bootstrap import wire

        wire()
        await open_database()
        try:
            with long_work():  # imports, sweeps, migrations: an operator waits, not a request
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
    # The socket is bound here, before uvicorn starts: a port in use is one clear line, and --port 0 (any free
    # port) can be told to the person, who needs the address actually served to open it.
    try:
        sock = _listen(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            click.echo(f"Port {port} is in use: stop the other server or choose another with --port.", err=True)
        else:
            click.echo(f"Cannot serve on {host} port {port}: {exc.strerror or exc}.", err=True)
        sys.exit(1)
    bound_port = sock.getsockname()[1]
    address = served_address(host, bound_port)
    if not os.environ.get("CSAS_PUBLIC_URL"):
        # Unset, the public address is the one served: the QR codes printed and the links sent then work here.
        os.environ["CSAS_PUBLIC_URL"] = address.rstrip("/")
        get_settings.cache_clear()

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:  # after the app's start-up (database, scheduler) succeeded
                click.echo(f"CSAS Register is serving at {address} (press Ctrl+C to stop)")
                if get_settings().demo:
                    from demo import demo_card_url

                    if card_url := await demo_card_url():
                        click.echo(f"Check a demo officer's ID card (what its QR code opens): {card_url}")

    config = uvicorn.Config("app:create_app", factory=True, host=host, port=bound_port, log_level="info")
    Server(config).run(sockets=[sock])


def _listen(host: str, port: int) -> socket.socket:
    family, kind, proto, _, where = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                       flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        # As uvicorn does: a restart may reuse a port in TIME_WAIT; one still listening is refused all the same.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(where)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def served_address(host: str, port: int) -> str:
    """The address to open in a browser: a server on every interface is reached at localhost."""
    if host in ("", "0.0.0.0", "::"):
        host = "localhost"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


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
@click.option("--invite", is_flag=True, help="Email them a one-time link to choose their own password instead.")
@click.option("--force-id", type=int, default=None)
@click.option("--organisation-id", type=int, default=None)
@click.option("--team-id", "team_ids", type=int, multiple=True)
@click.option("--officer-id", type=int, default=None)
def user_create(
    username: str, role: str, email: str, password: str | None, password_stdin: bool, invite: bool,
    force_id: int | None, organisation_id: int | None, team_ids: tuple[int, ...], officer_id: int | None,
) -> None:
    """Create a user with one role and its scope (--invite: they choose their password by an emailed link)."""
    from register.officers.services import create_user

    if invite and (password or password_stdin):
        raise click.UsageError("--invite sends a link instead of a password: give one or the other.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if not password and not invite:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    async def create() -> dict[str, Any]:
        from core.clock import now_utc
        from scheduler.delivery import deliver_pending

        row = await create_user(
            CLI_ACTOR, username=username, password=None if invite else password or "", email=email,
            role=Role(role), force_id=force_id, organisation_id=organisation_id, team_ids=list(team_ids),
            officer_id=officer_id,
        )
        if invite:  # sent now, as the sweep sends, bounded the same way
            deadline = time.monotonic() + SWEEP_DELIVERY_SECONDS
            await deliver_pending(now_utc(), stop_when=lambda: time.monotonic() > deadline)
        return row

    row = run(create)
    click.echo(f"Created user {row['username']} ({row['role']}), id {row['id']}.")
    if invite:
        click.echo(f"Sent {email} an invitation to choose a password (the outbox shows whether it went).")


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
    from scheduler.delivery import delivery_limit
    from scheduler.sweep import SweepResult, run_sweep

    day = as_of.date() if as_of else business_today()
    if day != business_today() and not get_settings().clock_override:
        click.echo("error (clock_override_off): --as-of other than today needs CSAS_CLOCK_OVERRIDE=on", err=True)
        sys.exit(2)
    left_pending = 0

    async def sweep_within_deadline() -> SweepResult:
        # With SMTP, the sweep's sending stops at a deadline (a slow or silent server must not hold the command for
        # minutes); what is left stays pending for the app's delivery job. Files are written at once, in full.
        nonlocal left_pending
        if dry_run or get_settings().smtp_url is None:
            return await run_sweep(day, dry_run=dry_run, now=now_utc())
        deadline = time.monotonic() + SWEEP_DELIVERY_SECONDS
        with delivery_limit(lambda: time.monotonic() > deadline) as limit:
            result = await run_sweep(day, now=now_utc())
        left_pending = limit.left_pending
        return result

    result = run(sweep_within_deadline)
    verb = "would queue" if dry_run else "queued"
    click.echo(f"Sweep {day.isoformat()}: {result.officers} officers, {result.lapses} lapses, "
               f"{verb} {result.messages} messages, delivered {result.delivered}.")
    if left_pending:
        click.echo(f"Delivery stopped after {SWEEP_DELIVERY_SECONDS:g} s: {left_pending} messages left pending "
                   "for the next delivery run.")
    for digest in result.digests:
        click.echo(f"  {digest['recipient_email']}: {digest['subject']}")


# --- exports, imports and reports (issue 8) -------------------------------------------------------------

class _Progress:
    """A rich progress bar when stdout is a terminal; silent otherwise (scripts, pipes, tests)."""

    def __init__(self, description: str, total: int | None = None) -> None:
        self.bar: Any = None
        self.task: Any = None
        if sys.stdout.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.task = self.bar.add_task(description, total=total)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, completed: int | None = None, total: int | None = None, description: str | None = None,
               advance: int = 0) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=completed, total=total, description=description,
                            advance=advance)


def _format_of(path: str) -> str:
    fmt = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if fmt not in ("csv", "xlsx"):
        click.echo("error: FILE must end in .csv or .xlsx", err=True)
        sys.exit(2)
    return fmt


@main.command("export")
@click.argument("dataset", type=click.Choice(["officers", "accreditations", "vetting", "training", "kit",
                                              "forecast"]))
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export_cmd(dataset: str, file: str) -> None:
    """Write DATASET to FILE as CSV or XLSX (from the extension)."""
    from core.clock import business_today
    from reports import exports

    fmt = _format_of(file)
    today = business_today()
    with _Progress(f"Exporting {dataset}", total=2) as progress:
        rows = run(lambda: exports.load_rows(CLI_ACTOR, dataset, today))
        progress.update(completed=1)
        content = exports.render(dataset, fmt, rows)
        progress.update(completed=2)
    with open(file, "wb") as out:
        out.write(content)
    click.echo(f"Exported {len(rows)} {dataset} rows to {file}.")


@main.command("import")
@click.argument("dataset", type=click.Choice(["officers", "training", "vetting", "kit"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
def import_cmd(dataset: str, file: str, dry_run: bool) -> None:
    """Import DATASET from a CSV or XLSX FILE: every row is checked, then all are written or none."""
    from core.clock import business_today
    from core.errors import DomainError
    from reports import import_files, imports
    from reports.spreadsheets import MAX_UPLOAD_BYTES

    with open(file, "rb") as handle:  # one byte past the limit is enough for read_table to refuse it
        content = handle.read(MAX_UPLOAD_BYTES + 1)
    try:
        rows = import_files.read_table(file, content)
    except DomainError as exc:
        click.echo(f"error ({exc.code}): {exc.detail}", err=True)
        sys.exit(2)
    with _Progress(f"Importing {dataset}", total=len(rows)) as progress:
        result = run(lambda: imports.run_import(CLI_ACTOR, dataset, rows, today=business_today(), dry_run=dry_run,
                                                progress=lambda n: progress.update(completed=n)))
    if result.errors:
        for error in result.errors:
            column = f" [{error['column']}]" if error["column"] else ""
            click.echo(f"row {error['row']}{column}: {error['message']}", err=True)
        click.echo(f"error (import_invalid): {len(result.errors)} problem(s) in {result.rows} rows; "
                   "nothing was imported.", err=True)
        sys.exit(2)
    verb = "would create" if dry_run else "created"
    click.echo(f"{result.rows} rows: {verb} {result.created}, updated {result.updated}, "
               f"unchanged {result.unchanged}." + (" Dry run: nothing was written." if dry_run else ""))


@main.group()
def report() -> None:
    """Reports for people to read."""


@report.command("pack")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--organisation", "organisation_id", type=int, default=None, help="One employer only.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
def report_pack(file: str, organisation_id: int | None, as_of: Any) -> None:
    """Write the compliance pack for a performance meeting to FILE (PDF)."""
    from core.clock import business_today
    from reports import data
    from reports.pdf import compliance_pack

    today = business_today()
    day = as_of.date() if as_of else today

    async def load() -> tuple[str, dict[str, Any]]:
        return (await data.pack_title(CLI_ACTOR, organisation_id),
                await data.analytics(CLI_ACTOR, day, organisation_id))

    steps = ["load", "charts", "cover", "readiness", "expiry cliff", "capability forecast", "vetting queue",
             "officers at risk", "compliance trend"]
    with _Progress("Compliance pack", total=len(steps)) as progress:
        title, loaded = run(load)
        progress.update(advance=1)
        content = compliance_pack.render(title, loaded, today,
                                  progress=lambda step: progress.update(advance=1, description=step))
    with open(file, "wb") as out:
        out.write(content)
    click.echo(f"Wrote the compliance pack ({loaded['officers']} officers, as of {day.isoformat()}) to {file}.")


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a consistent copy of the whole database to FILE (safe while the service runs)."""
    from core.backup import BackupError, backup
    from core.settings import get_settings

    try:
        backup(get_settings(), file)
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"Backed up to {file}.")


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the whole database with the backup in FILE. Stop the service first."""
    from core.backup import BackupError, restore
    from core.settings import get_settings

    if not yes and not click.confirm("This replaces every record with the backup. Is the service stopped?"):
        sys.exit(1)
    try:
        restore(get_settings(), file)
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"Restored from {file}. Run `csas migrate` if the backup is older than this version.")

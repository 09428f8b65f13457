"""Bringing a database up to date: migrations, then each domain's catalogue seeds (idempotent)."""

from __future__ import annotations

import contextlib
import importlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards

from core.db import long_running
from core.lifecycle import close_database, open_database

# "package.module" paths exposing `async def seed() -> None` (idempotent: insert what is missing, never overwrite
# values people edited), in dependency order. Add a domain's line when it has catalogues.
SEEDERS: list[str] = ["register.seed", "vetting.seed", "training.seed"]

# "package.module" paths exposing `def install() -> None`, which registers a domain's hooks (e.g. register.hooks).
HOOK_INSTALLERS: list[str] = ["training.hooks", "scheduler.account_mail"]


class MigrationFailed(RuntimeError):
    pass


@long_running  # a migration rewrites whole tables: its statements may rightly take minutes
async def migrate(quiet: bool = True) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards("all")
    if not result.success:
        raise MigrationFailed(f"Migrations failed: {result.message}\n{out.getvalue()}")
    await seed_catalogues()


async def seed_catalogues() -> None:
    for path in SEEDERS:
        await importlib.import_module(path).seed()


def wire() -> None:
    """Installs every domain's hooks. Idempotent; called by create_app(), the CLI and the tests."""
    for path in HOOK_INSTALLERS:
        importlib.import_module(path).install()


async def migrate_standalone(quiet: bool = True) -> None:
    await open_database()
    try:
        await migrate(quiet=quiet)
    finally:
        await close_database()

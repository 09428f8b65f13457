"""Bringing a database up to date: migrations, then each domain's catalogue seeds (idempotent)."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards

from core.lifecycle import close_database, open_database

SEEDERS: list[str] = []  # "package.module" paths exposing `async def seed() -> None`, in dependency order


class MigrationFailed(RuntimeError):
    pass


async def migrate(quiet: bool = True) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards("all")
    if not result.success:
        raise MigrationFailed(f"Migrations failed: {result.message}\n{out.getvalue()}")
    await seed_catalogues()


async def seed_catalogues() -> None:
    import importlib

    for path in SEEDERS:
        await importlib.import_module(path).seed()


async def migrate_standalone(quiet: bool = True) -> None:
    await open_database()
    try:
        await migrate(quiet=quiet)
    finally:
        await close_database()

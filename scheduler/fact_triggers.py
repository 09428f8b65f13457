"""What a fact-table trigger is, and the migrations that put one on every table the domains' facts read.

Each domain's facts module lists the tables its facts read (FACT_TABLES) and those whose rows feed every officer's
judgement (CATALOGUE_TABLES); a change to a row of a fact table must raise the version of the officers it concerns,
so a stored outlook (scheduler/outlook.py) is known to be out of date. `python -m scheduler.fact_triggers
new-migration` writes a new migration with the triggers of every fact table that the landed migrations leave
without one, in the form the landed ones gave the others; it writes nothing when none is missing. Migrations keep
their SQL written out, so a landed one runs as it ran whatever this module later says.

A generated trigger finds the officer a row concerns in its `officer` column, as the function the landed
migrations installed on PostgreSQL (csas_bump_fact_version) does for any table it has no branch for. A table whose
rows reach their officers another way (through a parent row, as designated_power does) needs a hand-written
migration that gives that function a branch for it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from core.db import is_sqlite, select_rows
from register import facts as register_facts
from scheduler import policy_store
from training import facts as training_facts
from vetting import facts as vetting_facts

DOMAIN_FACTS = (register_facts, vetting_facts, training_facts)
MIGRATIONS_DIR = Path(__file__).parent / "piccolo_migrations"
APP_NAME = "scheduler"
PICCOLO_VERSION = "1.38.0"

FACT_TRIGGER_PREFIX = "fact_version_"
CATALOGUE_TRIGGER_PREFIX = "catalogue_stamp_"
# SQLite has no FOR EACH STATEMENT and no row as a value: one trigger per operation, and the rows it may read.
ROWS_OF = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}
# The officers a row concerns, with {row} standing for NEW or OLD: the row's own officer column.
OFFICER_OF_ROW = "SELECT {row}.officer AS id"
SQLITE_BUMP = ("INSERT INTO officer_fact_version (officer_id, version) SELECT id, 1 FROM ({officers}) "
               "WHERE id IS NOT NULL ON CONFLICT (officer_id) DO UPDATE SET "
               "version = officer_fact_version.version + 1;")

_CREATE = re.compile(r"CREATE TRIGGER (?:IF NOT EXISTS )?(\w+) AFTER \w+(?: OR \w+)* ON (\w+)")
_DROP = re.compile(r"DROP TRIGGER (?:IF EXISTS )?(\w+)")


def fact_tables() -> set[str]:
    return {table for domain in DOMAIN_FACTS for table in domain.FACT_TABLES}


def catalogue_tables() -> set[str]:
    return {table for domain in DOMAIN_FACTS for table in domain.CATALOGUE_TABLES} | set(policy_store.CATALOGUE_TABLES)


def sqlite_fact_triggers(table: str, officers: str = OFFICER_OF_ROW) -> list[str]:
    statements = []
    for op, rows in ROWS_OF.items():
        body = " ".join(SQLITE_BUMP.format(officers=officers.format(row=row)) for row in rows)
        statements.append(f"CREATE TRIGGER IF NOT EXISTS {FACT_TRIGGER_PREFIX}{table}_{op} AFTER {op.upper()} ON "
                          f"{table} BEGIN {body} END")
    return statements


def postgres_fact_trigger(table: str) -> str:
    return (f"CREATE TRIGGER {FACT_TRIGGER_PREFIX}{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION csas_bump_fact_version()")


async def triggered_tables(prefix: str) -> set[str]:
    """The tables of the migrated database carrying a trigger whose name starts with prefix."""
    if is_sqlite():
        rows = await select_rows("SELECT name, tbl_name AS t FROM sqlite_master WHERE type = 'trigger'")
    else:
        rows = await select_rows("SELECT g.tgname AS name, c.relname AS t FROM pg_trigger g "
                                 "JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal")
    return {row["t"] for row in rows if row["name"].startswith(prefix)}


# --- the landed migrations, read without a database ------------------------------------------------------

def load_migration(path: Path) -> ModuleType:
    """A migration module read from its file (under a name of its own: Piccolo's loader keeps the real one)."""
    spec = importlib.util.spec_from_file_location(f"_csas_fact_triggers_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def migration_paths(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """In the order Piccolo runs them: file names sort as the IDs they are made from."""
    return sorted(p for p in directory.glob(f"{APP_NAME}_*.py"))


def _replay(statements: Iterable[str], triggers: dict[str, str]) -> None:
    for statement in statements:
        if created := _CREATE.search(statement):
            triggers[created.group(1)] = created.group(2)
        elif dropped := _DROP.search(statement):
            triggers.pop(dropped.group(1), None)


def tables_triggered_by(paths: Iterable[Path], prefix: str = FACT_TRIGGER_PREFIX) -> set[str]:
    """The tables left with a trigger named prefix… once the migrations at paths have run, on SQLite and on
    PostgreSQL alike (a migration giving the two engines different tables is refused). A migration's triggers are
    read from its _sqlite_statements() and _postgres_statements(), where every trigger migration states them."""
    sqlite: dict[str, str] = {}
    postgres: dict[str, str] = {}
    for path in paths:
        module = load_migration(path)
        sqlite_form = getattr(module, "_sqlite_statements", None)
        postgres_form = getattr(module, "_postgres_statements", None)
        if sqlite_form is not None and postgres_form is not None:
            _replay(sqlite_form(), sqlite)
            _replay(postgres_form(), postgres)
    on_sqlite = {table for name, table in sqlite.items() if name.startswith(prefix)}
    on_postgres = {table for name, table in postgres.items() if name.startswith(prefix)}
    if on_sqlite != on_postgres:
        raise ValueError(f"the migrations trigger {sorted(on_sqlite ^ on_postgres)} on one engine only")
    return on_sqlite


def missing_fact_tables(directory: Path = MIGRATIONS_DIR) -> list[str]:
    return sorted(fact_tables() - tables_triggered_by(migration_paths(directory)))


# --- the new migration ---------------------------------------------------------------------------------

_TEMPLATE = '''"""Generated by `python -m scheduler.fact_triggers new-migration`: triggers that raise the version of the
officers a row concerns when a row of one of these tables changes, fact tables declared in a domain's FACT_TABLES
that no earlier migration had put a trigger on:

    {listed}

Written out as it runs: never edit once landed."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = {migration_id!r}
VERSION = {version!r}
DESCRIPTION = {description!r}

SQLITE_STATEMENTS = [
{sqlite}
]
POSTGRES_STATEMENTS = [
{postgres}
]


class RawTable(Table):
    pass


def _sqlite_statements() -> list[str]:
    return list(SQLITE_STATEMENTS)


def _postgres_statements() -> list[str]:
    return list(POSTGRES_STATEMENTS)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="scheduler", description=DESCRIPTION)

    async def run() -> None:
        postgres = isinstance(RawTable._meta.db, PostgresEngine)
        for statement in _postgres_statements() if postgres else _sqlite_statements():
            await RawTable.raw(statement)

    manager.add_raw(run)
    return manager
'''


def _migration_id(directory: Path, now: dt.datetime) -> str:
    """Now, or just after the last migration in directory if that one is dated later: Piccolo runs by ID."""
    latest = [p.stem.removeprefix(f"{APP_NAME}_") for p in migration_paths(directory)]
    moment = now.astimezone(dt.UTC).replace(tzinfo=None)
    if latest:
        last = dt.datetime.strptime(max(latest), "%Y_%m_%dt%H_%M_%S_%f")  # noqa: DTZ007 - IDs carry no zone
        moment = max(moment, last + dt.timedelta(seconds=1))
    return moment.strftime("%Y-%m-%dT%H:%M:%S:%f")


def render_migration(tables: list[str], migration_id: str) -> str:
    sqlite = [statement for table in tables for statement in sqlite_fact_triggers(table)]
    postgres = [postgres_fact_trigger(table) for table in tables]
    return _TEMPLATE.format(
        listed=", ".join(tables), migration_id=migration_id, version=PICCOLO_VERSION,
        description=f"fact version triggers: {', '.join(tables)}",
        sqlite="\n".join(f"    {s!r}," for s in sqlite), postgres="\n".join(f"    {s!r}," for s in postgres),
    )


def write_new_migration(directory: Path = MIGRATIONS_DIR, now: dt.datetime | None = None) -> Path | None:
    """Writes the migration for the fact tables left without triggers, and returns its path; None when none is."""
    tables = missing_fact_tables(directory)
    if not tables:
        return None
    migration_id = _migration_id(directory, now or dt.datetime.now(dt.UTC))
    path = directory / f"{APP_NAME}_{migration_id.replace(':', '_').replace('-', '_').lower()}.py"
    path.write_text(render_migration(tables, migration_id))
    return path


def main(argv: list[str]) -> int:
    if argv != ["new-migration"]:
        print("usage: python -m scheduler.fact_triggers new-migration", file=sys.stderr)
        return 2
    path = write_new_migration()
    print(f"wrote {path}" if path else "Every fact table has its triggers: no migration written.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

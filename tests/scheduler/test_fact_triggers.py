"""The trigger migrations generated from the domains' FACT_TABLES (scheduler/fact_triggers.py): a fact table
declared without triggers gets a new migration covering exactly it, in the form the landed migrations gave the
others, and whose SQL raises the officers' fact version on both engines; with none missing, nothing is written."""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
from pathlib import Path

import pytest

from core.db import execute, is_sqlite, select_rows
from scheduler import fact_triggers
from training import facts as training_facts

FAKE = "first_aid_certificate"
LANDED_FACT_TRIGGERS = "scheduler.piccolo_migrations.scheduler_2026_11_23t00_50_00_000000"


def _copy_of_the_landed(tmp_path: Path) -> Path:
    directory = tmp_path / "piccolo_migrations"
    shutil.copytree(fact_triggers.MIGRATIONS_DIR, directory, ignore=shutil.ignore_patterns("__pycache__"))
    return directory


@pytest.fixture
def a_fact_table_without_triggers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training_facts, "FACT_TABLES", (*training_facts.FACT_TABLES, FAKE))


def test_with_no_fact_table_missing_nothing_is_written(tmp_path: Path) -> None:
    directory = _copy_of_the_landed(tmp_path)
    before = sorted(directory.iterdir())
    assert fact_triggers.missing_fact_tables(directory) == []
    assert fact_triggers.write_new_migration(directory) is None
    assert sorted(directory.iterdir()) == before


@pytest.mark.usefixtures("a_fact_table_without_triggers")
def test_a_fact_table_without_triggers_gets_a_new_migration_covering_exactly_it(tmp_path: Path) -> None:
    directory = _copy_of_the_landed(tmp_path)
    landed = fact_triggers.migration_paths(directory)
    path = fact_triggers.write_new_migration(directory, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert path is not None
    assert fact_triggers.migration_paths(directory) == [*landed, path]  # runs after every landed one
    assert fact_triggers.tables_triggered_by([path]) == {FAKE}
    assert fact_triggers.tables_triggered_by([path], fact_triggers.CATALOGUE_TRIGGER_PREFIX) == set()
    assert fact_triggers.tables_triggered_by(fact_triggers.migration_paths(directory)) == fact_triggers.fact_tables()
    assert fact_triggers.write_new_migration(directory) is None  # and once written, it is not written again


def test_the_builders_say_what_the_landed_migration_did() -> None:
    """One statement of a fact-table trigger: the landed triggers are the builders' text, table for table."""
    landed = importlib.import_module(LANDED_FACT_TRIGGERS)
    sqlite, postgres = landed._sqlite_statements(), landed._postgres_statements()
    for table, officers in landed.OFFICERS_OF.items():
        assert set(fact_triggers.sqlite_fact_triggers(table, officers)) <= set(sqlite), table
        assert fact_triggers.postgres_fact_trigger(table) in postgres, table
    by_officer_column = [t for t, officers in landed.OFFICERS_OF.items() if officers == fact_triggers.OFFICER_OF_ROW]
    assert by_officer_column  # the shape a generated trigger takes was landed before
    for table in by_officer_column:
        assert set(fact_triggers.sqlite_fact_triggers(table)) <= set(sqlite), table


async def _version(officer_id: int) -> int | None:
    rows = await select_rows("SELECT version FROM officer_fact_version WHERE officer_id = {}", officer_id)
    return rows[0]["version"] if rows else None


@pytest.mark.usefixtures("a_fact_table_without_triggers")
async def test_the_generated_triggers_raise_the_version_of_the_rows_officer(tmp_path: Path) -> None:
    path = fact_triggers.write_new_migration(_copy_of_the_landed(tmp_path))
    assert path is not None
    migration = fact_triggers.load_migration(path)
    statements = migration._sqlite_statements() if is_sqlite() else migration._postgres_statements()
    await execute(f"CREATE TABLE {FAKE} (id INTEGER PRIMARY KEY, officer INTEGER)")
    try:
        for statement in statements:
            await execute(statement)
        assert await _version(41) is None
        await execute(f"INSERT INTO {FAKE} (id, officer) VALUES (1, 41)")
        inserted = await _version(41)
        assert inserted is not None
        await execute(f"UPDATE {FAKE} SET officer = 42 WHERE id = 1")
        updated = await _version(41)
        assert updated is not None and updated > inserted
        assert await _version(42) is not None
        await execute(f"DELETE FROM {FAKE}")
        deleted = await _version(42)
        assert deleted is not None and deleted > 1
    finally:
        await execute(f"DROP TABLE {FAKE}")

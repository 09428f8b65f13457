"""The tables the scheduler's triggers watch are exactly those the domains declare their facts read
(FACT_TABLES, CATALOGUE_TABLES in each <domain>/facts.py): a fact table added without a trigger would leave stored
outlooks stale for ever (scheduler/outlook.py), and a trigger left on a table nothing reads any more bumps
versions for nothing. Checked in the migrated database, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from types import ModuleType

from core.db import is_sqlite, select_rows
from register import facts as register_facts
from scheduler import policy_store
from training import facts as training_facts
from vetting import facts as vetting_facts

DOMAINS = (register_facts, vetting_facts, training_facts)
FACT_TABLES = {t for domain in DOMAINS for t in domain.FACT_TABLES}
CATALOGUE_TABLES = {t for domain in DOMAINS for t in domain.CATALOGUE_TABLES} | set(policy_store.CATALOGUE_TABLES)


async def _triggered(prefix: str) -> set[str]:
    """The tables carrying a trigger whose name starts with prefix (SQLite: one per operation; PostgreSQL: one)."""
    if is_sqlite():
        rows = await select_rows("SELECT name, tbl_name AS t FROM sqlite_master WHERE type = 'trigger'")
    else:
        rows = await select_rows("SELECT g.tgname AS name, c.relname AS t FROM pg_trigger g "
                                 "JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal")
    return {row["t"] for row in rows if row["name"].startswith(prefix)}


async def test_every_fact_table_and_only_those_raise_the_officers_fact_version() -> None:
    assert await _triggered("fact_version_") == FACT_TABLES


async def test_every_catalogue_table_and_only_those_stamp_the_catalogue() -> None:
    assert await _triggered("catalogue_stamp_") == CATALOGUE_TABLES


def _tables_read(domain: ModuleType) -> set[str]:
    sql = [value for name, value in vars(domain).items() if name.endswith("_SQL") and isinstance(value, str)]
    assert sql, domain.__name__
    return {table for text in sql for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', text)}


def test_each_domain_declares_every_table_its_facts_read() -> None:
    """So the declarations above cannot drift from the SQL that loads the facts."""
    for domain in DOMAINS:
        declared = set(domain.FACT_TABLES) | set(domain.CATALOGUE_TABLES)
        assert _tables_read(domain) <= declared, domain.__name__
        assert not set(domain.FACT_TABLES) & set(domain.CATALOGUE_TABLES), domain.__name__

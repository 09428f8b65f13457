"""The tables the scheduler's triggers watch are exactly those the domains declare their facts read
(FACT_TABLES, CATALOGUE_TABLES in each <domain>/facts.py): a fact table added without a trigger would leave stored
outlooks stale for ever (scheduler/outlook.py; `python -m scheduler.fact_triggers new-migration` writes the
migration it needs), and a trigger left on a table nothing reads any more bumps versions for nothing. Checked in
the migrated database, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from types import ModuleType

from scheduler.fact_triggers import (
    CATALOGUE_TRIGGER_PREFIX,
    DOMAIN_FACTS,
    FACT_TRIGGER_PREFIX,
    catalogue_tables,
    fact_tables,
    triggered_tables,
)


async def test_every_fact_table_and_only_those_raise_the_officers_fact_version() -> None:
    assert await triggered_tables(FACT_TRIGGER_PREFIX) == fact_tables()


async def test_every_catalogue_table_and_only_those_stamp_the_catalogue() -> None:
    assert await triggered_tables(CATALOGUE_TRIGGER_PREFIX) == catalogue_tables()


def _tables_read(domain: ModuleType) -> set[str]:
    sql = [value for name, value in vars(domain).items() if name.endswith("_SQL") and isinstance(value, str)]
    assert sql, domain.__name__
    return {table for text in sql for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', text)}


def test_each_domain_declares_every_table_its_facts_read() -> None:
    """So the declarations above cannot drift from the SQL that loads the facts."""
    for domain in DOMAIN_FACTS:
        declared = set(domain.FACT_TABLES) | set(domain.CATALOGUE_TABLES)
        assert _tables_read(domain) <= declared, domain.__name__
        assert not set(domain.FACT_TABLES) & set(domain.CATALOGUE_TABLES), domain.__name__

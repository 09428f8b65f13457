"""Hand-written: a change to a catalogue or policy row now gives the catalogue a new random stamp (the
officer_fact_version row with officer_id 0) instead of raising all officers' versions (every officer's row
rewritten, once per changed row on SQLite). A stored outlook keeps the stamp it was judged under; the catalogue
cache compares the stamp too. Random, not counted: a restored backup or an emptied table can never bring back
a stamp that stood for other data."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-23T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalogue stamp"

CATALOGUE_TABLES = ("policy_setting", "vetting_level", "training_module", "power", "power_prerequisite", "kit_type")
OPERATIONS = ("insert", "update", "delete")
SQLITE_STAMP = ("INSERT INTO officer_fact_version (officer_id, version) VALUES (0, abs(random())) "
                "ON CONFLICT (officer_id) DO UPDATE SET version = abs(random())")
POSTGRES_STAMP = ("INSERT INTO officer_fact_version (officer_id, version) "
                  "VALUES (0, floor(random() * 9e18)::bigint) "
                  "ON CONFLICT (officer_id) DO UPDATE SET version = floor(random() * 9e18)::bigint")


class RawTable(Table):
    pass


def _sqlite_statements() -> list[str]:
    statements = [SQLITE_STAMP]
    for table in CATALOGUE_TABLES:
        for op in OPERATIONS:
            statements.append(f"DROP TRIGGER IF EXISTS fact_version_{table}_{op}")
            statements.append(f"CREATE TRIGGER IF NOT EXISTS catalogue_stamp_{table}_{op} AFTER {op.upper()} ON "
                              f"{table} BEGIN {SQLITE_STAMP}; END")
    return statements


def _postgres_statements() -> list[str]:
    statements = [
        POSTGRES_STAMP,
        "CREATE OR REPLACE FUNCTION csas_stamp_catalogue() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {POSTGRES_STAMP}; RETURN NULL; END $$",
    ]
    for table in CATALOGUE_TABLES:
        statements.append(f"DROP TRIGGER IF EXISTS fact_version_{table} ON {table}")
        statements.append(f"CREATE TRIGGER catalogue_stamp_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                          "FOR EACH STATEMENT EXECUTE FUNCTION csas_stamp_catalogue()")
    statements.append("DROP FUNCTION IF EXISTS csas_bump_all_fact_versions()")
    return statements


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="scheduler", description=DESCRIPTION)

    async def run():
        postgres = isinstance(RawTable._meta.db, PostgresEngine)
        for statement in _postgres_statements() if postgres else _sqlite_statements():
            await RawTable.raw(statement)

    manager.add_raw(run)
    return manager

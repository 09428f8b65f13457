"""Hand-written: triggers that raise an officer's OfficerFactVersion whenever a row their judgement is built from
changes, so a stored outlook (scheduler/outlook.py) is known to be out of date whichever code path, script or
app instance wrote the row. Catalogue and policy rows feed everyone's judgement: a change to one raises every
officer's version (rare, administrative changes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-23T00:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "officer fact version triggers"

# SQLite: table -> the officers a row of it concerns, with {row} standing for NEW or OLD.
OFFICERS_OF = {
    "officer": "SELECT {row}.id AS id",
    "organisation": "SELECT id FROM officer WHERE organisation = {row}.id",
    "accreditation": "SELECT {row}.officer AS id",
    "designated_power": "SELECT officer AS id FROM accreditation WHERE id = {row}.accreditation",
    "accreditation_event": "SELECT officer AS id FROM accreditation WHERE id = {row}.accreditation",
    "vetting_application": "SELECT {row}.officer AS id",
    "declaration": "SELECT {row}.officer AS id",
    "training_record": "SELECT {row}.officer AS id",
    "training_booking": "SELECT {row}.officer AS id",
    "kit_issue": "SELECT {row}.officer AS id",
}
EVERYONE = ("policy_setting", "vetting_level", "training_module", "power", "power_prerequisite", "kit_type")
SQLITE_BUMP = ("INSERT INTO officer_fact_version (officer_id, version) SELECT id, 1 FROM ({officers}) "
               "WHERE id IS NOT NULL ON CONFLICT (officer_id) DO UPDATE SET version = officer_fact_version.version + 1;")


class RawTable(Table):
    pass


def _sqlite_statements() -> list[str]:
    statements = []
    for table, officers in [*OFFICERS_OF.items(), *((t, "SELECT id FROM officer") for t in EVERYONE)]:
        for op, rows in (("insert", ("NEW",)), ("update", ("OLD", "NEW")), ("delete", ("OLD",))):
            body = " ".join(SQLITE_BUMP.format(officers=officers.format(row=row)) for row in rows)
            statements.append(f"CREATE TRIGGER IF NOT EXISTS fact_version_{table}_{op} AFTER {op.upper()} ON "
                              f"{table} BEGIN {body} END")
    return statements


POSTGRES_FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION csas_bump_fact_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r jsonb;
    ids integer[] := ARRAY[]::integer[];
BEGIN
    FOREACH r IN ARRAY (CASE TG_OP WHEN 'INSERT' THEN ARRAY[to_jsonb(NEW)] WHEN 'DELETE' THEN ARRAY[to_jsonb(OLD)]
                                   ELSE ARRAY[to_jsonb(OLD), to_jsonb(NEW)] END) LOOP
        IF TG_TABLE_NAME = 'officer' THEN
            ids := ids || (r->>'id')::integer;
        ELSIF TG_TABLE_NAME = 'organisation' THEN
            ids := ids || ARRAY(SELECT id FROM officer WHERE organisation = (r->>'id')::integer);
        ELSIF TG_TABLE_NAME IN ('designated_power', 'accreditation_event') THEN
            ids := ids || ARRAY(SELECT officer FROM accreditation WHERE id = (r->>'accreditation')::integer);
        ELSE
            ids := ids || (r->>'officer')::integer;
        END IF;
    END LOOP;
    INSERT INTO officer_fact_version (officer_id, version)
        SELECT DISTINCT x, 1 FROM unnest(ids) AS x WHERE x IS NOT NULL
        ON CONFLICT (officer_id) DO UPDATE SET version = officer_fact_version.version + 1;
    RETURN NULL;
END $$
""",
    """
CREATE OR REPLACE FUNCTION csas_bump_all_fact_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO officer_fact_version (officer_id, version) SELECT id, 1 FROM officer
        ON CONFLICT (officer_id) DO UPDATE SET version = officer_fact_version.version + 1;
    RETURN NULL;
END $$
""",
]


def _postgres_statements() -> list[str]:
    statements = list(POSTGRES_FUNCTIONS)
    for table in OFFICERS_OF:
        statements.append(f"CREATE TRIGGER fact_version_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                          "FOR EACH ROW EXECUTE FUNCTION csas_bump_fact_version()")
    for table in EVERYONE:
        statements.append(f"CREATE TRIGGER fact_version_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                          "FOR EACH STATEMENT EXECUTE FUNCTION csas_bump_all_fact_versions()")
    return statements


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="scheduler", description=DESCRIPTION)

    async def run():
        postgres = isinstance(RawTable._meta.db, PostgresEngine)
        for statement in _postgres_statements() if postgres else _sqlite_statements():
            await RawTable.raw(statement)

    manager.add_raw(run)
    return manager

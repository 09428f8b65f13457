"""Whole-database backup and restore: SQLite's online backup API, or pg_dump / pg_restore for PostgreSQL.

A SQLite backup is a consistent copy taken while the service runs. A restore replaces everything: stop the
service first (the CLI says so), then start it again.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from core.settings import Settings

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    pass


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def backup(settings: Settings, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_sqlite:
        source = settings.sqlite_path
        if not source.exists():
            raise BackupError(f"There is no database at {source}.")
        _copy_sqlite(source, target)
        return target
    result = subprocess.run(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", settings.database_url],
        capture_output=True, text=True, timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    return target


def _copy_sqlite(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _check_sqlite_backup(path: Path) -> None:
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite backup.")
    with closing(sqlite3.connect(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"migration", "officer", "app_user"} <= tables:
        raise BackupError(f"{path} is not a backup of this register (its tables are missing).")


def restore(settings: Settings, source: Path) -> None:
    if not source.exists():
        raise BackupError(f"There is no file at {source}.")
    if settings.is_sqlite:
        _check_sqlite_backup(source)
        target = settings.sqlite_path
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(source, target)
        return
    with source.open("rb") as handle:
        if handle.read(5) != PG_DUMP_MAGIC:
            raise BackupError(f"{source} is not a pg_dump custom-format backup.")
    result = subprocess.run(
        [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         f"--dbname={settings.database_url}", str(source)],
        capture_output=True, text=True, timeout=3600,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")

"""The only place that picks the database engine, from DATABASE_URL (api.md, Settings)."""

from __future__ import annotations

import sqlite3
from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from core.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 10_000


class TunedSQLiteConnection(sqlite3.Connection):
    """Per-connection pragmas; WAL itself is set once at start-up and persists in the file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        self.execute("PRAGMA synchronous = NORMAL")


def build_engine() -> SQLiteEngine | PostgresEngine:
    settings = get_settings()
    if settings.is_sqlite:
        path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), factory=TunedSQLiteConnection, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    return PostgresEngine(config={"dsn": settings.database_url})


DB = build_engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "core.piccolo_app",
        "register.piccolo_app",
        "vetting.piccolo_app",
        "training.piccolo_app",
        "scheduler.piccolo_app",
    ]
)

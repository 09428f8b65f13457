"""Test harness: real migrations on a throwaway SQLite file, or on the PostgreSQL named by DATABASE_URL.

Every test starts from an empty, freshly seeded database.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_VAR = Path(tempfile.mkdtemp(prefix="csas-test-"))
os.environ["CSAS_VAR_DIR"] = str(_VAR)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_VAR / 'test.sqlite3'}")
os.environ["CSAS_SECRET_KEY"] = "test-secret-key"
os.environ["CSAS_SCHEDULER"] = "off"
os.environ["CSAS_DEMO"] = "off"
os.environ.pop("CSAS_SMTP_URL", None)

from collections.abc import AsyncIterator  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from litestar import Litestar  # noqa: E402

from bootstrap import migrate, wire  # noqa: E402
from core.lifecycle import close_database, open_database  # noqa: E402
from core.settings import get_settings  # noqa: E402
from tests.db import reset_database  # noqa: E402
from tests.factories import World, build_world  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> None:
    """Production keeps argon2's current defaults; tests create many users, so they hash cheaply."""
    from argon2 import PasswordHasher

    import core.security

    core.security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[None]:
    get_settings.cache_clear()
    wire()
    await open_database()
    await migrate(quiet=True)
    yield
    await close_database()


@pytest.fixture(autouse=True)
async def clean_database(database: None) -> AsyncIterator[None]:
    await reset_database()
    yield


@pytest.fixture(scope="session")
def app() -> Litestar:
    from app import create_app

    return create_app()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """Runs the app in the test's own event loop (Litestar's test client would use another loop, which
    a PostgreSQL pool cannot cross). The session fixture has opened the database the lifespan would."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
async def world() -> World:
    return await build_world()

"""Schemathesis against the app's own OpenAPI document: no 5xx, and every answer is documented and conforms.

The document is fetched from the real app (``create_app()``, ``/schema/openapi.json``). Every operation under
``/api`` is fuzzed with positive and negative cases, as admin with a bearer token, against the small two-force
world of tests/factories.py (rebuilt for each operation, so ids 1..8 exist). A few reads run again as a scoped
role. Requests go through httpx in the test session's own event loop (the PostgreSQL pool cannot cross loops),
and each answer is checked by schemathesis: not a server error, status documented, content type documented,
body matches the documented schema.

Bounded for CI: ``CSAS_FUZZ_EXAMPLES`` examples per operation (default 25), derandomized (the same cases on
every run), no deadline, no example database. To fuzz deeper locally, raise the count and pick a seed::

    CSAS_FUZZ_EXAMPLES=500 .venv/bin/pytest tests/fuzz -q
    CSAS_FUZZ_EXAMPLES=200 CSAS_FUZZ_SEED=7 .venv/bin/pytest tests/fuzz -q -k 'officers'
    CSAS_FUZZ_EXAMPLES=200 scripts/with-postgres.sh .venv/bin/pytest tests/fuzz -q

(``CSAS_FUZZ_SEED`` switches from derandomized generation to a fixed random seed, so a different but
reproducible set of cases runs.)
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
import pytest
import requests
import schemathesis
import schemathesis.transport
from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed
from schemathesis.core.transport import Response as SchemathesisResponse
from schemathesis.transport.requests import RequestsTransport

from app import create_app
from tests.factories import World

MAX_EXAMPLES = int(os.environ.get("CSAS_FUZZ_EXAMPLES", "25"))
SEED = os.environ.get("CSAS_FUZZ_SEED")
BASE_URL = "http://testserver"

APP = create_app()


async def _fetch_document() -> dict[str, Any]:
    # No lifespan: the session fixture has opened the database; the document needs none.
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        response = await client.get("/schema/openapi.json")
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


schema = schemathesis.openapi.from_dict(asyncio.run(_fetch_document()))
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=SEED is None, database="none")
# Every check schemathesis has (`all`). Valid-by-schema data may still break a rule no JSON schema can state (an
# expiry before its grant, an unknown code, a day outside the register's range): those answer 422, which the
# positive-data check accepts as it accepts 409.
schema.config.checks.update(included_check_names=["all"])
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429"]
# Routes that render a PDF or chart on every successful call get a fifth of the examples: their inputs are
# few (an id, a day) and each answer costs up to a second of rendering.
RENDERING = r"^/api/(reports/|charts/|officers/\{officer_id\}/(record|card|statement)\.pdf)"
RENDER_EXAMPLES = max(5, MAX_EXAMPLES // 5)
api = schema.include(path_regex=r"^/api/").exclude(path_regex=RENDERING)
rendering = schema.include(path_regex=RENDERING)


def bounded(test: Callable[..., Any], max_examples: int = MAX_EXAMPLES) -> Callable[..., Any]:
    configured = settings(
        max_examples=max_examples,
        derandomize=SEED is None,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )(test)
    return hypothesis_seed(int(SEED))(configured) if SEED is not None else configured


@pytest.fixture
async def session_loop() -> asyncio.AbstractEventLoop:
    """The test session's event loop, which the database (and PostgreSQL pool) belong to."""
    return asyncio.get_running_loop()


def _httpx_kwargs(case: schemathesis.Case, headers: dict[str, str]) -> dict[str, Any]:
    """Schemathesis prepares requests-style arguments; httpx names a raw body `content`."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
    out: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "headers": dict(kwargs.get("headers") or {}),
        "params": kwargs.get("params") or None,
    }
    cookies = kwargs.get("cookies") or {}
    if cookies:
        out["headers"]["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if "json" in kwargs:
        out["json"] = kwargs["json"]
    data, files = kwargs.get("data"), kwargs.get("files")
    if files or isinstance(data, dict | list):
        # Form and multipart parts in requests' shapes (any value, any nesting): let requests encode them.
        prepared = requests.PreparedRequest()
        prepared.prepare_headers(None)
        prepared.prepare_body(data, files)
        out["content"] = prepared.body or b""
        if "Content-Type" in prepared.headers:
            out["headers"]["Content-Type"] = prepared.headers["Content-Type"]
    elif data is not None:
        out["content"] = data
    return out


class SessionLoopTransport(RequestsTransport):
    """The checks that send requests of their own (without credentials, with a method the path lacks) send them
    to the app in the test session's loop, as the cases are sent, not over the network."""

    loop: asyncio.AbstractEventLoop | None = None

    def send(self, case: schemathesis.Case, *, session: Any = None, **kwargs: Any) -> SchemathesisResponse:
        assert self.loop is not None, "a test sets the loop before any check runs"
        response = self.loop.run_until_complete(_send(case, dict(kwargs.get("headers") or {})))
        return SchemathesisResponse.from_any(response)


TRANSPORT = SessionLoopTransport()
TRANSPORT._copy_serializers_from(schemathesis.transport.get(None))
_default_transport = schemathesis.transport.get
# The document was loaded from a dict (no app), so schemathesis would pick its requests transport.
schemathesis.transport.get = lambda app: TRANSPORT if app is None else _default_transport(app)  # type: ignore


async def _send(case: schemathesis.Case, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        request = client.build_request(**_httpx_kwargs(case, headers))
        await request.aread()  # a multipart body is a stream; read it so a failure report can show it
        return await client.send(request)


def _call_and_validate(loop: asyncio.AbstractEventLoop, case: schemathesis.Case, headers: dict[str, str]) -> None:
    TRANSPORT.loop = loop
    response = loop.run_until_complete(_send(case, headers))
    case.validate_response(response, headers=headers, transport_kwargs={"base_url": BASE_URL, "headers": headers})


@api.parametrize()
@bounded
def test_api_as_admin(case: schemathesis.Case, world: World, session_loop: asyncio.AbstractEventLoop) -> None:
    _call_and_validate(session_loop, case, world.auth("admin"))


@rendering.parametrize()
@partial(bounded, max_examples=RENDER_EXAMPLES)
def test_rendering_as_admin(case: schemathesis.Case, world: World, session_loop: asyncio.AbstractEventLoop) -> None:
    _call_and_validate(session_loop, case, world.auth("admin"))


# One include call: its criteria must all hold (separate include calls would add operations, not narrow).
SCOPED_READS = schema.include(method="GET", path_regex=r"^/api/(officers|accreditations|vetting/applications|"
                                                     r"training/records|kit/issues|compliance/forecast)")


@SCOPED_READS.parametrize()
@bounded
def test_scoped_reads_as_manager(
    case: schemathesis.Case, world: World, session_loop: asyncio.AbstractEventLoop
) -> None:
    _call_and_validate(session_loop, case, world.auth("mgr_a1a"))


@pytest.mark.parametrize(
    ("method", "path", "path_parameters", "query"),
    [
        ("GET", "/api/exports/{filename}", {"filename": "officers.csv"}, None),
        ("GET", "/api/exports/{filename}", {"filename": "officers.xlsx"}, None),
        ("GET", "/api/officers/{officer_id}/record.pdf", {"officer_id": 1}, None),
        ("GET", "/api/officers/{officer_id}/statement.pdf", {"officer_id": 1}, {"at": "2026-10-25T01:30"}),
        ("GET", "/api/charts/{name}", {"name": "expiry-cliff.png"}, None),
        ("GET", "/api/officers/{officer_id}/compliance", {"officer_id": 1}, {"as_of": "2026-01-31"}),
        ("GET", "/api/officers", {}, {"q": "a1a", "limit": 1}),
    ],
)
def test_successful_answers_conform(
    world: World, session_loop: asyncio.AbstractEventLoop, method: str, path: str,
    path_parameters: dict[str, Any], query: dict[str, Any] | None,
) -> None:
    """Random ids and names rarely hit a record: these known-good requests check the 200 answers (file
    downloads included) against the document too."""
    case = schema[path][method].Case(path_parameters=path_parameters, query=query)
    response = session_loop.run_until_complete(_send(case, world.auth("admin")))
    assert response.status_code == 200, response.text
    TRANSPORT.loop = session_loop
    case.validate_response(response, headers=world.auth("admin"),
                           transport_kwargs={"base_url": BASE_URL, "headers": world.auth("admin")})

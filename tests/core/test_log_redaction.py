"""Calendar feed tokens travel in the URL (calendar apps cannot send headers): no log line may carry one, neither
the access log of a real uvicorn server nor an error's message or traceback, whatever the URL's suffix."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from litestar import Litestar
from uvicorn.logging import AccessFormatter

from core.logs import redact
from scheduler import calendars
from tests.factories import World

FEED_SUFFIXES = [".ics", "", ".ICS", ".Ics?refresh=1"]


@pytest.fixture
async def server(app: Litestar) -> AsyncIterator[str]:
    """The app behind a real uvicorn (as `csas serve` runs it), in the test's event loop; log_config=None keeps
    uvicorn from reconfiguring this process's logging, so its records reach pytest's capture."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=True, http="h11", ws="none")
    config.load()
    served = uvicorn.Server(config)
    # Server.serve() without its signal handling and tick loop: what is left serves connections as `serve` does.
    served.lifespan = config.lifespan_class(config)
    await served.startup(sockets=[sock])
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    await served.shutdown(sockets=[sock])
    sock.close()


async def _feed_token(client: httpx.AsyncClient, world: World) -> str:
    feed = await client.post("/api/calendars", json={"scope": "team", "id": world.teams["A1a"]},
                             headers=world.auth("mgr_a1a"))
    assert feed.status_code == 201, feed.text
    return str(feed.json()["token"])


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Each record as the handlers would write it: message, uvicorn's access line, traceback."""
    access = AccessFormatter(fmt='%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False)
    lines = [caplog.text]
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.name == "uvicorn.access":
            lines.append(access.format(record))
    return "\n".join(lines)


@pytest.mark.parametrize("suffix", FEED_SUFFIXES)
async def test_the_access_log_of_a_real_server_never_holds_a_feed_token(
        client: httpx.AsyncClient, world: World, server: str, caplog: pytest.LogCaptureFixture, suffix: str) -> None:
    token = await _feed_token(client, world)
    with caplog.at_level(logging.INFO):
        async with httpx.AsyncClient(base_url=server, trust_env=False) as outside:
            read = await outside.get(f"/api/calendars/{token}{suffix}")
            revoked = await outside.delete(f"/api/calendars/{token}{suffix}", headers=world.auth("mgr_a1a"))
    assert read.status_code in (200, 404) and revoked.status_code in (204, 404)
    access = [record for record in caplog.records if record.name == "uvicorn.access"]
    assert len(access) == 2, [record.getMessage() for record in caplog.records]  # the server did log the requests
    assert all("/api/calendars/[redacted]" in record.getMessage() for record in access)
    assert token not in _everything_logged(caplog)


async def test_a_card_check_is_logged_without_the_token_or_the_askers_address(
        client: httpx.AsyncClient, world: World, server: str, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 20: who checked which card is nobody's to read in a log."""
    token = "Card-Token_0123456789a"
    with caplog.at_level(logging.INFO):
        async with httpx.AsyncClient(base_url=server, trust_env=False) as outside:
            checked = await outside.get(f"/verify/{token}?power=FPN_LITTER", headers={"Accept": "application/json"})
    assert checked.status_code == 404
    (access,) = [record for record in caplog.records if record.name == "uvicorn.access"]
    assert "/verify/[redacted]?power=FPN_LITTER" in access.getMessage()
    assert token not in _everything_logged(caplog)
    # The server's own lines (the test's client logs the server's address it called, which is no one's).
    served = "\n".join(record.getMessage() for record in caplog.records if record.name.startswith("uvicorn"))
    assert served and "127.0.0.1" not in served


async def test_an_error_naming_the_feed_url_is_logged_without_the_token(
        client: httpx.AsyncClient, world: World, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    token = await _feed_token(client, world)

    async def broken_feed(feed_token: str) -> bytes:
        raise RuntimeError(f"could not build GET /api/calendars/{feed_token}.ics")

    monkeypatch.setattr(calendars, "feed_ics", broken_feed)
    with caplog.at_level(logging.INFO):
        response = await client.get(f"/api/calendars/{token}.ics")
    assert response.status_code == 500
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors and any(record.exc_info for record in errors)  # the error and its traceback were logged
    assert "/api/calendars/[redacted].ics" in _everything_logged(caplog)
    assert token not in _everything_logged(caplog)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /api/calendars/abc-DEF_123 HTTP/1.1", "GET /api/calendars/[redacted] HTTP/1.1"),
        ("GET /api/calendars/abc-DEF_123.ICS HTTP/1.1", "GET /api/calendars/[redacted].ICS HTTP/1.1"),
        ('"GET /api/calendars/a.b.ics?x=1 HTTP/1.1" 404', '"GET /api/calendars/[redacted].ics?x=1 HTTP/1.1" 404'),
        ("GET /api/calendars/tok/more", "GET /api/calendars/[redacted]/more"),
        ("POST /api/calendars HTTP/1.1", "POST /api/calendars HTTP/1.1"),
        ("GET /verify/Card-Token_0123456789a?power=X HTTP/1.1", "GET /verify/[redacted]?power=X HTTP/1.1"),
        # Any other token-shaped segment, wherever a token-bearing path may appear later.
        ("GET /verify/" + "Ab3_-" * 9 + " HTTP/1.1", "GET /verify/[redacted] HTTP/1.1"),
        ("GET /api/officers/12/compliance?limit=5", "GET /api/officers/12/compliance?limit=5"),
        ("GET /api/exports/officers.xlsx", "GET /api/exports/officers.xlsx"),
    ],
)
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected

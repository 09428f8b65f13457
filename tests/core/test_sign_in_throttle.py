"""Sign-in throttling (OWASP ASVS 2.2): a pair (username, address) waits longer after each failure, an address
spraying usernames is cut off, and distributed guessing at one account slows strangers only: the owner's usual
address is never refused because of other addresses' guesses. The clock is the test's (core.services.now_utc)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from litestar import Litestar

import core.services
from core.clock import now_utc
from core.services import (
    ACCOUNT_FREE_FAILURES,
    ADDRESS_WINDOW,
    FAILURE_WINDOW,
    KNOWN_ADDRESS_PERIOD,
    MAX_FAILURES_PER_ADDRESS,
    PAIR_FREE_FAILURES,
)
from core.tables import SignInAttempt
from tests.admin_ui.test_pages_common import TOKEN
from tests.factories import PASSWORD, World

WRONG = "not the password"


class Clock:
    def __init__(self) -> None:
        self.now = now_utc()

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(core.services, "now_utc", lambda: frozen.now)
    return frozen


FromAddress = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def from_address(app: Litestar) -> FromAddress:
    """A client whose requests come from the given address (what core.http.client_address reads)."""
    @asynccontextmanager
    async def open_client(address: str) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as caller:
            yield caller
    return open_client


async def login(caller: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await caller.post("/api/auth/login", json={"username": username, "password": password})


async def login_from(from_address: FromAddress, address: str, username: str, password: str) -> httpx.Response:
    async with from_address(address) as caller:
        return await login(caller, username, password)


async def test_strangers_guesses_from_elsewhere_never_lock_the_owner_out(world: World, clock: Clock,
                                                                         from_address: FromAddress) -> None:
    assert (await login_from(from_address, "10.0.0.1", "hr_a1", PASSWORD)).status_code == 200
    clock.advance(days=3)
    answers = [(await login_from(from_address, f"10.1.{n // 200}.{n % 200}", "hr_a1", WRONG)).status_code
               for n in range(50)]
    assert answers[:ACCOUNT_FREE_FAILURES] == [401] * ACCOUNT_FREE_FAILURES
    assert 429 in answers[ACCOUNT_FREE_FAILURES:]  # the distributed guessing is slowed down
    owner = await login_from(from_address, "10.0.0.1", "hr_a1", PASSWORD)
    assert owner.status_code == 200, owner.text
    # An address that has not signed in to the account shares the account's delay, the correct password included.
    new_place = await login_from(from_address, "10.9.9.9", "hr_a1", PASSWORD)
    assert new_place.status_code == 429 and int(new_place.headers["retry-after"]) > 0
    clock.advance(seconds=int(new_place.headers["retry-after"]))
    assert (await login_from(from_address, "10.9.9.9", "hr_a1", PASSWORD)).status_code == 200


async def test_the_same_pair_waits_longer_after_each_failure(world: World, clock: Clock,
                                                              from_address: FromAddress) -> None:
    async with from_address("10.0.0.2") as caller:
        for _ in range(PAIR_FREE_FAILURES):
            assert (await login(caller, "hr_a1", WRONG)).status_code == 401
        waits = []
        for _ in range(6):
            refused = await login(caller, "hr_a1", PASSWORD)  # during the delay the right password waits too
            assert refused.status_code == 429 and refused.json()["code"] == "too_many_requests"
            waits.append(int(refused.headers["retry-after"]))
            clock.advance(seconds=waits[-1])
            assert (await login(caller, "hr_a1", WRONG)).status_code == 401
        assert waits == [60, 120, 240, 480, 900, 900]
        last = await login(caller, "hr_a1", PASSWORD)
        assert last.json()["detail"] == "Too many failed sign-ins. Try again in 15 minutes."
        clock.advance(minutes=15)
        assert (await login(caller, "hr_a1", PASSWORD)).status_code == 200
        # the success starts the pair afresh
        assert (await login(caller, "hr_a1", WRONG)).status_code == 401
        assert (await login(caller, "hr_a1", PASSWORD)).status_code == 200


async def test_an_address_spraying_usernames_is_cut_off(world: World, clock: Clock, from_address: FromAddress) -> None:
    async with from_address("10.0.0.3") as sprayer:
        assert (await login(sprayer, "mgr_a1a", PASSWORD)).status_code == 200  # the sprayer's own account
        for n in range(MAX_FAILURES_PER_ADDRESS):
            assert (await login(sprayer, f"user{n}", WRONG)).status_code == 401
        cut_off = await login(sprayer, "coord_a", PASSWORD)
        assert cut_off.status_code == 429
        assert int(cut_off.headers["retry-after"]) == ADDRESS_WINDOW.total_seconds()
        assert cut_off.json()["detail"] == "Too many failed sign-ins. Try again in 15 minutes."
        # Its own account's pair is unaffected: it is only held up by its own failures.
        assert (await login(sprayer, "mgr_a1a", PASSWORD)).status_code == 200
    assert (await login_from(from_address, "10.0.0.4", "coord_a", PASSWORD)).status_code == 200
    clock.advance(seconds=ADDRESS_WINDOW.total_seconds())
    assert (await login_from(from_address, "10.0.0.3", "coord_a", PASSWORD)).status_code == 200


async def test_the_sign_in_page_gives_the_same_message_and_retry_after(client: httpx.AsyncClient, world: World,
                                                                       clock: Clock) -> None:
    for _ in range(PAIR_FREE_FAILURES):
        assert (await login(client, "hr_a1", WRONG)).status_code == 401
    api = await login(client, "hr_a1", PASSWORD)
    assert api.status_code == 429 and api.headers["retry-after"] == "60"
    assert api.json()["detail"] == "Too many failed sign-ins. Try again in 1 minute."
    token = TOKEN.search((await client.get("/")).text)
    assert token
    page = await client.post("/login", data={"username": "hr_a1", "password": PASSWORD,
                                             "_csrf_token": token.group(1)})
    assert page.status_code == 429 and page.headers["retry-after"] == "60"
    assert api.json()["detail"] in page.text and 'name="username"' in page.text
    clock.advance(seconds=30)
    later = await login(client, "hr_a1", PASSWORD)
    assert later.headers["retry-after"] == "30"
    assert later.json()["detail"] == "Too many failed sign-ins. Try again in 30 seconds."


async def _rows() -> list[tuple[str, str, bool]]:
    rows = await SignInAttempt.select(SignInAttempt.username, SignInAttempt.client_ip, SignInAttempt.succeeded)
    return sorted((r["username"], r["client_ip"], r["succeeded"]) for r in rows)


async def test_attempts_are_pruned(world: World, clock: Clock, from_address: FromAddress) -> None:
    for _ in range(3):
        assert (await login_from(from_address, "10.0.0.5", "hr_a1", PASSWORD)).status_code == 200
    assert await _rows() == [("hr_a1", "10.0.0.5", True)]  # one success a pair is enough to know the address
    for address in ("10.0.0.6", "10.0.0.7"):
        assert (await login_from(from_address, address, "ghost", WRONG)).status_code == 401
    clock.advance(seconds=FAILURE_WINDOW.total_seconds() + 1)
    assert (await login_from(from_address, "10.0.0.8", "ghost", WRONG)).status_code == 401
    assert await _rows() == [("ghost", "10.0.0.8", False), ("hr_a1", "10.0.0.5", True)]
    clock.advance(seconds=KNOWN_ADDRESS_PERIOD.total_seconds())
    assert (await login_from(from_address, "10.0.0.8", "ghost", WRONG)).status_code == 401
    assert await _rows() == [("ghost", "10.0.0.8", False)]


def test_the_message_counts_whole_minutes_up() -> None:
    words = core.services._in_words
    assert [words(1), words(59), words(60), words(61), words(900)] == [
        "1 second", "59 seconds", "1 minute", "2 minutes", "15 minutes"]

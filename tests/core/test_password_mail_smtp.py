"""A forgotten password's link travels the reminders' path to a real SMTP server (aiosmtpd, started here), and
works once; a second use and an expired link are refused. Time moves by passing `now`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from httpx import AsyncClient

from core.accounts import request_password_reset, set_password_with_link
from core.clock import now_utc
from core.errors import CoreErrorCode, NotFound
from core.settings import get_settings
from scheduler.delivery import deliver_pending
from scheduler.jobs import background_delivery
from scheduler.outbox_tables import Notification
from tests.admin_ui.test_pages_common import post_form
from tests.factories import World
from tests.scheduler.test_delivery import SmtpServer

NEW = "a brand new passphrase"
LINK = re.compile(r"http://\S+(/password/reset/[A-Za-z0-9_-]+)")


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A real SMTP server, named by the app's own settings for the test's duration."""
    server = SmtpServer()
    server.start()
    monkeypatch.setenv("CSAS_SMTP_URL", server.url)
    get_settings.cache_clear()
    yield server
    monkeypatch.undo()
    get_settings.cache_clear()
    server.stop()


def received_link(server: SmtpServer, recipient: str) -> str:
    messages = [m for m in server.handler.messages() if m["To"] == recipient]
    assert messages, f"nothing reached {recipient}"
    found = LINK.search(messages[-1].get_content())
    assert found, messages[-1].get_content()
    return found.group(1)


async def test_the_reset_message_arrives_and_its_link_works_once(
        client: AsyncClient, world: World, smtp_server: SmtpServer) -> None:
    await post_form(client, "/password/forgotten", {"identifier": "hr_a1"})
    await background_delivery.deliver()  # the run the page started beside its answer, awaited
    assert await Notification.count().where(Notification.status == "sent") == 1
    (message,) = smtp_server.handler.messages()
    assert message["Subject"] == "Reset your CSAS Register password" and message["To"] == "hr_a1@example.org"
    path = received_link(smtp_server, "hr_a1@example.org")
    done = await post_form(client, path, {"new_password": NEW, "confirm_password": NEW})
    assert done.status_code == 303
    login = await client.post("/api/auth/login", json={"username": "hr_a1", "password": NEW})
    assert login.status_code == 200
    second = await client.get(path)
    assert second.status_code == 404 and "already been used" in second.text


async def test_an_expired_link_from_the_message_is_refused(world: World, smtp_server: SmtpServer) -> None:
    now = now_utc()
    await request_password_reset("mgr_a1a", now=now)
    assert (await deliver_pending(now)).sent == 1
    token = received_link(smtp_server, "mgr_a1a@example.org").rsplit("/", 1)[1]
    with pytest.raises(NotFound) as raised:
        await set_password_with_link(token, NEW, now=now + dt.timedelta(minutes=get_settings().reset_link_minutes))
    assert raised.value.code == CoreErrorCode.LINK_EXPIRED

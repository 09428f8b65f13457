"""Your account in the browser: change your password (every role), forgotten password, the link's page, and the
administrator's invitation with the officer picked by name and scopes shown by name."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from httpx import AsyncClient

from core.errors import NotAuthenticated
from core.services import sign_in as service_sign_in
from core.tables import PasswordLink, User
from scheduler.outbox_tables import Notification
from tests.admin_ui.test_pages_common import TOKEN, post_form, sign_in
from tests.factories import PASSWORD, World

NEW = "a brand new passphrase"
LINK = re.compile(r"http://\S+(/password/(?:reset|set)/[A-Za-z0-9_-]+)")
ROLES = ["admin", "coord_a", "vet_a", "hr_a1", "mgr_a1a", "off_a1a1"]


async def password_works(username: str, password: str) -> bool:
    try:
        await service_sign_in(username, password)
    except NotAuthenticated:
        return False
    return True


async def link_path(recipient: str) -> str:
    rows = await Notification.select(Notification.body).where(Notification.recipient_email == recipient) \
        .order_by(Notification.id, ascending=False)
    assert rows, f"no message to {recipient}"
    found = LINK.search(rows[0]["body"])
    assert found
    return found.group(1)


@pytest.mark.parametrize("who", ROLES)
async def test_every_role_changes_their_own_password_from_the_header(
        client: AsyncClient, world: World, who: str) -> None:
    await sign_in(client, who)
    landing = await client.get("/", follow_redirects=True)
    assert 'href="/account/password">Change your password</a>' in landing.text
    done = await post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW})
    assert done.status_code == 303, done.text
    assert "Your password was changed." in (await client.get(done.headers["location"])).text
    assert await password_works(who, NEW) and not await password_works(who, PASSWORD)
    others = [u for u in ROLES if u != who]
    assert all([await password_works(u, PASSWORD) for u in others])  # only their own


@pytest.mark.parametrize(("answers", "field"), [
    ({"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"}, "new_password"),
    ({"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW + "x"}, "confirm_password"),
    ({"current_password": "not it at all", "new_password": NEW, "confirm_password": NEW}, "current_password"),
])
async def test_a_bad_answer_is_shown_by_its_field_on_the_first_page(
        client: AsyncClient, world: World, answers: dict[str, str], field: str) -> None:
    await sign_in(client, "off_a1a1")
    page = await post_form(client, "/account/password", answers)
    assert page.status_code == 422
    assert (f'id="{field}-error"' in page.text and "<title>Error: " in page.text) or f'id="{field}-error"' in page.text
    assert PASSWORD not in page.text and NEW not in page.text  # secrets never written back
    assert await password_works("off_a1a1", PASSWORD)


async def test_changing_the_password_signs_out_the_other_sessions(app: object, client: AsyncClient,
                                                                  world: World) -> None:
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
                                 base_url="http://testserver") as other:
        await sign_in(other, "hr_a1")
        await sign_in(client, "hr_a1")
        await post_form(client, "/account/password", {
            "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW})
        assert (await client.get("/vetting")).status_code == 200
        assert (await other.get("/vetting")).headers.get("location") == "/?next=%2Fvetting"


async def test_forgotten_password_answers_alike_and_its_link_works_once(client: AsyncClient, world: World) -> None:
    signin = await client.get("/")
    assert 'href="/password/forgotten">Forgotten your password?</a>' in signin.text
    known = await post_form(client, "/password/forgotten", {"identifier": "mgr_a1a@example.org"})
    unknown = await post_form(client, "/password/forgotten", {"identifier": "no.such@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'name="_csrf_token" value="[^"]+"')
    assert strip.sub("", known.text) == strip.sub("", unknown.text)
    assert "If an account matches what you entered, we have sent a link" in known.text
    path = await link_path("mgr_a1a@example.org")
    form = await client.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.text and "mgr_a1a" in form.text
    short = await post_form(client, path, {"new_password": "short", "confirm_password": "short"})
    assert short.status_code == 422 and 'id="new_password-error"' in short.text
    done = await post_form(client, path, {"new_password": NEW, "confirm_password": NEW})
    assert done.status_code == 303 and done.headers["location"] == "/?done=password_set"
    assert "Your password was set." in (await client.get(done.headers["location"])).text
    assert await password_works("mgr_a1a", NEW)
    again = await client.get(path)
    assert again.status_code == 404 and "This link has already been used" in again.text
    assert 'href="/password/forgotten">Ask for a new link</a>' in again.text


async def test_an_expired_link_gets_a_page_that_offers_a_new_one(client: AsyncClient, world: World) -> None:
    await post_form(client, "/password/forgotten", {"identifier": "hr_a1"})
    path = await link_path("hr_a1@example.org")
    await PasswordLink.update({PasswordLink.expires_at: dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}).where(
        PasswordLink.id > 0)
    page = await client.get(path)
    assert page.status_code == 404 and "This link has expired" in page.text and "Ask for a new link" in page.text
    token = TOKEN.search((await client.get("/")).text)
    assert token
    refused = await client.post(path, data={"new_password": NEW, "confirm_password": NEW,
                                            "_csrf_token": token.group(1)})
    assert refused.status_code == 404
    assert await password_works("hr_a1", PASSWORD)


async def test_asking_too_often_is_explained_on_the_page(client: AsyncClient, world: World) -> None:
    from core.accounts import RESETS_PER_ADDRESS

    for n in range(RESETS_PER_ADDRESS):
        assert (await post_form(client, "/password/forgotten", {"identifier": f"guess{n}"})).status_code == 200
    refused = await post_form(client, "/password/forgotten", {"identifier": "hr_a1"})
    assert refused.status_code == 429 and "Too many requests. Try again in 15 minutes." in refused.text
    assert await Notification.count() == 0


async def test_an_empty_request_is_shown_by_the_field(client: AsyncClient, world: World) -> None:
    page = await post_form(client, "/password/forgotten", {"identifier": " "})
    assert page.status_code == 422 and 'id="identifier-error"' in page.text
    assert await Notification.count() == 0


# --- the administrator's Add a user ---------------------------------------------------------------------

async def test_add_a_user_invites_by_default_and_picks_the_officer_by_name(client: AsyncClient,
                                                                          world: World) -> None:
    await sign_in(client, "admin")
    form = await client.get("/admin/users/new")
    assert 'value="invite" checked' in form.text
    officer = world.officers["A1a-2"]
    assert f'<option value="{officer}">OfficerA1A2, Alex (Council A1)</option>' in form.text
    assert "record number" not in form.text
    answers = {"username": "new_officer", "email": "new.officer@example.org", "password_choice": "invite",
               "role": "officer", "officer_id": str(officer)}
    check = await post_form(client, "/admin/users/new", answers)
    assert "OfficerA1A2, Alex (Council A1)" in check.text and 'type="password"' not in check.text
    done = await post_form(client, "/admin/users/new", {**answers, "confirm": "yes"})
    assert done.status_code == 303, done.text
    assert "sent an email with a link" in (await client.get(done.headers["location"])).text
    user = await User.select().where(User.username == "new_officer").first()
    assert user is not None and user["officer_id"] == officer
    path = await link_path("new.officer@example.org")
    assert path.startswith("/password/set/")
    assert "Choose your password" in (await client.get(path)).text


async def test_setting_a_password_now_is_checked_on_the_first_page(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    answers = {"username": "new_hr", "email": "new.hr@example.org", "password_choice": "set", "role": "hr",
               "organisation_id": str(world.orgs["A1"])}
    missing = await post_form(client, "/admin/users/new", answers)
    assert missing.status_code == 422 and 'id="password-error"' in missing.text
    short = await post_form(client, "/admin/users/new", {**answers, "password": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.text
    assert await User.count().where(User.username == "new_hr") == 0


async def test_the_users_list_names_each_scope(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    page = (await client.get("/admin")).text
    assert ">Force A<" in page and ">Council A1<" in page and ">Team A1a<" in page
    assert f'href="/officers/{world.officers["A1a-1"]}">Alex OfficerA1A1</a>' in page
    assert "Force 1" not in page and "Organisation 1" not in page

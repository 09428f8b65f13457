"""The browser's edges: error pages (404, 403, 405, 500, CSRF) as HTML for people and problem details for the API and
scripts; sign-in that returns to the page asked for, never to another site; the menu, back links, Change links
and "Error: " titles."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from httpx import AsyncClient

from admin_ui.errors import local_path
from tests.admin_ui.test_pages_common import TOKEN, post_form, sign_in
from tests.factories import PASSWORD, World

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
H1 = re.compile(r'<h1 class="govuk-heading-l">([^<]+)</h1>')


def heading(html: str) -> str:
    found = H1.search(html)
    assert found, html
    return found.group(1)


def title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found, html
    return found.group(1)


def assert_error_page(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert heading(response.text) == words
    assert 'href="/">Go to your start page</a>' in response.text
    assert "Traceback" not in response.text and '"code"' not in response.text
    # The error page is still one of ours: the security headers stay on it.
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("signed_in", [False, True])
async def test_a_mistyped_address_is_a_page_not_found_page_for_a_browser(
        client: AsyncClient, world: World, signed_in: bool) -> None:
    if signed_in:
        await sign_in(client, "hr_a1")
    response = await client.get("/offciers", headers=BROWSER)
    assert_error_page(response, 404, "Page not found")
    assert "check it is correct" in response.text
    # Signed in, the page keeps the menu and the way to sign out; signed out, it shows neither.
    assert ('aria-label="Menu"' in response.text) is signed_in
    assert ('href="/officers"' in response.text) is signed_in
    assert ('action="/logout"' in response.text) is signed_in
    if signed_in:  # and its Sign out button works
        token = re.search(r'name="_csrf_token" value="([^"]+)"', response.text)
        assert token, response.text
        signed_out = await client.post("/logout", data={"_csrf_token": token.group(1)}, headers=BROWSER)
        assert signed_out.status_code == 303
        assert (await client.get("/offciers", headers=BROWSER)).text.count('aria-label="Menu"') == 0


async def test_a_missing_record_on_a_page_is_a_page_not_found_page(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    response = await client.get("/officers/99999", headers={**BROWSER, "Referer": "http://testserver/officers"})
    assert_error_page(response, 404, "Page not found")
    assert '<a href="/officers" class="govuk-back-link">Back</a>' in response.text


async def test_a_back_link_never_points_at_another_site(client: AsyncClient, world: World) -> None:
    await sign_in(client, "admin")
    response = await client.get("/officers/99999", headers={**BROWSER, "Referer": "https://evil.example/officers"})
    assert response.status_code == 404
    assert "govuk-back-link" not in response.text and "evil.example" not in response.text


async def test_a_wrong_method_is_a_page_for_a_browser(client: AsyncClient, world: World) -> None:
    response = await client.get("/logout", headers=BROWSER)
    assert_error_page(response, 405, "This address cannot be used like that")


async def test_a_page_outside_the_role_is_a_permission_page(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    response = await client.get("/admin", headers={**BROWSER, "Referer": "http://testserver/team"})
    assert_error_page(response, 403, "You do not have permission to see this page")
    assert '<a href="/team" class="govuk-back-link">Back</a>' in response.text
    assert current_item(response.text) == []  # the page came from Team readiness but is not part of it


async def test_a_form_with_an_expired_csrf_token_explains_itself(client: AsyncClient, world: World) -> None:
    await sign_in(client, "off_a1a1")
    response = await client.post("/me/declaration", data={"kind": "change_of_circumstances", "confirm": "yes",
                                                          "_csrf_token": "0" * 128},
                                 headers={**BROWSER, "Referer": "http://testserver/me/declaration"})
    assert_error_page(response, 403, "Your form could not be sent")
    assert "Nothing was saved" in response.text and "CSRF token" not in response.text
    assert '<a href="/me/declaration" class="govuk-back-link">Back</a>' in response.text


async def test_a_server_fault_is_a_page_without_the_exception(client: AsyncClient, world: World,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import admin_ui.pages_manager

    await sign_in(client, "hr_a1")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals at /srv/csas/db.py line 42")

    monkeypatch.setattr(admin_ui.pages_manager, "list_officers", broken)
    response = await client.get("/officers", headers=BROWSER)
    assert_error_page(response, 500, "Sorry, there is a problem with the service")
    assert "secret internals" not in response.text and "RuntimeError" not in response.text


@pytest.mark.parametrize("path", ["/offciers", "/api/offciers", "/api/officers/99999"])
async def test_scripts_and_the_api_keep_problem_details(client: AsyncClient, world: World, path: str) -> None:
    # A script (curl sends */*) gets JSON anywhere; the API answers JSON even to a browser.
    for headers in ({"Accept": "*/*"}, BROWSER if path.startswith("/api/") else {"Accept": "application/json"}):
        response = await client.get(path, headers={**headers, **world.auth("admin")})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"].endswith("not_found")


async def test_the_api_answers_a_server_fault_with_problem_details_even_to_a_browser(
        client: AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from register.officers import services

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "list_officers", broken)
    response = await client.get("/api/officers", headers={**BROWSER, **world.auth("admin")})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "internal_error" and "a bug" not in response.text


# --- Signing in returns to the page asked for ----------------------------------------------------------------

async def test_a_signed_out_page_sends_you_to_sign_in_and_back(client: AsyncClient, world: World) -> None:
    wanted = "/team/calendar?month=2027-03"
    response = await client.get(wanted)
    assert response.status_code == 303
    location = response.headers["location"]
    assert parse_qs(urlsplit(location).query) == {"next": [wanted]}
    signin = await client.get(location)
    assert f'name="next" value="{wanted.replace("&", "&amp;")}"' in signin.text
    token = TOKEN.search(signin.text)
    assert token
    landed = await client.post("/login", data={"username": "mgr_a1a", "password": PASSWORD, "next": wanted,
                                               "_csrf_token": token.group(1)})
    assert landed.status_code == 303 and landed.headers["location"] == wanted
    assert (await client.get(wanted)).status_code == 200


async def test_an_expired_session_posting_a_form_is_shown_the_form_again_after_signing_in(
        client: AsyncClient, world: World) -> None:
    from core.tables import UserSession
    from vetting.tables import Declaration

    await sign_in(client, "off_a1a1")
    form = await client.get("/me/declaration")
    token = TOKEN.search(form.text)
    assert token
    await UserSession.delete(force=True)  # the session ended while the form was open
    posted = await client.post("/me/declaration", data={"kind": "change_of_circumstances", "confirm": "yes",
                                                       "_csrf_token": token.group(1)})
    assert posted.status_code == 303
    assert posted.headers["location"] == "/?next=%2Fme%2Fdeclaration"
    signin = await client.get(posted.headers["location"])
    token = TOKEN.search(signin.text)
    assert token
    landed = await client.post("/login", data={"username": "off_a1a1", "password": PASSWORD,
                                               "next": "/me/declaration", "_csrf_token": token.group(1)})
    assert landed.headers["location"] == "/me/declaration"
    again = await client.get("/me/declaration")
    assert again.status_code == 200 and "Submit a declaration" in again.text
    assert await Declaration.count() == 0  # the posted answers were not replayed


@pytest.mark.parametrize("evil", ["//evil.example", "https://evil.example/", "/\\evil.example", "/\t/evil.example",
                                  "http:/evil.example", "evil.example", "javascript:alert(1)", ""])
async def test_signing_in_never_sends_you_to_another_site(client: AsyncClient, world: World, evil: str) -> None:
    assert local_path(evil) is None
    signin = await client.get("/", params={"next": evil})
    assert "evil" not in signin.text
    token = TOKEN.search(signin.text)
    assert token
    landed = await client.post("/login", data={"username": "hr_a1", "password": PASSWORD, "next": evil,
                                               "_csrf_token": token.group(1)})
    assert landed.status_code == 303 and landed.headers["location"] == "/"


# --- Navigation ----------------------------------------------------------------------------------------------

def current_item(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)" aria-current="page"', html)


@pytest.mark.parametrize(("who", "path", "marked"), [
    ("admin", "/admin", "/admin"),
    ("admin", "/admin/policy/lead-times", "/admin/policy"),
    ("admin", "/officers/{A1a-1}", "/officers"),
    ("mgr_a1a", "/team/calendar", "/team/calendar"),
    ("mgr_a1a", "/officers/{A1a-1}/training/new", "/officers"),
    ("mgr_a1a", "/calendar/team/{team}", "/team/calendar"),
    ("coord_a", "/officers/{A1a-1}/accreditations/new", "/officers"),
    ("hr_a1", "/officers/{A1a-1}/vetting/new", "/officers"),
    ("off_a1a1", "/me/declaration", "/me"),
])
async def test_the_menu_marks_where_you_are(client: AsyncClient, world: World, who: str, path: str,
                                            marked: str) -> None:
    from register.tables import Officer

    await sign_in(client, who)
    team = (await Officer.select(Officer.team).where(Officer.id == world.officers["A1a-1"]).first())["team"]
    url = re.sub(r"\{([^}]+)\}", lambda m: str(team if m.group(1) == "team" else world.officers[m.group(1)]), path)
    page = await client.get(url)
    assert page.status_code == 200, page.text
    assert current_item(page.text) == [marked]


@pytest.mark.parametrize(("who", "path", "back"), [
    ("hr_a1", "/officers/{A1a-1}", "/officers"),
    ("mgr_a1a", "/officers/{A1a-1}/training/new", "/officers/{A1a-1}"),
])
async def test_record_and_form_pages_have_a_back_link(client: AsyncClient, world: World, who: str, path: str,
                                                      back: str) -> None:
    await sign_in(client, who)
    fill = lambda text: re.sub(r"\{([^}]+)\}", lambda m: str(world.officers[m.group(1)]), text)  # noqa: E731
    page = await client.get(fill(path))
    assert f'<a href="{fill(back)}" class="govuk-back-link">Back</a>' in page.text


async def test_check_answers_has_change_links_that_keep_the_answers(client: AsyncClient, world: World) -> None:
    from scheduler.policy_store import policy_document

    await sign_in(client, "admin")
    before = (await policy_document())["lead_times"]
    url = "/admin/policy/lead-times"
    names = re.findall(r'name="(lead_times__\w+)"', (await client.get(url)).text)
    assert names
    answers = {name: str(170 + i) for i, name in enumerate(names)}
    check = await post_form(client, url, answers)
    assert check.status_code == 200 and "Are you sure" in check.text
    for name in names:
        assert f'action="{url}#{name}"' in check.text
        assert f'name="change" value="{name}"' in check.text
    token = TOKEN.search(check.text)
    assert token
    # What the Change button posts: the answers (the check page's hidden fields) and which one to change.
    hidden = dict(re.findall(r'<input type="hidden" name="(lead_times__\w+)" value="([^"]*)">', check.text))
    assert hidden == answers
    back = await client.post(url, data={**hidden, "change": names[1], "_csrf_token": token.group(1)})
    assert back.status_code == 200
    assert heading(back.text) == "Change the lead times" and "govuk-error-summary" not in back.text
    for name, value in answers.items():
        assert re.search(rf'id="{name}" name="{name}" type="text" inputmode="numeric" value="{value}"', back.text)
    assert (await policy_document())["lead_times"] == before  # nothing written


async def test_a_page_with_errors_says_so_in_its_title(client: AsyncClient, world: World) -> None:
    signin = await client.get("/")
    assert title(signin.text) == "Sign in - CSAS Register"
    token = TOKEN.search(signin.text)
    assert token
    refused = await client.post("/login", data={"username": "admin", "password": "nope",
                                                "_csrf_token": token.group(1)})
    assert refused.status_code == 401 and title(refused.text) == "Error: Sign in - CSAS Register"
    await sign_in(client, "admin")
    url = "/admin/policy/lead-times"
    assert title((await client.get(url)).text) == "Change the lead times - CSAS Register"
    wrong = await post_form(client, url, {"lead_times__kit": "soon"})
    assert wrong.status_code == 422
    assert title(wrong.text) == "Error: Change the lead times - CSAS Register"


async def test_signing_in_with_an_expired_form_explains_itself(client: AsyncClient, world: World) -> None:
    await client.get("/")
    response = await client.post("/login", data={"username": "admin", "password": PASSWORD},
                                 headers={**BROWSER, "Referer": "http://testserver/"})
    assert_error_page(response, 403, "Your form could not be sent")
    assert "csas_session" not in response.cookies


async def test_a_signed_in_person_sent_to_sign_in_goes_straight_on(client: AsyncClient, world: World) -> None:
    await sign_in(client, "mgr_a1a")
    onward = await client.get("/", params={"next": "/team/training"})
    assert onward.status_code == 303 and onward.headers["location"] == "/team/training"
    elsewhere = await client.get("/", params={"next": "//evil.example"})
    assert elsewhere.headers["location"] == "/team"


@pytest.mark.parametrize(("who", "path", "label"), [
    ("admin", "/admin/policy", "Vetting levels"),  # named by its caption
    ("admin", "/officers/{A1a-1}", "Renewal steps, worked back from each expiry"),
    ("hr_a1", "/officers", "Officers, scrolls sideways on a narrow screen"),  # the template's own region, kept
    ("mgr_a1a", "/team/training", "Training matrix, scrolls sideways"),  # the template's own region, kept
])
async def test_every_table_scrolls_inside_a_labelled_region(client: AsyncClient, world: World, who: str, path: str,
                                                            label: str) -> None:
    await sign_in(client, who)
    page = await client.get(re.sub(r"\{([^}]+)\}", lambda m: str(world.officers[m.group(1)]), path))
    assert page.status_code == 200
    regions = re.findall(r'<div class="csas-scroll" role="region" aria-label="([^"]+)"[^>]*tabindex="0">\s*<table',
                         page.text)
    assert label in regions
    assert len(regions) == page.text.count("<table")

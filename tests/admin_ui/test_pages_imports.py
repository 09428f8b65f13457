"""The import pages: upload → the dry run's preview (each row's problems in a table; the changes) → confirm →
the import, all or nothing, with a banner counting the rows. Who may import which dataset is the API's rule."""

from __future__ import annotations

import base64
import re

import pytest
from httpx import AsyncClient, Response

from core.tables import AuditEvent
from register.tables import Officer
from reports.spreadsheets import MAX_UPLOAD_BYTES
from tests.admin_ui.test_pages_common import TOKEN, sign_in
from tests.factories import World

GOOD = ("staff_number,given_name,family_name,email,organisation,team,started_on\n"
        "N100,Sam,Newby,sam.newby@council.example,Council A1,Team A1a,2026-01-05\n"
        "N101,Jo,Newman,jo.newman@council.example,Council A1,,2026-02-01\n")
BAD = ("staff_number,given_name,family_name,email,organisation,started_on\n"
       "N200,Ann,Ok,ann@council.example,Council A1,2026-01-05\n"
       "N201,Bea,Bad,bea@council.example,Council Nowhere,2026-13-40\n")


async def _token(client: AsyncClient, url: str) -> str:
    page = await client.get(url)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found
    return found.group(1)


async def upload(client: AsyncClient, dataset: str, name: str, content: bytes | str) -> tuple[str, Response]:
    token = await _token(client, f"/imports/{dataset}")
    body = content.encode() if isinstance(content, str) else content
    response = await client.post(f"/imports/{dataset}", data={"_csrf_token": token}, files={"file": (name, body)})
    return token, response


def hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


async def test_the_coordinator_reaches_imports_from_the_menu(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    landing = await client.get("/forecast")
    assert 'href="/imports"' in landing.text
    index = await client.get("/imports")
    assert index.status_code == 200
    for dataset in ("officers", "training", "kit"):
        assert f'href="/imports/{dataset}"' in index.text
    assert 'href="/imports/vetting"' not in index.text  # vetting clearances are the vetting unit's


async def test_a_file_with_problems_shows_each_by_row_and_cannot_be_confirmed(client: AsyncClient,
                                                                               world: World) -> None:
    await sign_in(client, "coord_a")
    before = await Officer.count()
    _, response = await upload(client, "officers", "new.csv", BAD)
    assert response.status_code == 422
    html = response.text
    assert "<title>Error: " in html and "This file cannot be imported" in html
    problems = html.split('id="problems"')[1].split("</table>")[0]
    assert ">3</td>" in problems  # the spreadsheet's row number: the heading is row 1
    assert "Organisation" in problems and "Started on" in problems
    assert "Council Nowhere" in problems
    assert 'name="confirm"' not in html and 'name="content"' not in html
    assert await Officer.count() == before


async def test_a_good_file_is_previewed_then_imported_on_confirmation(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    before = await Officer.count()
    token, response = await upload(client, "officers", "new.csv", GOOD)
    html = response.text
    assert response.status_code == 200, html
    counts = html.split('id="import-counts"')[1].split("</dl>")[0]
    assert re.search(r"To be added</dt><dd[^>]*>2<", counts)
    changes = html.split('id="changes"')[1].split("</table>")[0]
    assert "N100, Sam, Newby" in changes and "Add" in changes
    assert await Officer.count() == before  # the preview is a dry run
    fields = hidden(html)
    assert fields["confirm"] == "yes" and fields["content"] and fields["filename"] == "new.csv"
    audited = await AuditEvent.count()
    done = await client.post("/imports/officers", data={**fields, "_csrf_token": token},
                             files={"unused": ("x", b"")})
    assert done.status_code == 303, done.text
    assert await Officer.count() == before + 2
    assert await AuditEvent.count() > audited  # written through the batch service, which audits
    banner = await client.get(done.headers["location"])
    assert "2 rows were imported: 2 added, 0 updated" in banner.text
    _, again = await upload(client, "officers", "new.csv", GOOD)
    assert "would change nothing" in again.text and 'name="confirm"' not in again.text


async def test_a_confirmation_imports_only_the_file_this_user_previewed(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    token, response = await upload(client, "officers", "new.csv", GOOD)
    fields = hidden(response.text)
    other = GOOD.replace("N101", "N999").encode()
    forged = {**fields, "content": base64.b64encode(other).decode()}
    before = await Officer.count()
    refused = await client.post("/imports/officers", data={**forged, "_csrf_token": token},
                                files={"unused": ("x", b"")})
    assert refused.status_code == 422 and "upload the file again" in refused.text
    assert await Officer.count() == before


async def test_a_preview_older_than_its_lifetime_cannot_be_confirmed(client: AsyncClient, world: World,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from admin_ui import pages_imports

    await sign_in(client, "coord_a")
    token, response = await upload(client, "officers", "new.csv", GOOD)
    fields = hidden(response.text)
    monkeypatch.setattr(pages_imports, "PREVIEW_LIFETIME_SECONDS", -1)  # as if the hour had passed
    before = await Officer.count()
    refused = await client.post("/imports/officers", data={**fields, "_csrf_token": token},
                                files={"unused": ("x", b"")})
    assert refused.status_code == 422 and "The preview has expired" in refused.text
    assert await Officer.count() == before


async def test_another_users_preview_cannot_be_confirmed(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    _, response = await upload(client, "officers", "new.csv", GOOD)
    fields = hidden(response.text)
    await client.post("/logout", data={"_csrf_token": TOKEN.search(response.text).group(1)})  # type: ignore[union-attr]
    await sign_in(client, "hr_a1")
    token = await _token(client, "/imports/officers")
    refused = await client.post("/imports/officers", data={**fields, "_csrf_token": token},
                                files={"unused": ("x", b"")})
    assert refused.status_code == 422
    assert await Officer.count() == 8


async def test_a_file_that_is_not_a_table_is_refused_on_the_upload_page(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    _, response = await upload(client, "officers", "new.xlsx", "not a workbook")
    assert response.status_code == 422
    assert "not an Excel workbook" in response.text and 'id="file"' in response.text
    assert "<title>Error: Import officers" in response.text
    _, missing = await upload(client, "officers", "cols.csv", "staff_number\nN1\n")
    assert "Missing required column" in missing.text


async def test_a_file_over_the_limit_is_refused_with_the_apis_limit(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    _, response = await upload(client, "officers", "big.csv", b"a" * (MAX_UPLOAD_BYTES + 1))
    assert response.status_code == 413
    assert "larger than the 10 MB limit" in response.text


async def test_an_upload_without_the_csrf_token_is_refused(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    # A form post (a multipart one refused by the CSRF middleware leaves Litestar's spooled file to the collector).
    response = await client.post("/imports/officers", data={"confirm": "yes", "content": "eA=="})
    assert response.status_code == 403
    assert await Officer.count() == 8


@pytest.mark.parametrize(("who", "allowed", "refused"), [
    ("admin", ["officers", "vetting", "kit", "training"], []),
    ("hr_a1", ["officers", "kit", "training"], ["vetting"]),
    ("mgr_a1a", ["kit", "training"], ["officers", "vetting"]),
    ("vet_a", ["vetting"], ["officers", "kit", "training"]),
    ("off_a1a1", [], ["officers", "vetting", "kit", "training"]),
])
async def test_who_may_import_what(client: AsyncClient, world: World, who: str, allowed: list[str],
                                   refused: list[str]) -> None:
    await sign_in(client, who)
    index = await client.get("/imports")
    assert index.status_code == (200 if allowed else 403)
    assert ('href="/imports"' in index.text) == bool(allowed)  # in the menu of every role that may import
    for dataset in allowed:
        assert (await client.get(f"/imports/{dataset}")).status_code == 200
    for dataset in refused:
        assert (await client.get(f"/imports/{dataset}")).status_code == 403
        assert f'href="/imports/{dataset}"' not in index.text


async def test_an_unknown_dataset_is_not_found(client: AsyncClient, world: World) -> None:
    await sign_in(client, "coord_a")
    assert (await client.get("/imports/accreditations")).status_code == 404

"""The photo on the officer's record page (issue 20): "No photo held" or the photo; upload → check the photo as it
will be kept → save; replace; remove with a confirmation; a file that is not a usable photo is refused in the error
summary and beside the file input; only HR, coordinators and administrators see the links and may use the pages."""

from __future__ import annotations

import base64
import io
import re

from httpx import AsyncClient, Response
from PIL import Image

from register.tables import OfficerPhoto
from tests.admin_ui.test_pages_common import TOKEN, post_form, sign_in
from tests.admin_ui.test_pages_imports import hidden
from tests.factories import World
from tests.register.officers.photo_files import GPS_IFD, jpeg, phone_jpeg


async def upload(client: AsyncClient, officer_id: int, name: str, content: bytes) -> Response:
    form = await client.get(f"/officers/{officer_id}/photo")
    assert form.status_code == 200, form.text
    token = TOKEN.search(form.text)
    assert token
    return await client.post(f"/officers/{officer_id}/photo", data={"_csrf_token": token.group(1)},
                             files={"file": (name, content)})


async def confirm(client: AsyncClient, officer_id: int, check: Response) -> Response:
    fields = hidden(check.text)
    assert fields["confirm"] == "yes"
    token = TOKEN.search(check.text)
    assert token
    return await client.post(f"/officers/{officer_id}/photo", data={**fields, "_csrf_token": token.group(1)},
                             files={"unused": ("", b"")})


async def test_hr_uploads_checks_and_saves_a_photo(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    await sign_in(client, "hr_a1")
    record = await client.get(f"/officers/{officer_id}")
    assert 'id="no-photo"' in record.text and "No photo held." in record.text
    assert f'href="/officers/{officer_id}/photo">Upload a photo<' in record.text
    check = await upload(client, officer_id, "phone.jpg", phone_jpeg())
    assert check.status_code == 200, check.text
    assert "Check the photo" in check.text and await OfficerPhoto.count() == 0  # nothing kept before confirming
    shown = re.search(r'src="data:image/jpeg;base64,([^"]+)"', check.text)
    assert shown
    preview = Image.open(io.BytesIO(base64.b64decode(shown.group(1))))
    assert preview.size == (420, 540) and not preview.getexif().get_ifd(GPS_IFD)
    saved = await confirm(client, officer_id, check)
    assert saved.status_code == 303 and saved.headers["location"] == f"/officers/{officer_id}?done=photo"
    record = await client.get(saved.headers["location"])
    assert "The photo was saved." in record.text
    assert f'src="/api/officers/{officer_id}/photo.jpg"' in record.text and 'alt="Photograph of Alex' in record.text
    assert "Replace the photo" in record.text and "Remove the photo" in record.text
    assert await OfficerPhoto.count() == 1
    image = await client.get(f"/api/officers/{officer_id}/photo.jpg")  # the page's image, by the session
    assert image.status_code == 200 and image.content == base64.b64decode(shown.group(1))


async def test_a_tampered_or_stale_check_saves_nothing(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    await sign_in(client, "coord_a")
    check = await upload(client, officer_id, "me.jpg", jpeg())
    fields = hidden(check.text)
    fields["content"] = base64.b64encode(jpeg(colour=(0, 0, 0))).decode()
    token = TOKEN.search(check.text)
    assert token
    reply = await client.post(f"/officers/{officer_id}/photo", data={**fields, "_csrf_token": token.group(1)},
                              files={"unused": ("", b"")})
    assert reply.status_code == 422 and "upload it again" in reply.text
    assert await OfficerPhoto.count() == 0


async def test_not_a_photo_is_refused_in_the_error_summary(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    await sign_in(client, "hr_a1")
    reply = await upload(client, officer_id, "photo.jpg", b"This is a text file, not a photo.\n")
    assert reply.status_code == 422
    assert "govuk-error-summary" in reply.text and 'href="#file"' in reply.text
    assert 'id="file-error1"' in reply.text and "not a photo the register can read" in reply.text
    assert "<title>Error: " in reply.text
    none = await upload(client, officer_id, "", b"")
    assert none.status_code == 422 and "Select a photo to upload." in none.text
    assert await OfficerPhoto.count() == 0


async def test_replace_then_remove(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    await sign_in(client, "hr_a1")
    await confirm(client, officer_id, await upload(client, officer_id, "a.jpg", jpeg(colour=(200, 0, 0))))
    form = await client.get(f"/officers/{officer_id}/photo")
    assert "Replace the photo" in form.text
    check = await upload(client, officer_id, "b.jpg", jpeg(colour=(0, 0, 200)))
    assert "in place of the one held now" in check.text
    assert (await confirm(client, officer_id, check)).status_code == 303
    assert await OfficerPhoto.count() == 1
    asked = await post_form(client, f"/officers/{officer_id}/photo/remove", {})
    assert asked.status_code == 200 and "Are you sure you want to remove the photo" in asked.text
    assert await OfficerPhoto.count() == 1
    removed = await post_form(client, f"/officers/{officer_id}/photo/remove", {"confirm": "yes"})
    assert removed.status_code == 303 and removed.headers["location"].endswith("done=photo_removed")
    assert await OfficerPhoto.count() == 0
    assert "No photo held." in (await client.get(f"/officers/{officer_id}")).text


async def test_who_sees_the_links_and_may_open_the_pages(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    await sign_in(client, "mgr_a1a")
    record = await client.get(f"/officers/{officer_id}")
    assert "No photo held." in record.text and f"/officers/{officer_id}/photo" not in record.text
    assert (await client.get(f"/officers/{officer_id}/photo")).status_code == 403
    assert (await client.get(f"/officers/{officer_id}/photo/remove")).status_code == 403
    client.cookies.clear()
    await sign_in(client, "hr_a1")
    assert (await client.get(f"/officers/{world.officers['A2a-1']}/photo")).status_code == 403

"""The officer's photo (issue 20): uploaded through the API, kept as a 35:45 JPEG without metadata, turned upright
by its EXIF orientation; anything that is not a usable photo refused with its own code, never a 500; changed only
by whoever may change the officer's employment record, seen by whoever sees the officer; every change audited."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from httpx import AsyncClient, Response
from PIL import Image

from core.tables import AuditEvent
from register.officers import photos
from register.tables import OfficerPhoto
from tests.factories import World
from tests.register.officers.photo_files import (
    GPS_IFD,
    jpeg,
    phone_jpeg,
    png,
    png_header_only,
    transparent_png,
)


async def put(client: AsyncClient, world: World, who: str, officer: str, content: bytes,
              name: str = "me.jpg") -> Response:
    return await client.put(f"/api/officers/{world.officers[officer]}/photo", headers=world.auth(who),
                            files={"file": (name, content, "image/jpeg")})


async def stored(client: AsyncClient, world: World, officer: str = "A1a-1") -> Image.Image:
    reply = await client.get(f"/api/officers/{world.officers[officer]}/photo.jpg", headers=world.auth("admin"))
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(reply.content))
    image.load()
    return image


async def test_a_jpeg_is_stored_upright_at_35_by_45_without_its_metadata(client: AsyncClient, world: World) -> None:
    reply = await put(client, world, "hr_a1", "A1a-1", phone_jpeg())
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["width"], body["height"]) == photos.PHOTO_SIZE == (420, 540)
    assert body["uploaded_by"] == "hr_a1" and body["officer_id"] == world.officers["A1a-1"]
    image = await stored(client, world)
    assert image.format == "JPEG" and image.size == (420, 540)
    # Turned 90° clockwise as its EXIF asked: the red left half is now on top, the blue right half below.
    red, blue = image.getpixel((210, 20)), image.getpixel((210, 520))
    assert isinstance(red, tuple) and isinstance(blue, tuple)
    assert red[0] > 200 and red[2] < 60, red
    assert blue[2] > 200 and blue[0] < 60, blue
    exif = image.getexif()
    assert not exif and not exif.get_ifd(GPS_IFD)
    assert not ({"exif", "icc_profile", "xmp", "comment"} & set(image.info))
    raw = (await OfficerPhoto.select(OfficerPhoto.jpeg).first())["jpeg"]
    assert b"Exif" not in bytes(raw) and b"PhoneMaker" not in bytes(raw)


async def test_the_kept_photo_sent_again_is_kept_byte_for_byte_but_not_one_with_metadata(
        client: AsyncClient, world: World) -> None:
    await put(client, world, "hr_a1", "A1a-1", jpeg())
    kept = await photos.photo_jpeg(world.officers["A1a-1"])
    assert kept is not None
    await put(client, world, "hr_a1", "A1a-2", kept)
    assert await photos.photo_jpeg(world.officers["A1a-2"]) == kept  # no loss from encoding it again
    # The same size and format, but carrying a GPS position and a comment: made again, without them.
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 26.0)}
    out = io.BytesIO()
    Image.open(io.BytesIO(kept)).save(out, "JPEG", exif=exif, comment=b"secret")
    await put(client, world, "hr_a1", "A1b-1", out.getvalue())
    again = await photos.photo_jpeg(world.officers["A1b-1"])
    assert again is not None and again != out.getvalue() and b"secret" not in again
    assert not Image.open(io.BytesIO(again)).getexif().get_ifd(GPS_IFD)


async def test_a_png_with_transparency_is_stored_as_a_jpeg(client: AsyncClient, world: World) -> None:
    reply = await put(client, world, "coord_a", "A1a-1", transparent_png(), "me.png")
    assert reply.status_code == 200, reply.text
    image = await stored(client, world)
    assert image.format == "JPEG" and image.size == (420, 540) and image.mode == "RGB"
    assert image.getpixel((200, 200)) == pytest.approx((255, 255, 255), abs=3)  # transparent is white


async def test_a_wide_photo_is_cropped_not_squashed(client: AsyncClient, world: World) -> None:
    wide = Image.new("RGB", (1200, 500), (0, 0, 255))
    wide.paste((0, 255, 0), (500, 0, 700, 500))  # a green band in the middle fifth
    out = io.BytesIO()
    wide.save(out, "PNG")
    assert (await put(client, world, "admin", "A1a-1", out.getvalue(), "wide.png")).status_code == 200
    image = await stored(client, world)
    # 500 high kept, 389 of 1200 wide (35:45): the 200-wide band is about half of it, centred.
    left, middle = image.getpixel((5, 270)), image.getpixel((210, 270))
    assert isinstance(left, tuple) and isinstance(middle, tuple)
    assert left[2] > 200 and middle[1] > 200


@pytest.mark.parametrize(("content", "name", "status", "code"), [
    (b"Dear HR, my photo is attached.\n", "photo.jpg", 422, "photo_not_an_image"),
    (b"%PDF-1.7\n" + b"0" * 2000, "photo.jpg", 422, "photo_not_an_image"),
    (jpeg()[:300], "cut-short.jpg", 422, "photo_not_an_image"),
    (b"GIF89a" + png((300, 400))[6:], "photo.gif", 422, "photo_not_an_image"),
    (png((8000, 7000), mode="1"), "huge.png", 422, "photo_too_many_pixels"),
    (png_header_only(20_000, 20_000), "bomb.png", 422, "photo_too_many_pixels"),
    (png((100, 120)), "tiny.png", 422, "photo_too_small"),
    (b"", "empty.jpg", 422, "photo_required"),
    (b"\xff\xd8" + b"\0" * photos.MAX_PHOTO_BYTES, "big.jpg", 413, "photo_too_large"),
], ids=["text", "pdf", "truncated", "gif-header", "60-megapixels", "bomb", "tiny", "empty", "over-5-MB"])
async def test_what_is_not_a_usable_photo_is_refused_clearly(client: AsyncClient, world: World, content: bytes,
                                                             name: str, status: int, code: str) -> None:
    reply = await put(client, world, "hr_a1", "A1a-1", content, name)
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["code"] == code and body["violations"][0]["field"] == "file"
    assert body["detail"] and "Traceback" not in body["detail"]
    assert await OfficerPhoto.count() == 0


async def test_a_body_far_over_the_limit_is_refused_before_it_is_read(client: AsyncClient, world: World) -> None:
    reply = await put(client, world, "hr_a1", "A1a-1", b"\0" * (photos.UPLOAD_LIMIT + 1024))
    assert reply.status_code == 413 and reply.json()["code"] == "photo_too_large"


async def test_a_form_field_instead_of_a_file_is_refused(client: AsyncClient, world: World) -> None:
    reply = await client.put(f"/api/officers/{world.officers['A1a-1']}/photo", headers=world.auth("hr_a1"),
                             files={"other": ("x.txt", b"x")}, data={"file": "not a file"})
    assert reply.status_code in (400, 422) and reply.json()["code"] in ("photo_required", "validation_error")


@pytest.mark.parametrize(("who", "officer", "status"), [
    ("admin", "B1a-1", 200), ("coord_a", "A2a-1", 200), ("hr_a1", "A1b-2", 200),
    ("coord_a", "B1a-1", 403), ("hr_a1", "A2a-1", 403),
    ("vet_a", "A1a-1", 403), ("mgr_a1a", "A1a-1", 403), ("off_a1a1", "A1a-1", 403),
])
async def test_who_may_change_a_photo(client: AsyncClient, world: World, who: str, officer: str,
                                      status: int) -> None:
    assert (await put(client, world, who, officer, jpeg())).status_code == status
    assert await OfficerPhoto.count() == (1 if status == 200 else 0)
    reply = await client.delete(f"/api/officers/{world.officers[officer]}/photo", headers=world.auth(who))
    assert reply.status_code == (204 if status == 200 else 403)


@pytest.mark.parametrize(("who", "officer", "status"), [
    ("off_a1a1", "A1a-1", 200), ("mgr_a1a", "A1a-1", 200), ("vet_a", "A1a-1", 200),
    ("off_a1a1", "A1a-2", 403), ("mgr_a1a", "A1b-1", 403), ("hr_a1", "A2a-1", 403), ("coord_a", "B1a-1", 403),
])
async def test_whoever_sees_the_officer_sees_the_photo(client: AsyncClient, world: World, who: str, officer: str,
                                                       status: int) -> None:
    assert (await put(client, world, "admin", officer, jpeg())).status_code == 200
    reply = await client.get(f"/api/officers/{world.officers[officer]}/photo.jpg", headers=world.auth(who))
    assert reply.status_code == status
    if status == 200:
        assert reply.content[:2] == b"\xff\xd8"
    else:
        assert reply.json()["code"] == "out_of_scope"


async def test_replace_remove_and_the_audit_trail(client: AsyncClient, world: World) -> None:
    officer_id = world.officers["A1a-1"]
    missing = await client.get(f"/api/officers/{officer_id}/photo.jpg", headers=world.auth("hr_a1"))
    assert missing.status_code == 404 and missing.json()["code"] == "photo_not_found"
    first = (await put(client, world, "hr_a1", "A1a-1", jpeg(colour=(200, 0, 0)))).json()
    second = (await put(client, world, "coord_a", "A1a-1", jpeg(colour=(0, 0, 200)))).json()
    assert first["sha256"] != second["sha256"] and await OfficerPhoto.count() == 1
    blue = (await stored(client, world)).getpixel((200, 200))
    assert isinstance(blue, tuple) and blue[2] > 150
    assert (await client.delete(f"/api/officers/{officer_id}/photo", headers=world.auth("hr_a1"))).status_code == 204
    assert (await client.get(f"/api/officers/{officer_id}/photo.jpg", headers=world.auth("hr_a1"))).status_code == 404
    again = await client.delete(f"/api/officers/{officer_id}/photo", headers=world.auth("hr_a1"))
    assert again.status_code == 404 and again.json()["code"] == "photo_not_found"
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.actor, AuditEvent.before, AuditEvent.after).where(
        (AuditEvent.entity == "officer") & (AuditEvent.entity_id == officer_id)
        & AuditEvent.action.like("officer.photo%")).order_by(AuditEvent.id)
    assert [(e["action"], e["actor"]) for e in events] == [
        ("officer.photo_set", "hr_a1"), ("officer.photo_set", "coord_a"), ("officer.photo_remove", "hr_a1")]
    before, after = [_json(e["before"]) for e in events], [_json(e["after"]) for e in events]
    assert before[0] is None and before[1]["sha256"] == first["sha256"]
    assert after[1]["sha256"] == second["sha256"] and after[2] is None
    assert after[0]["width"] == 420 and all("jpeg" not in (a or {}) for a in after)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def test_photo_jpeg_reads_without_scope_for_the_card_and_the_public_check(client: AsyncClient,
                                                                               world: World) -> None:
    officer_id = world.officers["B1a-2"]
    assert await photos.photo_jpeg(officer_id) is None
    await put(client, world, "admin", "B1a-2", jpeg())
    content = await photos.photo_jpeg(officer_id)
    assert isinstance(content, bytes) and Image.open(io.BytesIO(content)).size == (420, 540)

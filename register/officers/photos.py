"""An officer's photograph (issue 20): uploaded on the officer's page or by the API, printed on the ID card and
shown by the public check of a card.

An upload is refused unless Pillow, limited to the photo formats, reads it as an image within the size and pixel
limits below. What is kept is never the upload itself: the image turned upright by its EXIF orientation, cropped
to passport proportions (35:45) and resized to PHOTO_SIZE, saved as a fresh JPEG with no metadata at all (no GPS
position, camera or date is left). Changing and removing a photo is for whoever may change the officer's
employment record (HR for their employer, coordinators for their force, administrators); whoever may see the
officer may see the photo.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from PIL import Image, ImageOps, UnidentifiedImageError

from core.access import Principal
from core.audit import record_audit
from core.clock import now_utc
from core.db import write_transaction
from core.errors import Invalid, NotFound, Violation
from register.errors import RegisterErrorCode
from register.officers.officer_list import get_officer
from register.officers.services import _require_manageable
from register.tables import OfficerPhoto

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# A 48-megapixel phone photo is 8000 by 6000; anything larger is not a photo of a person for a card, and decoding
# it would take hundreds of megabytes. Checked from the header, before any pixel is decoded.
MAX_PHOTO_PIXELS = 50_000_000
# 35 by 45 mm at about 300 dpi: sharp on the card's 20 by 25 mm box and on a phone's screen.
PHOTO_SIZE = (420, 540)
# Half the stored size each way: smaller would be enlarged into a blur.
MIN_PHOTO_SIZE = (210, 270)
JPEG_QUALITY = 85
# Only the photo formats' decoders are ever asked: Pillow can open dozens of formats (EPS through Ghostscript
# among them), and a file's bytes, not its name or declared type, decide which one reads it.
Image.init()
ACCEPTED_FORMATS = tuple(f for f in ("JPEG", "PNG", "WEBP", "HEIF", "AVIF") if f in Image.OPEN)
FORMAT_WORDS = "a JPEG, PNG or WebP image"
# The multipart envelope around the file.
UPLOAD_LIMIT = MAX_PHOTO_BYTES + 64 * 1024


class PhotoTooLarge(Invalid):
    status = 413
    title = "Content too large"


def _refusal(code: RegisterErrorCode, detail: str) -> Invalid:
    return Invalid(code, detail, [Violation(code, detail, "file")])


def photo_too_large() -> PhotoTooLarge:
    detail = f"The photo is larger than the {MAX_PHOTO_BYTES // (1024 * 1024)} MB limit."
    return PhotoTooLarge(RegisterErrorCode.PHOTO_TOO_LARGE, detail,
                         [Violation(RegisterErrorCode.PHOTO_TOO_LARGE, detail, "file")])


def photo_required() -> Invalid:
    return _refusal(RegisterErrorCode.PHOTO_REQUIRED, "Select a photo to upload.")


def _not_an_image() -> Invalid:
    return _refusal(RegisterErrorCode.PHOTO_NOT_AN_IMAGE,
                    f"The file is not a photo the register can read: upload {FORMAT_WORDS}.")


def _too_many_pixels(width: int | None = None, height: int | None = None) -> Invalid:
    size = f" ({width} by {height} pixels)" if width and height else ""
    return _refusal(RegisterErrorCode.PHOTO_TOO_MANY_PIXELS,
                    f"The photo is too big{size}: it may have at most {MAX_PHOTO_PIXELS // 1_000_000} million "
                    "pixels. Save a smaller copy and upload that.")


@dataclass(frozen=True)
class PreparedPhoto:
    jpeg: bytes
    width: int
    height: int


def prepare_photo(content: bytes) -> PreparedPhoto:
    """The upload checked and made into the stored photo (CPU work: call it off the event loop). Raises a domain
    error saying why for anything that is not a usable photo; never lets Pillow's own exception through."""
    if len(content) > MAX_PHOTO_BYTES:
        raise photo_too_large()
    if not content:
        raise photo_required()
    try:
        # The pixel count comes from the header, before anything is decoded. verify() then checks the file's
        # structure (a PNG's every chunk checksum) without decoding pixels; an image must be opened again after it.
        # A file damaged inside its pixel data fails when it is decoded below.
        with Image.open(io.BytesIO(content), formats=ACCEPTED_FORMATS) as probe:
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise _too_many_pixels(probe.width, probe.height)
            probe.verify()
        with Image.open(io.BytesIO(content), formats=ACCEPTED_FORMATS) as image:
            if image.width < MIN_PHOTO_SIZE[0] or image.height < MIN_PHOTO_SIZE[1]:
                raise _refusal(RegisterErrorCode.PHOTO_TOO_SMALL,
                               f"The photo is too small ({image.width} by {image.height} pixels): it must be at "
                               f"least {MIN_PHOTO_SIZE[0]} pixels wide and {MIN_PHOTO_SIZE[1]} high.")
            if _is_card_jpeg(image, content):
                image.load()  # decodes every pixel: a damaged file fails here
                return PreparedPhoto(content, *PHOTO_SIZE)
            # A large JPEG is decoded at a fraction of its size when that is still at least twice what is kept.
            image.draft("RGB", (PHOTO_SIZE[0] * 2, PHOTO_SIZE[1] * 2))
            upright = ImageOps.exif_transpose(image)
            jpeg = _card_jpeg(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
        # Pillow reports a damaged or hostile file with any of these, depending on the decoder.
        raise _not_an_image() from exc
    return PreparedPhoto(jpeg, *PHOTO_SIZE)


def _is_card_jpeg(image: Image.Image, content: bytes) -> bool:
    """Is this already a photo as the register keeps it (one it made: a page's check step carried it back, or it
    was downloaded from the register)? Then it is kept byte for byte: encoding a JPEG again loses a little each
    time, and what a user saw on the check page is what is stored. Only a bare JFIF header and nothing after the
    image's end is allowed, so no metadata can ride along."""
    markers: list[tuple[str, bytes]] = getattr(image, "applist", [])  # every APPn segment of a JPEG
    return (image.format == "JPEG" and image.size == PHOTO_SIZE and image.mode == "RGB"
            and all(marker == "APP0" and data.startswith(b"JFIF\0") for marker, data in markers)
            and "comment" not in image.info and content.endswith(b"\xff\xd9"))


def _card_jpeg(image: Image.Image) -> bytes:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))  # transparency on white, as a print would show it
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    # The face is usually in the upper part of a portrait: crop a little above the centre.
    fitted = ImageOps.fit(image, PHOTO_SIZE, method=Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    out = io.BytesIO()
    # A new image carries no EXIF, XMP, ICC or comment unless given one: none is.
    Image.frombytes("RGB", fitted.size, fitted.tobytes()).save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _details(row: dict[str, Any]) -> dict[str, Any]:
    """What the audit log and the API say about a stored photo: never its bytes."""
    return {"width": row["width"], "height": row["height"], "bytes": len(row["jpeg"]),
            "sha256": hashlib.sha256(row["jpeg"]).hexdigest(), "uploaded_at": row["uploaded_at"],
            "uploaded_by": row["uploaded_by"]}


_COLUMNS = (OfficerPhoto.jpeg, OfficerPhoto.width, OfficerPhoto.height, OfficerPhoto.uploaded_at,
            OfficerPhoto.uploaded_by)


async def _stored(officer_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await OfficerPhoto.select(*_COLUMNS).where(
        OfficerPhoto.officer == officer_id).first()
    if row is not None:
        row["jpeg"] = bytes(row["jpeg"])  # asyncpg gives bytes, SQLite may give a memoryview
    return row


async def has_photo(officer_id: int) -> bool:
    """Whether a photo is held, without reading its bytes (the public check says so, then serves it apart)."""
    return bool(await OfficerPhoto.exists().where(OfficerPhoto.officer == officer_id))


async def photo_jpeg(officer_id: int) -> bytes | None:
    """The officer's stored photo, or None. Unscoped: for the ID card and the public check of a card, whose
    callers have already decided the photo may be shown."""
    row = await _stored(officer_id)
    return row["jpeg"] if row is not None else None


async def photo_details(actor: Principal, officer_id: int) -> dict[str, Any] | None:
    """Size and who uploaded it when, if the caller may see the officer; None when no photo is held."""
    await get_officer(actor, officer_id)
    row = await _stored(officer_id)
    return _details(row) if row is not None else None


async def get_photo(actor: Principal, officer_id: int) -> bytes:
    """The photo, if the caller may see the officer: 404 photo_not_found when none is held."""
    await get_officer(actor, officer_id)
    jpeg = await photo_jpeg(officer_id)
    if jpeg is None:
        raise NotFound(RegisterErrorCode.PHOTO_NOT_FOUND, "No photo is held for this officer.")
    return jpeg


async def require_photo_changer(actor: Principal, officer_id: int) -> dict[str, Any]:
    """The officer, if the caller may change their photo (as their employment record): 404, 403 otherwise."""
    officer = await get_officer(actor, officer_id)
    await _require_manageable(actor, officer["organisation"])
    return officer


async def preview_photo(actor: Principal, officer_id: int, content: bytes) -> PreparedPhoto:
    """What set_photo would store, stored nowhere: for a page's check step."""
    await require_photo_changer(actor, officer_id)
    return await to_thread.run_sync(prepare_photo, content)


async def set_photo(actor: Principal, officer_id: int, content: bytes) -> dict[str, Any]:
    """Stores the upload as the officer's photo, replacing any held; audited as officer.photo_set."""
    await require_photo_changer(actor, officer_id)
    prepared = await to_thread.run_sync(prepare_photo, content)
    values: dict[str, Any] = {"jpeg": prepared.jpeg, "width": prepared.width, "height": prepared.height,
                              "uploaded_at": now_utc(), "uploaded_by": actor.username,
                              "uploaded_by_user_id": actor.user_id}
    async with write_transaction():
        before = await _stored(officer_id)
        if before is None:
            await OfficerPhoto.insert(OfficerPhoto(officer=officer_id, **values))
        else:
            await OfficerPhoto.update({getattr(OfficerPhoto, name): value for name, value in values.items()}).where(
                OfficerPhoto.officer == officer_id)
        after = _details(values)
        await record_audit(actor, "officer.photo_set", "officer", officer_id,
                           _details(before) if before is not None else None, after)
    return after


async def remove_photo(actor: Principal, officer_id: int) -> None:
    """Deletes the officer's photo: 404 photo_not_found when none is held; audited as officer.photo_remove."""
    await require_photo_changer(actor, officer_id)
    async with write_transaction():
        before = await _stored(officer_id)
        if before is None:
            raise NotFound(RegisterErrorCode.PHOTO_NOT_FOUND, "No photo is held for this officer.")
        await OfficerPhoto.delete().where(OfficerPhoto.officer == officer_id)
        await record_audit(actor, "officer.photo_remove", "officer", officer_id, _details(before), None)

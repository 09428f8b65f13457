"""The officer's photo on their record page (issue 20): upload → check the photo as it will be kept (turned upright,
cropped to 35:45, without metadata) → confirm; and remove. Who may do it, and every check of the file, is
register.officers.photos's, as for PUT /api/officers/{id}/photo.

Between the check and the confirmation the photo travels back with the page, as an import's file does
(admin_ui/pages_imports.py): the processed JPEG, base64 in a hidden field, stamped with a keyed hash of the user,
the officer, its digest and the time. No upload is kept on the server when someone walks away from the check
page, and any instance may take the confirmation. What comes back is checked again by the same service on the way
in, so the stamp only stops a confirmation storing a photo this user did not see.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

from litestar import Controller, Request, Response, get, post, route
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath

from admin_ui.errors import PAGE_ERRORS, page_error
from admin_ui.forms import Action, done, page, run_action, violations_by_field
from core.access import Principal
from core.clock import now_utc
from core.errors import DomainError
from core.http import CurrentPrincipal
from core.security import hash_token
from register.officers import photos

PREVIEW_LIFETIME_SECONDS = 3600


def preview_stamp(principal: Principal, officer_id: int, issued: int, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    return hash_token(f"photo-preview:{principal.user_id}:{officer_id}:{issued}:{digest}")


def _name(officer: dict[str, Any]) -> str:
    return f"{officer['given_name']} {officer['family_name']}"


def _too_large(request: Request[Any, Any, Any], _: RequestEntityTooLarge) -> Response[Any]:
    """Litestar refuses an oversized body before the handler runs (and before the user is known)."""
    return page_error(request, photos.photo_too_large())


class PhotoPages(Controller):
    include_in_schema = False
    exception_handlers = PAGE_ERRORS

    @get("/officers/{officer_id:int}/photo")
    async def upload(self, principal: CurrentPrincipal, officer_id: FromPath[int]) -> Response[Any]:
        officer = await photos.require_photo_changer(principal, officer_id)
        held = await photos.photo_details(principal, officer_id)
        return self._upload_page(principal, officer, held is not None)

    @post("/officers/{officer_id:int}/photo", status_code=200, request_max_body_size=photos.UPLOAD_LIMIT,
          exception_handlers={**PAGE_ERRORS, RequestEntityTooLarge: _too_large})
    async def check_or_save(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                            officer_id: FromPath[int]) -> Response[Any]:
        """Without confirm=yes: the uploaded file checked and shown as it would be kept. With it: kept."""
        officer = await photos.require_photo_changer(principal, officer_id)
        held = await photos.photo_details(principal, officer_id) is not None
        form = await request.form()
        try:
            if form.get("confirm") == "yes":
                content = self._checked_photo(principal, officer_id, form)
                if content is None:
                    return self._upload_page(principal, officer, held, [
                        "The check has expired or the photo could not be read back: upload it again."])
                await photos.set_photo(principal, officer_id, content)
                return done(f"/officers/{officer_id}", "photo")
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return self._upload_page(principal, officer, held, ["Select a photo to upload."])
            prepared = await photos.preview_photo(principal, officer_id, await upload.read())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            return self._upload_page(principal, officer, held, violations_by_field(exc, [])[1],
                                     status_code=exc.status)
        finally:  # every file part is spooled to a temporary file: let it go now
            for value in form.values():
                if isinstance(value, UploadFile):
                    await value.close()
        issued = int(now_utc().timestamp())
        return page("pages/photo_check.html", principal, title="Check the photo", nav_active="/officers",
                    officer=officer, name=_name(officer), replacing=held,
                    content=base64.b64encode(prepared.jpeg).decode("ascii"), issued=issued,
                    stamp=preview_stamp(principal, officer_id, issued, prepared.jpeg),
                    back_url=f"/officers/{officer_id}/photo")

    @route("/officers/{officer_id:int}/photo/remove", http_method=["GET", "POST"])
    async def remove(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     officer_id: FromPath[int]) -> Response[Any]:
        officer = await photos.require_photo_changer(principal, officer_id)
        back = f"/officers/{officer_id}"
        action = Action(
            title="Remove the photo", caption=_name(officer), submit="Continue", back_url=back, fields=[],
            intro="The photo is deleted from the register. Cards printed from now on show an empty photograph box.",
            confirm_title=f"Are you sure you want to remove the photo of {_name(officer)}?",
            confirm_button="Remove photo", destructive=True,
        )

        async def perform(_: dict[str, Any]) -> Response[Any]:
            await photos.remove_photo(principal, officer_id)
            return done(back, "photo_removed")

        return await run_action(request, principal, action, perform, nav_active="/officers")

    @staticmethod
    def _upload_page(principal: Principal, officer: dict[str, Any], held: bool, errors: list[str] | None = None,
                     status_code: int | None = None) -> Response[Any]:
        title = "Replace the photo" if held else "Upload a photo"
        return page("pages/photo_upload.html", principal, status_code=status_code or (422 if errors else 200),
                    title=title, nav_active="/officers", officer=officer, name=_name(officer), held=held,
                    limit_mb=photos.MAX_PHOTO_BYTES // (1024 * 1024), min_size=photos.MIN_PHOTO_SIZE,
                    error_list=[("file", message) for message in errors or []],
                    back_url=f"/officers/{officer['id']}")

    @staticmethod
    def _checked_photo(principal: Principal, officer_id: int, form: Any) -> bytes | None:
        """The photo the check page carried back, if this user was shown exactly it, recently enough."""
        try:
            issued = int(str(form.get("issued", "")))
            content = base64.b64decode(str(form.get("content", "")), validate=True)
        except (ValueError, binascii.Error):
            return None
        fresh = 0 <= now_utc().timestamp() - issued <= PREVIEW_LIFETIME_SECONDS
        if not fresh or not hmac.compare_digest(str(form.get("stamp", "")),
                                                preview_stamp(principal, officer_id, issued, content)):
            return None
        return content


ROUTES: list[type] = [PhotoPages]

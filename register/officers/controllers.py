from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, delete, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody, QueryParameter

from core.http import (
    PROBLEM_MEDIA_TYPE,
    ApiController,
    CurrentPrincipal,
    Day,
    Limit,
    Offset,
    Page,
    Today,
    file_operation,
    problem_response,
)
from core.schemas import ProblemDetails, UserRead
from core.services import list_users, set_user_active
from register import leaving
from register.officers import photos, services
from register.officers.rules import OfficerStatus
from register.officers.schemas import (
    ForceCreate,
    ForceRead,
    OfficerCreate,
    OfficerLeave,
    OfficerRead,
    OfficerUpdate,
    OrganisationCreate,
    OrganisationRead,
    PhotoRead,
    PowerRead,
    TeamCreate,
    TeamRead,
    UserCreate,
)

# The service checks the value (422 invalid_choice); the document lists the choices.
OfficerStatusFilter = Annotated[str | None, QueryParameter(
    description="active or left, on `as_of`.", schema_extra={"enum": [s.value for s in OfficerStatus]})]


class ForceController(ApiController):
    path = "/api/forces"
    tags = ["register"]

    @post("/")
    async def create(self, principal: CurrentPrincipal, data: JSONBody[ForceCreate]) -> ForceRead:
        return ForceRead(**await services.create_force(principal, data.name, data.code))

    @get("/")
    async def list(self, principal: CurrentPrincipal) -> Page[ForceRead]:
        rows = await services.list_forces(principal)
        return Page(items=[ForceRead(**r) for r in rows], total=len(rows))


class OrganisationController(ApiController):
    path = "/api/organisations"
    tags = ["register"]

    @post("/")
    async def create(self, principal: CurrentPrincipal, data: JSONBody[OrganisationCreate]) -> OrganisationRead:
        row = await services.create_organisation(
            principal, name=data.name, force_id=data.force_id, kind=data.kind,
            arrangement_approved_on=data.arrangement_approved_on,
            arrangement_review_due_on=data.arrangement_review_due_on,
        )
        return OrganisationRead.of(row)

    @get("/")
    async def list(self, principal: CurrentPrincipal, force_id: FromQuery[int | None] = None) -> Page[OrganisationRead]:
        rows = await services.list_organisations(principal, force_id)
        return Page(items=[OrganisationRead.of(r) for r in rows], total=len(rows))

    @get("/{organisation_id:int}")
    async def get(self, principal: CurrentPrincipal, organisation_id: FromPath[int]) -> OrganisationRead:
        return OrganisationRead.of(await services.get_organisation(principal, organisation_id))


class TeamController(ApiController):
    path = "/api/teams"
    tags = ["register"]

    @post("/")
    async def create(self, principal: CurrentPrincipal, data: JSONBody[TeamCreate]) -> TeamRead:
        return TeamRead.of(await services.create_team(principal, name=data.name,
                                                      organisation_id=data.organisation_id))

    @get("/")
    async def list(self, principal: CurrentPrincipal, organisation_id: FromQuery[int | None] = None) -> Page[TeamRead]:
        rows = await services.list_teams(principal, organisation_id)
        return Page(items=[TeamRead.of(r) for r in rows], total=len(rows))


class OfficerController(ApiController):
    path = "/api/officers"
    tags = ["register"]

    @post("/")
    async def create(self, principal: CurrentPrincipal, today: Today, data: JSONBody[OfficerCreate]) -> OfficerRead:
        row = await services.create_officer(
            principal, organisation_id=data.organisation_id, team_id=data.team_id,
            staff_number=data.staff_number, given_name=data.given_name, family_name=data.family_name,
            email=data.email, started_on=data.started_on,
        )
        return OfficerRead.of(row, services.officer_status(row, today))

    @get("/")
    async def list(
        self,
        principal: CurrentPrincipal,
        day: Day,
        organisation_id: FromQuery[int | None] = None,
        team_id: FromQuery[int | None] = None,
        status: OfficerStatusFilter = None,
        q: FromQuery[str | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[OfficerRead]:
        rows, total = await services.list_officers(
            principal, today=day, organisation_id=organisation_id, team_id=team_id, status=status, q=q,
            limit=limit, offset=offset,
        )
        return Page(items=[OfficerRead.of(r, services.officer_status(r, day)) for r in rows], total=total)

    @get("/{officer_id:int}")
    async def get(self, principal: CurrentPrincipal, day: Day, officer_id: FromPath[int]) -> OfficerRead:
        row = await services.get_officer(principal, officer_id)
        return OfficerRead.of(row, services.officer_status(row, day))

    @patch("/{officer_id:int}")
    async def update(
        self, principal: CurrentPrincipal, today: Today, officer_id: FromPath[int], data: JSONBody[OfficerUpdate]
    ) -> OfficerRead:
        row = await services.update_officer(principal, officer_id, data.changes())
        return OfficerRead.of(row, services.officer_status(row, today))

    @post("/{officer_id:int}/leave", status_code=200)
    async def leave(
        self, principal: CurrentPrincipal, today: Today, officer_id: FromPath[int], data: JSONBody[OfficerLeave]
    ) -> OfficerRead:
        row = await leaving.record_leaving(principal, officer_id, data.left_on)
        return OfficerRead.of(row, services.officer_status(row, today))


@dataclass
class PhotoForm:
    file: UploadFile


def _photo_too_large(_: Request[Any, Any, Any], __: RequestEntityTooLarge) -> Response[dict[str, Any]]:
    """Litestar refuses a body over the limit before the handler runs: answered as the service answers."""
    refused = photos.photo_too_large()
    return problem_response(refused.status, refused.title, refused.detail, refused.code, refused.violations)


class OfficerPhotoController(ApiController):
    """The officer's photo (issue 20): whoever sees the officer sees it; HR, coordinators and administrators
    change it (register.officers.photos)."""

    path = "/api/officers/{officer_id:int}"
    tags = ["register"]

    @put("/photo", request_max_body_size=photos.UPLOAD_LIMIT, exception_handlers={
        RequestEntityTooLarge: _photo_too_large},
         responses={413: ResponseSpec(data_container=ProblemDetails, media_type=PROBLEM_MEDIA_TYPE,
                                      generate_examples=False,
                                      description="The file is over the 5 MB limit (`photo_too_large`).")})
    async def put_photo(self, principal: CurrentPrincipal, officer_id: FromPath[int],
                        data: MultipartBody[PhotoForm]) -> PhotoRead:
        if not isinstance(data.file, UploadFile):  # a plain form field named "file" is not a file
            raise photos.photo_required()
        content = await data.file.read()
        await data.file.close()
        return PhotoRead(officer_id=officer_id, **await photos.set_photo(principal, officer_id, content))

    @get("/photo.jpg", media_type="image/jpeg", operation_class=file_operation("image/jpeg"))
    async def get_photo(self, principal: CurrentPrincipal, officer_id: FromPath[int]) -> Response[bytes]:
        return Response(await photos.get_photo(principal, officer_id), media_type="image/jpeg")

    @delete("/photo", status_code=204)
    async def delete_photo(self, principal: CurrentPrincipal, officer_id: FromPath[int]) -> None:
        await photos.remove_photo(principal, officer_id)


class PowerController(ApiController):
    path = "/api/powers"
    tags = ["catalogues"]

    @get("/")
    async def list(self, principal: CurrentPrincipal) -> Page[PowerRead]:
        rows = await services.list_powers()
        return Page(items=[PowerRead(**r) for r in rows], total=len(rows))


class UserController(ApiController):
    path = "/api/users"
    tags = ["auth"]

    @post("/")
    async def create(self, principal: CurrentPrincipal, data: JSONBody[UserCreate]) -> UserRead:
        row = await services.create_user(  # role: a Role already (the decoder refuses any other value)
            principal, username=data.username, password=data.password, email=data.email, role=data.role,
            force_id=data.force_id, organisation_id=data.organisation_id, team_ids=data.team_ids,
            officer_id=data.officer_id,
        )
        return UserRead(**row)

    @get("/")
    async def list(self, principal: CurrentPrincipal) -> Page[UserRead]:
        rows = await list_users(principal)
        return Page(items=[UserRead(**r) for r in rows], total=len(rows))

    @post("/{user_id:int}/deactivate", status_code=200)
    async def deactivate(self, principal: CurrentPrincipal, user_id: FromPath[int]) -> UserRead:
        return UserRead(**await set_user_active(principal, user_id, active=False))

    @post("/{user_id:int}/reactivate", status_code=200)
    async def reactivate(self, principal: CurrentPrincipal, user_id: FromPath[int]) -> UserRead:
        return UserRead(**await set_user_active(principal, user_id, active=True))


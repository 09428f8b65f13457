"""Register's routes: the officers', accreditations', kit's and the officer record's controllers, for create_app()."""

from __future__ import annotations

from register.accreditations.controllers import AccreditationController
from register.kit.controllers import KitIssueController, KitTypeController
from register.officers.controllers import (
    ForceController,
    OfficerController,
    OfficerPhotoController,
    OrganisationController,
    PowerController,
    TeamController,
    UserController,
)
from register.record.controllers import OfficerRecordController

ROUTE_HANDLERS = [
    ForceController, OrganisationController, TeamController, OfficerController, PowerController, UserController,
    AccreditationController, KitTypeController, KitIssueController, OfficerRecordController, OfficerPhotoController,
]

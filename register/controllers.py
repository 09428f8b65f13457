"""Register's routes: the officers', accreditations' and kit's controllers, for create_app()."""

from __future__ import annotations

from register.accreditations.controllers import AccreditationController
from register.kit.controllers import KitIssueController, KitTypeController, OfficerRecordController
from register.officers.controllers import (
    ForceController,
    OfficerController,
    OrganisationController,
    PowerController,
    TeamController,
    UserController,
)

ROUTE_HANDLERS = [
    ForceController, OrganisationController, TeamController, OfficerController, PowerController, UserController,
    AccreditationController, KitTypeController, KitIssueController, OfficerRecordController,
]

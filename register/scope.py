"""Who may see and change which officers, employers and teams. Every domain scopes through here.

Scope (api.md, Roles): admin → all; csas_coordinator and vetting_officer → their force; hr → their
organisation; manager → their teams; officer → themselves.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import ForeignKey
from piccolo.columns.combination import Where, WhereRaw

from core.db import any_id, ids_argument
from core.errors import Forbidden
from core.roles import FORCE_ROLES, Principal, Role
from register.errors import RegisterErrorCode
from register.tables import Force, Officer, Organisation, Team

NOTHING = WhereRaw("1 = 0")


def officer_filter(principal: Principal, officer_ref: ForeignKey[Any] | None = None) -> Any:
    """A where clause limiting rows to officers in the caller's scope, or None for no limit.

    officer_ref is a foreign key to Officer on another table (e.g. TrainingRecord.officer); without it the
    clause applies to Officer itself.
    """
    if principal.is_admin:
        return None
    ref: Any = officer_ref if officer_ref is not None else Officer
    officer_id = officer_ref if officer_ref is not None else Officer.id
    if principal.role in FORCE_ROLES:
        return ref.organisation.force == principal.force_id
    if principal.role is Role.HR:
        return ref.organisation == principal.organisation_id
    if principal.role is Role.MANAGER:
        return ref.team.is_in(sorted(principal.team_ids)) if principal.team_ids else NOTHING
    if principal.role is Role.OFFICER and principal.officer_id is not None:
        return officer_id == principal.officer_id
    return NOTHING


def officer_scope_sql(principal: Principal) -> tuple[str, tuple[Any, ...]] | None:
    """officer_filter for hand-written SQL (core.db.select_rows): a condition on the officer table aliased `o`,
    with its arguments, or None for no limit. It reads the officer table alone (employers by subquery), so it
    can be tested from an index holding the employer and team."""
    if principal.is_admin:
        return None
    if principal.role in FORCE_ROLES:
        return 'o."organisation" IN (SELECT "id" FROM "organisation" WHERE "force" = {})', (principal.force_id,)
    if principal.role is Role.HR:
        return 'o."organisation" = {}', (principal.organisation_id,)
    if principal.role is Role.MANAGER and principal.team_ids:
        return any_id('o."team"'), (ids_argument(sorted(principal.team_ids)),)
    if principal.role is Role.OFFICER and principal.officer_id is not None:
        return 'o."id" = {}', (principal.officer_id,)
    return "1 = 0", ()


def organisation_filter(principal: Principal) -> Where | WhereRaw | None:
    if principal.is_admin:
        return None
    if principal.role in FORCE_ROLES:
        return Organisation.force == principal.force_id
    if principal.role is Role.HR:
        return Organisation.id == principal.organisation_id
    if principal.role is Role.MANAGER:
        return Organisation.id.is_in(
            Team.select(Team.organisation).where(Team.id.is_in(sorted(principal.team_ids) or [-1]))
        ) if principal.team_ids else NOTHING
    return NOTHING


def team_filter(principal: Principal) -> Any:
    if principal.is_admin:
        return None
    if principal.role in FORCE_ROLES:
        return Team.organisation.force == principal.force_id
    if principal.role is Role.HR:
        return Team.organisation == principal.organisation_id
    if principal.role is Role.MANAGER:
        return Team.id.is_in(sorted(principal.team_ids)) if principal.team_ids else NOTHING
    return NOTHING


def is_officer_visible(principal: Principal, officer: dict[str, Any]) -> bool:
    """officer: a row with id, organisation, team and force_id (see officer_list.OFFICER_SQL)."""
    if principal.is_admin:
        return True
    if principal.role in FORCE_ROLES:
        return bool(officer["force_id"] == principal.force_id)
    if principal.role is Role.HR:
        return bool(officer["organisation"] == principal.organisation_id)
    if principal.role is Role.MANAGER:
        return officer["team"] in principal.team_ids
    return principal.role is Role.OFFICER and officer["id"] == principal.officer_id


def is_organisation_manageable(principal: Principal, organisation: dict[str, Any]) -> bool:
    """May the caller change the employer's own details, its teams and its officers' employment records."""
    if principal.is_admin:
        return True
    if principal.role is Role.CSAS_COORDINATOR:
        return bool(organisation["force"] == principal.force_id)
    if principal.role is Role.HR:
        return bool(organisation["id"] == principal.organisation_id)
    return False


def sees_whole_organisation(principal: Principal, organisation: dict[str, Any]) -> bool:
    """May the caller see every officer of the employer (a whole-employer view such as its calendar feed)?
    Managers and officers see part of an employer at most, so they may not."""
    if principal.is_admin:
        return True
    if principal.role in FORCE_ROLES:
        return bool(organisation["force"] == principal.force_id)
    if principal.role is Role.HR:
        return bool(organisation["id"] == principal.organisation_id)
    return False


def require_role(principal: Principal, *roles: Role, action: str) -> None:
    if not principal.is_admin and principal.role not in roles:
        raise Forbidden(RegisterErrorCode.ROLE_NOT_ALLOWED, f"Your role ({principal.role.value}) cannot {action}.")


# Settings every force shares (the policy, vetting levels, training validity, power prerequisites) are for
# administrators. api.md gives GET/PUT /api/policy to "admin / coordinator": a coordinator may change them while
# the installation serves their force alone (every force row is theirs, as in the demo), never once a second force
# would be changed by them too.
INSTALLATION_WIDE = "{subject} applies to every force in the register; only an administrator can change it."


async def may_change_installation_settings(principal: Principal) -> bool:
    if principal.is_admin:
        return True
    if principal.role is not Role.CSAS_COORDINATOR or principal.force_id is None:
        return False
    return not await Force.exists().where(Force.id != principal.force_id)


async def require_installation_writer(principal: Principal, *, action: str, subject: str = "This policy") -> None:
    require_role(principal, Role.CSAS_COORDINATOR, action=action)
    if not await may_change_installation_settings(principal):
        raise Forbidden(RegisterErrorCode.POLICY_SPANS_FORCES, INSTALLATION_WIDE.format(subject=subject))


def require_officer_visible(principal: Principal, officer: dict[str, Any]) -> None:
    if not is_officer_visible(principal, officer):
        raise Forbidden(RegisterErrorCode.OUT_OF_SCOPE, "That officer is outside your scope.")

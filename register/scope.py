"""Who may see and change which officers, employers and teams. Every domain scopes through here.

One table (REACH) says what each role sees (api.md, Roles): admin → everything; csas_coordinator and
vetting_officer → their force; hr → their organisation; manager → their teams; officer → themselves. Scope.of(p)
reads it once, and the three forms a caller needs all come from that one answer: `.where(...)` for Piccolo
queries, `.sql()` for hand-written ones, `.allows(...)` for a row already loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from piccolo.columns.combination import WhereRaw

from core.access import Principal, Role, require_role
from core.db import any_id, ids_argument
from core.errors import Forbidden
from register.errors import RegisterErrorCode
from register.tables import Force, Officer, Organisation, Team

NOTHING = WhereRaw("1 = 0")


class Reach(Enum):
    """How far a role sees: every level names the Principal's field holding the ids it reaches."""

    EVERYTHING = None
    FORCE = "force_id"
    ORGANISATION = "organisation_id"
    TEAMS = "team_ids"
    SELF = "officer_id"


# The one table of what each role sees.
REACH: dict[Role, Reach] = {
    Role.ADMIN: Reach.EVERYTHING,
    Role.CSAS_COORDINATOR: Reach.FORCE,
    Role.VETTING_OFFICER: Reach.FORCE,
    Role.HR: Reach.ORGANISATION,
    Role.MANAGER: Reach.TEAMS,
    Role.OFFICER: Reach.SELF,
}

# For each reach, the key of an officer row (register.officers.officer_list.OFFICER_SQL) and the column of the officer
# table aliased `o` that holds what it reaches; the force is the employer's, hence the subquery.
_OFFICER_ROW_KEY = {Reach.FORCE: "force_id", Reach.ORGANISATION: "organisation", Reach.TEAMS: "team",
                    Reach.SELF: "id"}
_OFFICER_SQL = {
    Reach.FORCE: 'o."organisation" IN (SELECT "id" FROM "organisation" WHERE "force" = {})',
    Reach.ORGANISATION: 'o."organisation" = {}',
    Reach.SELF: 'o."id" = {}',
}


@dataclass(frozen=True)
class Scope:
    """What one principal may see: a reach and the ids it reaches (none: the principal sees nothing)."""

    reach: Reach
    ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, principal: Principal) -> Scope:
        reach = REACH[principal.role]
        if reach is Reach.EVERYTHING:
            return cls(reach)
        held = getattr(principal, reach.value)
        ids = sorted(held) if isinstance(held, frozenset) else [] if held is None else [held]
        return cls(reach, tuple(ids))

    @property
    def is_everything(self) -> bool:
        return self.reach is Reach.EVERYTHING

    def where(self, target: Any = Officer) -> Any:
        """A where clause limiting `target` to the scope, or None for no limit. target is Officer, a foreign key
        to Officer on another table (e.g. TrainingRecord.officer), Organisation or Team. Organisations and teams
        are seen through the officers seen: a manager sees their teams and the employers holding them; an
        officer sees neither."""
        if self.is_everything:
            return None
        if not self.ids:
            return NOTHING
        if target is Organisation and self.reach is Reach.TEAMS:
            return Organisation.id.is_in(Team.select(Team.organisation).where(Team.id.is_in(list(self.ids))))
        column = _column(target, self.reach)
        return NOTHING if column is None else column.is_in(list(self.ids))

    def sql(self) -> tuple[str, tuple[Any, ...]] | None:
        """`.where(Officer)` for hand-written SQL (core.db.select_rows): a condition on the officer table aliased
        `o`, with its arguments, or None for no limit. It reads the officer table alone (employers by subquery), so
        it can be answered from an index holding the employer and team."""
        if self.is_everything:
            return None
        if not self.ids:
            return "1 = 0", ()
        if self.reach is Reach.TEAMS:
            return any_id('o."team"'), (ids_argument(self.ids),)
        return _OFFICER_SQL[self.reach], (self.ids[0],)

    def allows(self, officer: dict[str, Any]) -> bool:
        """May the principal see this officer? officer: a row with id, organisation, team and force_id (see
        register.officers.officer_list.OFFICER_SQL)."""
        return self.is_everything or officer[_OFFICER_ROW_KEY[self.reach]] in self.ids

    def allows_whole(self, organisation: dict[str, Any]) -> bool:
        """Does the scope hold every officer of this employer (a row with id and force)? Managers and officers
        see part of an employer at most, so it never does for them."""
        if self.reach is Reach.FORCE:
            return organisation["force"] in self.ids
        if self.reach is Reach.ORGANISATION:
            return organisation["id"] in self.ids
        return self.is_everything


def _column(target: Any, reach: Reach) -> Any:
    """The column of `target` holding what `reach` reaches, or None where the reach holds no such rows."""
    if target is Organisation:
        return {Reach.FORCE: Organisation.force, Reach.ORGANISATION: Organisation.id}.get(reach)
    if target is Team:
        return {Reach.FORCE: Team.organisation.force, Reach.ORGANISATION: Team.organisation,
                Reach.TEAMS: Team.id}.get(reach)
    officer: Any = target  # Officer itself, or a foreign key to it
    return {Reach.FORCE: officer.organisation.force, Reach.ORGANISATION: officer.organisation,
            Reach.TEAMS: officer.team, Reach.SELF: Officer.id if target is Officer else target}[reach]



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
    if not Scope.of(principal).allows(officer):
        raise Forbidden(RegisterErrorCode.OUT_OF_SCOPE, "That officer is outside your scope.")

"""Access outside any domain: the six roles (domain.md §2), the principal a request or job acts as, its role check."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.errors import CoreErrorCode, Forbidden


class Role(StrEnum):
    ADMIN = "admin"
    CSAS_COORDINATOR = "csas_coordinator"
    VETTING_OFFICER = "vetting_officer"
    HR = "hr"
    MANAGER = "manager"
    OFFICER = "officer"


FORCE_ROLES = frozenset({Role.CSAS_COORDINATOR, Role.VETTING_OFFICER})


@dataclass(frozen=True)
class Principal:
    """Who is acting, with their scope. Services take it and enforce scope themselves."""

    user_id: int | None
    username: str
    role: Role
    force_id: int | None = None
    organisation_id: int | None = None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    officer_id: int | None = None

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        """The actor for the CLI, the sweep and the demo loader: unscoped, audited under its name."""
        return cls(user_id=None, username=name, role=Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def require_role(principal: Principal, *roles: Role, action: str) -> None:
    """Refuses (403 role_not_allowed) a principal whose role is none of `roles`; an administrator may do anything."""
    if not principal.is_admin and principal.role not in roles:
        raise Forbidden(CoreErrorCode.ROLE_NOT_ALLOWED, f"Your role ({principal.role.value}) cannot {action}.")

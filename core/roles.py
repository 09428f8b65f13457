"""The six roles (domain.md §2) and the principal a request or job acts as."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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

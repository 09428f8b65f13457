"""Users, sessions, API tokens and the audit log."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class User(Table, tablename="app_user"):
    id: Serial
    username = Varchar(length=150, unique=True, null=False)
    email = Varchar(length=254, null=False, default="")
    password_hash = Varchar(length=255, null=False, default="")
    role = Varchar(length=32, null=False, default="officer", help_text="One of core.access.Role.")
    # Scope references point into register's tables; core sits below register so they are plain integers,
    # checked by register.officers.services when a user is created.
    force_id = Integer(null=True, default=None, help_text="Scope for csas_coordinator and vetting_officer.")
    organisation_id = Integer(null=True, default=None, help_text="Scope for hr.")
    team_ids = JSON(null=False, default="[]", help_text="Scope for manager: a JSON list of team ids.")
    officer_id = Integer(null=True, default=None, help_text="Scope for officer: their own record.")
    is_active = Boolean(null=False, default=True)
    created_at = Timestamptz(null=False, default=TimestamptzNow())


class UserSession(Table):
    id: Serial
    token_hash = Varchar(length=64, unique=True, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    created_at = Timestamptz(null=False, default=TimestamptzNow())
    expires_at = Timestamptz(null=False, default=TimestamptzNow())


class ApiToken(Table):
    id: Serial
    token_hash = Varchar(length=64, unique=True, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    name = Varchar(length=100, null=False, default="")
    created_at = Timestamptz(null=False, default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class AuditEvent(Table):
    id: Serial
    at = Timestamptz(null=False, default=TimestamptzNow(), index=True)
    actor_user_id = Integer(null=True, default=None, help_text="Null for the system (CLI, sweep, demo).")
    actor = Varchar(length=150, null=False, default="")
    action = Varchar(length=64, null=False, default="")
    entity = Varchar(length=64, null=False, default="", index=True)
    entity_id = Integer(null=True, default=None, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)


class SignInAttempt(Table):
    """Recent sign-in attempts, kept to throttle guessing (429) across every app instance."""

    id: Serial
    username = Varchar(length=150, null=False, default="", index=True)
    client_ip = Varchar(length=64, null=False, default="", index=True)
    at = Timestamptz(null=False, default=TimestamptzNow(), index=True)
    succeeded = Boolean(null=False, default=False)


class PasswordLink(Table):
    """A one-time link to set a password: a reset the user asked for, or an administrator's invitation. Only the
    token's keyed hash is kept, so the database never holds a usable link."""

    id: Serial
    token_hash = Varchar(length=64, unique=True, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    purpose = Varchar(length=16, null=False, default="reset", help_text="reset or invite (core.accounts).")
    created_at = Timestamptz(null=False, default=TimestamptzNow(), index=True)
    expires_at = Timestamptz(null=False, default=TimestamptzNow())
    used_at = Timestamptz(null=True, default=None, help_text="Set when the link set a password, or was replaced.")


class PasswordResetRequest(Table):
    """Recent "forgotten your password" requests by client address, matched or not, kept to throttle them (429)
    without telling whether an account matched."""

    id: Serial
    client_ip = Varchar(length=64, null=False, default="", index=True)
    at = Timestamptz(null=False, default=TimestamptzNow(), index=True)


class ThrottledRequest(Table):
    """Recent requests to a public route throttled per client address (core.throttle), kept for its window only.
    The address itself is never stored: only a keyed hash of it, so the table cannot say who asked."""

    id: Serial
    bucket = Varchar(length=32, null=False, default="", help_text="Which throttle: e.g. verify.")
    client_key = Varchar(length=64, null=False, default="", index=True, help_text="HMAC of the address.")
    at = Timestamptz(null=False, default=TimestamptzNow(), index=True)

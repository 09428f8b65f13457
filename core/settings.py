"""Settings read from the environment (api.md, Settings), once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_SECRET_KEY = "demo-mode-secret-key-not-for-production"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "on", "true", "yes"}


class SettingsError(RuntimeError):
    """The environment cannot be used to start the service."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path
    secret_key: str
    timezone: str = "Europe/London"
    smtp_url: str | None = None
    mail_from: str = "csas-register@localhost"
    scheduler_on: bool = True
    sweep_at: str = "06:00"
    clock_override: bool = False
    demo: bool = False
    public_url: str = "http://127.0.0.1:8000"  # where people reach the pages: the links in messages
    reset_link_minutes: int = 60  # how long a "forgotten your password" link works
    invite_link_days: int = 7  # how long an invited user's set-your-password link works
    verify_checks_per_minute: int = 30  # card checks (/verify) one client address may make a minute
    # The statement of powers' signing key and certificate (reports.signing); made on first use when neither exists.
    signing_key: Path = Path("var/signing/statement-key.pem")
    signing_cert: Path = Path("var/signing/statement-cert.pem")
    signing_passphrase: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def is_sqlite(self) -> bool:
        return not self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        if not self.is_sqlite:
            raise SettingsError("DATABASE_URL is not a SQLite URL")
        return Path(self.database_url.removeprefix("sqlite:///").removeprefix("sqlite://"))


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number above 0")
    return int(raw)


def load_settings() -> Settings:
    var_dir = Path(os.environ.get("CSAS_VAR_DIR", PROJECT_ROOT / "var"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'csas.sqlite3'}"
    if not database_url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise SettingsError("DATABASE_URL must start with sqlite:/// or postgresql://")
    demo = _flag("CSAS_DEMO", False)
    secret_key = os.environ.get("CSAS_SECRET_KEY", "")
    if not secret_key and demo:
        secret_key = DEMO_SECRET_KEY
    return Settings(
        database_url=database_url,
        var_dir=var_dir,
        secret_key=secret_key,
        timezone=os.environ.get("CSAS_TIMEZONE", "Europe/London"),
        smtp_url=os.environ.get("CSAS_SMTP_URL") or None,
        mail_from=os.environ.get("CSAS_MAIL_FROM", "csas-register@localhost"),
        scheduler_on=_flag("CSAS_SCHEDULER", True),
        sweep_at=os.environ.get("CSAS_SWEEP_AT", "06:00"),
        clock_override=_flag("CSAS_CLOCK_OVERRIDE", False),
        demo=demo,
        public_url=os.environ.get("CSAS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        reset_link_minutes=_positive_int("CSAS_RESET_LINK_MINUTES", 60),
        invite_link_days=_positive_int("CSAS_INVITE_LINK_DAYS", 7),
        verify_checks_per_minute=_positive_int("CSAS_VERIFY_CHECKS_PER_MINUTE", 30),
        signing_key=Path(os.environ.get("CSAS_SIGNING_KEY") or var_dir / "signing" / "statement-key.pem"),
        signing_cert=Path(os.environ.get("CSAS_SIGNING_CERT") or var_dir / "signing" / "statement-cert.pem"),
        signing_passphrase=os.environ.get("CSAS_SIGNING_PASSPHRASE") or None,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def require_secret_key(settings: Settings) -> None:
    """Refuse to serve outside demo mode without a secret key: it signs CSRF tokens and peppers token hashes."""
    if not settings.secret_key:
        raise SettingsError("CSAS_SECRET_KEY must be set (or run in demo mode with CSAS_DEMO=on)")

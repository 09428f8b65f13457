import os

from piccolo.conf.apps import AppConfig

from core.tables import (
    ApiToken,
    AuditEvent,
    PasswordLink,
    PasswordResetRequest,
    SignInAttempt,
    ThrottledRequest,
    User,
    UserSession,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[User, UserSession, ApiToken, AuditEvent, SignInAttempt, PasswordLink, PasswordResetRequest,
                   ThrottledRequest],
    migration_dependencies=[],
    commands=[],
)

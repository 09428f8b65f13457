import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="scheduler",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["scheduler.tables", "scheduler.outbox_tables"], exclude_imported=True),
    migration_dependencies=["register.piccolo_app", "vetting.piccolo_app", "training.piccolo_app"],
    commands=[],
)

"""create_app(): wires controllers, dependencies, error handling and the lifespan (database, scheduler)."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

import admin_ui.controllers
import admin_ui.errors
import admin_ui.templating
import register.controllers
import reports.controllers
import scheduler.controllers
import training.controllers
import vetting.controllers
from admin_ui.paths import STATIC_DIR, TEMPLATES_DIR
from bootstrap import wire
from core.controllers import AuthController, HealthController
from core.headers import add_security_headers, complete_allow_header
from core.http import (
    EXCEPTION_HANDLERS,
    SECURITY_SCHEMES,
    finish_openapi_document,
    optional_principal,
    provide_day,
    provide_principal,
    provide_today,
)
from core.lifecycle import close_database, open_database
from core.logs import install_redaction
from core.settings import get_settings, require_secret_key
from scheduler.jobs import delivery_lifespan, start_scheduler

logger = logging.getLogger("csas")


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    settings = get_settings()
    await open_database()
    if settings.demo:
        from demo import load_demo_if_empty

        await load_demo_if_empty()
    jobs = start_scheduler(settings) if settings.scheduler_on else None
    # What start-up built (modules, routes, schemas: about 110,000 objects) lives as long as the process; left to
    # the garbage collector, each full collection walks all of it, a 35 ms pause in the middle of some request.
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        if jobs is not None:
            jobs.shutdown(wait=False)
        await close_database()


def create_app() -> Litestar:
    settings = get_settings()
    require_secret_key(settings)
    install_redaction()
    wire()
    app = Litestar(
        route_handlers=[
            HealthController,
            AuthController,
            *register.controllers.ROUTE_HANDLERS,
            *vetting.controllers.ROUTE_HANDLERS,
            *training.controllers.ROUTE_HANDLERS,
            *scheduler.controllers.ROUTE_HANDLERS,
            *admin_ui.controllers.ROUTE_HANDLERS,
            *reports.controllers.ROUTE_HANDLERS,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
        ],
        dependencies={
            "principal": Provide(provide_principal),
            "viewer": Provide(optional_principal),
            "today": Provide(provide_today, sync_to_thread=False),
            "day": Provide(provide_day, sync_to_thread=False),
            "warning_window": Provide(scheduler.controllers.provide_warning_window),
        },
        # Problem details for the API and for scripts; an HTML page for a browser (admin_ui.errors says the rule).
        exception_handlers=admin_ui.errors.with_error_pages(EXCEPTION_HANDLERS),
        # Every answer, the router's own 404 and 405 included (they bypass middleware): see core.headers.
        before_send=[add_security_headers, complete_allow_header],
        lifespan=[lifespan, delivery_lifespan],  # delivery stops before the database closes
        template_config=TemplateConfig(directory=TEMPLATES_DIR, engine=JinjaTemplateEngine,
                                       engine_callback=admin_ui.templating.configure),
        # Pages post forms with a token (cookie csas_csrf + hidden _csrf_token); the JSON API under /api is
        # excluded: scripts use bearer tokens there. The public card check has no form and sets no cookie.
        csrf_config=CSRFConfig(secret=settings.secret_key, cookie_name=admin_ui.errors.CSRF_COOKIE,
                               header_name="x-csrftoken", exclude=["^/api/", "^/verify/"]),
        openapi_config=OpenAPIConfig(
            title="CSAS Register",
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            components=Components(security_schemes=dict(SECURITY_SCHEMES)),
        ),
        debug=False,
    )
    finish_openapi_document(app)
    return app

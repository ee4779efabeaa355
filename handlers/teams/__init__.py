"""The Microsoft Teams front end (Teams SDK v2), on the same ASGI app, domain and store as Slack."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

# The SDK announces a preview feature we don't use (HTML widgets) on import; keep start-up quiet.
warnings.filterwarnings("ignore", message="HtmlWidgetSecurityPolicy is in preview")
from microsoft_teams.apps import App, FastAPIAdapter

from bot.roles import Roles
from handlers.teams import schools

logger = logging.getLogger(__name__)


@dataclass
class TeamsFrontEnd:
    """The SDK app, registered on our FastAPI app, and the event loop it runs on."""

    app: App
    roles: Roles
    loop: asyncio.AbstractEventLoop | None = field(default=None)


def create(
    api: FastAPI,
    *,
    app_id: str,
    password: str | None,
    tenant_id: str | None,
    roles: Roles,
    school_of: schools.SchoolOf,
    unauthenticated: bool = False,
) -> TeamsFrontEnd:
    """The SDK app serving /api/messages beside /slack/events on the same port; each activity
    is handled in the school `school_of` finds for its tenant (`handlers.teams.schools`)."""
    adapter = FastAPIAdapter(app=api)
    if unauthenticated:
        logger.warning(
            "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS is on: Teams requests are NOT checked "
            "and replies carry no token. For local testing only; never in production."
        )
        credentials: dict[str, Any] = {}
    else:
        credentials = {"client_id": app_id, "client_secret": password, "tenant_id": tenant_id}
    app = App(
        http_server_adapter=adapter,
        dangerously_allow_unauthenticated_requests=unauthenticated,
        **credentials,
    )
    schools.register(app, school_of)  # before any listener: the SDK runs them in order
    front = TeamsFrontEnd(app=app, roles=roles)

    @asynccontextmanager
    async def keep_loop(_: Any) -> AsyncIterator[None]:
        front.loop = asyncio.get_running_loop()  # proactive sends from the sweeps run here
        yield
        front.loop = None

    adapter.lifespans.append(keep_loop)
    asyncio.run(app.initialize())  # registers /api/messages on `api`; starts nothing
    return front

"""The one ASGI app every front end is served on, with its health check."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

HealthCheck = Callable[[], str | None]
"""Why the bot cannot work right now, in a few words; None when all is well."""


def asgi_app(engine: Engine, checks: Sequence[HealthCheck] = ()) -> FastAPI:
    """Slack at /slack/events, Teams at /api/messages, and a health check at /healthz.

    `checks` is read at each request, so a connection made after start-up (Socket Mode) can
    add its own check to the list later."""
    api = FastAPI(title="socialpolicy-bot", docs_url=None, redoc_url=None, openapi_url=None)

    @api.get("/healthz")
    async def healthz() -> Response:
        for check in (lambda: _database_reason(engine), *checks):
            reason = await run_in_threadpool(check)
            if reason is not None:
                return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        return JSONResponse({"status": "ok"})

    return api


def serve_slack(api: FastAPI, slack: App) -> None:
    """Slack at /slack/events on the shared ASGI app."""

    @api.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        # Bolt's sync dispatch runs in a worker thread so the event loop never waits on it.
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(slack.dispatch, bolt_request))


def _database_reason(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return "database unreachable"
    return None

"""The one ASGI app every front end is served on, with its health check."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy import Engine, text


def asgi_app(engine: Engine) -> FastAPI:
    """Slack at /slack/events, Teams at /api/messages, and a health check at /healthz."""
    api = FastAPI(title="socialpolicy-bot", docs_url=None, redoc_url=None, openapi_url=None)

    @api.get("/healthz")
    async def healthz() -> dict[str, str]:
        await run_in_threadpool(_ping, engine)
        return {"status": "ok"}

    return api


def serve_slack(api: FastAPI, slack: App) -> None:
    """Slack at /slack/events on the shared ASGI app."""

    @api.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        # Bolt's sync dispatch runs in a worker thread so the event loop never waits on it.
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(slack.dispatch, bolt_request))


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))

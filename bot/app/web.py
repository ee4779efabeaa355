"""The one ASGI app every front end is served on, with its health check."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.validation import text_problem

HealthCheck = Callable[[], str | None]
"""Why the bot cannot work right now, in a few words; None when all is well."""
HealthNote = Callable[[], dict[str, Any] | None]
"""Something wrong that a restart would not mend (a sweep badly overdue, say), added to the
answer of /healthz while it still says ok; None when there is nothing to add."""

SIGNATURE_AGE = 60 * 5  # seconds, as Slack's own verifier allows
SLACK_CONTENT_TYPES = ("application/x-www-form-urlencoded", "application/json")
# The invokes the Teams listeners answer; Teams sends no other to a bot like this one.
TEAMS_INVOKES = frozenset(
    {"task/fetch", "task/submit", "adaptiveCard/action", "fileConsent/invoke"}
)
# The activity's ids the bot keeps, and the most it keeps of each: longer, or holding text no
# database can store, and the activity did not come from Teams.
TEAMS_IDS = {
    "serviceUrl": 500,
    "from.id": 100,
    "from.aadObjectId": 100,
    "conversation.id": 300,
    "conversation.conversationType": 20,
    "conversation.tenantId": 100,
    "recipient.id": 200,
}


def asgi_app(
    engine: Engine, checks: Sequence[HealthCheck] = (), notes: Sequence[HealthNote] = ()
) -> FastAPI:
    """Slack at /slack/events, Teams at /api/messages, and a health check at /healthz.

    `checks` is read at each request, so a connection made after start-up (Socket Mode) can
    add its own check to the list later."""
    api = FastAPI(title="socialpolicy-bot", docs_url=None, redoc_url=None, openapi_url=None)

    @api.middleware("http")
    async def check_teams_activity(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """A malformed activity is refused here, before the Teams SDK tries to read it."""
        if request.method == "POST" and request.url.path == "/api/messages":
            problem = _teams_problem(await request.body())
            if problem is not None:
                return JSONResponse({"error": problem}, status_code=400)
        return await call_next(request)

    @api.get("/healthz")
    async def healthz() -> Response:
        for check in (lambda: _database_reason(engine), *checks):
            reason = await run_in_threadpool(check)
            if reason is not None:
                return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        answer: dict[str, Any] = {"status": "ok"}
        for note in notes:
            noted = await run_in_threadpool(note)
            if noted:
                answer.update(noted)
        return JSONResponse(answer)

    return api


def serve_slack(api: FastAPI, slack: App, *, signing_secret: str) -> None:
    """Slack at /slack/events on the shared ASGI app. The signature is checked here as Bolt
    would, but before Bolt parses the body (which it does first)."""
    secret = signing_secret.encode()

    @api.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if not _signed_by_slack(secret, body, request.headers):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        problem = _slack_problem(body, request.headers.get("content-type", ""))
        if problem is not None:
            return JSONResponse({"error": problem}, status_code=400)
        # Bolt's sync dispatch runs in a worker thread so the event loop never waits on it.
        bolt_request = to_bolt_request(request, body)
        return to_starlette_response(await run_in_threadpool(slack.dispatch, bolt_request))


def serve_slack_install(api: FastAPI, slack: App) -> None:
    """Bolt's OAuth flow on the shared ASGI app, as Bolt's Starlette adapter serves it: the
    install page (which sets the state cookie) and Slack's redirect back with the code. Both
    read and write the database, so they run in a worker thread."""
    flow = slack.oauth_flow
    assert flow is not None

    @api.get(flow.install_path)
    async def slack_install(request: Request) -> Response:
        bolt_request = to_bolt_request(request, b"")
        return to_starlette_response(
            await run_in_threadpool(flow.handle_installation, bolt_request)
        )

    @api.get(flow.redirect_uri_path)
    async def slack_oauth_redirect(request: Request) -> Response:
        bolt_request = to_bolt_request(request, b"")
        return to_starlette_response(await run_in_threadpool(flow.handle_callback, bolt_request))


def _signed_by_slack(secret: bytes, body: bytes, headers: Mapping[str, str]) -> bool:
    """Slack's v0 signature over the raw bytes, from the last five minutes (whatever the body
    holds: nothing is decoded before this)."""
    stamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (stamp.isascii() and stamp.isdigit()) or abs(time.time() - int(stamp)) > SIGNATURE_AGE:
        return False
    base = b"v0:" + stamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _slack_problem(body: bytes, content_type: str) -> str | None:
    """Why a signed body is not what Slack sends: a form (an interaction's `payload` being a
    JSON object) or a JSON object, in UTF-8; None when it is."""
    kind = content_type.split(";")[0].strip().lower()
    if kind not in SLACK_CONTENT_TYPES:
        return "unsupported content type"
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if not decoded:
        return "empty body"
    if kind == "application/json" or decoded.startswith("{"):
        return None if _json_object(decoded) is not None else "body is not a JSON object"
    form = dict(parse_qsl(decoded, keep_blank_values=True))
    if "payload" in decoded and "payload" in form and _json_object(form["payload"]) is None:
        return "payload is not a JSON object"
    return None


def _teams_problem(body: bytes) -> str | None:
    """Why a body is not an activity the Teams listeners can take; None when it is."""
    activity = _json_object(body)
    if activity is None:
        return "body is not a JSON object"
    for key in ("type", "serviceUrl"):
        if not isinstance(activity.get(key), str) or not activity[key]:
            return f"activity has no {key}"
    for key in ("from", "conversation", "recipient"):
        part = activity.get(key)
        if not isinstance(part, dict) or not isinstance(part.get("id"), str) or not part["id"]:
            return f"activity has no {key}"
    for path, longest in TEAMS_IDS.items():
        outer, _, inner = path.partition(".")
        value = activity[outer].get(inner) if inner else activity.get(outer)
        if value is not None and not _is_id(value, longest):
            return f"activity's {path} is not a valid id"
    for key in ("text", "name"):
        if key in activity and not isinstance(activity[key], str | None):
            return f"activity's {key} is not text"
    if "value" in activity and not isinstance(activity["value"], dict | None):
        return "activity's value is not an object"
    if activity["type"] == "invoke":
        return _invoke_problem(activity)
    return None


def _invoke_problem(activity: dict[str, Any]) -> str | None:
    name = activity.get("name")
    if name not in TEAMS_INVOKES:
        return "unknown invoke"
    value = activity.get("value")
    if not isinstance(value, dict):
        return "invoke has no value"
    if name in ("task/fetch", "task/submit") and not isinstance(value.get("data"), dict | None):
        return "dialog data is not an object"
    if name == "adaptiveCard/action":
        action = value.get("action")
        if not isinstance(action, dict) or not isinstance(action.get("verb"), str | None):
            return "card action has no action"
        if not isinstance(action.get("data"), dict | None):
            return "card action's data is not an object"
    return None


def _is_id(value: Any, longest: int) -> bool:
    return isinstance(value, str) and len(value) <= longest and text_problem(value) is None


def _json_object(text: str | bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _database_reason(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return "database unreachable"
    return None

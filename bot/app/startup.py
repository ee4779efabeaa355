"""Start-up: load the policy, migrate the database, build each front end on one web app, and
hand the sweeps to the scheduler. The only place that wires every layer together."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import FastAPI
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import handlers.slack
from bot.app.health import overdue_note, recorded
from bot.app.jobs import jobs
from bot.app.scheduler import build_scheduler
from bot.app.settings import Settings, StartupError
from bot.app.web import HealthCheck, asgi_app, serve_slack, serve_slack_install
from bot.clock import Clock, SystemClock
from bot.policy.live import CHECK_SECONDS, open_live_policy
from bot.policy.loader import default_policy_path
from bot.ports import FrontEnd, Router
from bot.roles import LookupFailed, Roles
from bot.schools import service as school_service
from bot.schools.live import PerSchool
from bot.schools.revisions import Revisions
from bot.schools.tenants import each_tenant, one_tenant
from bot.services import IncidentWindows, Services
from bot.setup.live import FRESHNESS_SECONDS, LiveSchool
from bot.setup.school import People
from handlers.slack.notifier import SlackNotifier
from handlers.slack.pacing import Pacer, listener_pool
from store import tenancy
from store.db import make_engine, make_lookup_engine, make_session_factory, migrate
from store.tenancy import FIRST_SCHOOL, ContextExecutor

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from handlers.teams import TeamsFrontEnd

logger = logging.getLogger(__name__)

TEAMS_FOLLOW_UP_THREADS = 32  # bounded: each waits on Teams, not the CPU
WORKSPACE_ADMIN_TTL_SECONDS = 300


@dataclass
class Runtime:
    settings: Settings
    services: Services
    engine: Engine
    slack: App | None
    teams: TeamsFrontEnd | None
    asgi: FastAPI
    scheduler: BackgroundScheduler
    health: list[HealthCheck]  # /healthz reads it at each request; connections add to it


def web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client that also retries rate limits (honouring Retry-After) and 5xx. Its
    token: `token`, else SLACK_BOT_TOKEN (none when installed by OAuth: Bolt adds each
    workspace's to the client it makes per request)."""
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def _usergroup_members(client: Callable[[], WebClient]) -> Callable[[str], list[str]]:
    def members(group: str) -> list[str]:
        try:
            return list(client().usergroups_users_list(usergroup=group)["users"])
        except (SlackApiError, SlackClientError, OSError) as error:
            raise LookupFailed(str(error)) from error

    return members


def _workspace_admin(client: Callable[[], WebClient]) -> Callable[[str], bool]:
    """Whether a user is one of the workspace's owners or admins (who install apps), asked of
    Slack and kept for a few minutes, for each school's workspace."""
    known: dict[tuple[int, str], tuple[float, bool]] = {}

    def is_admin(user: str) -> bool:
        now = time.monotonic()
        key = (tenancy.current(), user)
        cached = known.get(key)
        if cached and now - cached[0] < WORKSPACE_ADMIN_TTL_SECONDS:
            return cached[1]
        try:
            info = client().users_info(user=user).get("user") or {}
        except (SlackApiError, SlackClientError, OSError) as error:
            logger.warning("could not look up a user's workspace role: %s", type(error).__name__)
            return cached[1] if cached else False
        answer = bool(info.get("is_owner") or info.get("is_admin"))
        known[key] = (now, answer)
        return answer

    return is_admin


def _slack_roles(
    schools: PerSchool[LiveSchool], client: Callable[[], WebClient] | None, clock: Clock
) -> Roles:
    return Roles(
        people=lambda: schools.get().get().slack,
        members_of=_usergroup_members(client) if client else lambda group: [],
        clock=clock,
        workspace_admin=_workspace_admin(client) if client else lambda user: False,
    )


def _teams_roles(schools: PerSchool[LiveSchool], clock: Clock) -> Roles:
    return Roles(people=lambda: schools.get().get().teams, members_of=lambda group: [], clock=clock)


def _one_school(sessions: sessionmaker[Session]) -> Callable[[str], int]:
    """Every workspace is the first school (one bot token, one workspace); the workspace is
    recorded the first time it is seen, so the deployment can later serve a trust."""
    noted: set[str] = set()

    def school_of(workspace: str) -> int:
        if workspace not in noted:
            school_service.note_first(sessions, school_service.slack_key(workspace))
            noted.add(workspace)
        return FIRST_SCHOOL

    return school_of


def _ready_first(
    school_of: Callable[[str], int], ready: Callable[[], object]
) -> Callable[[str], int]:
    """`ready` in a school's scope when this process first serves it, before any listener:
    what is made at a school's first use (its live policy, imported into a new school) is made
    outside the listeners' transactions, which on SQLite hold the one writer it would wait for."""
    seen: set[int] = set()

    def first(workspace: str) -> int:
        school = school_of(workspace)
        if school not in seen:
            with tenancy.scope(school):
                ready()
            seen.add(school)
        return school

    return first


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    pacer: Pacer | None = None,
    listener_executor: Executor | None = None,
    school_freshness: float = FRESHNESS_SECONDS,
    policy_check_seconds: float = CHECK_SECONDS,
) -> Runtime:
    """Everything the bot runs on, ready to serve. Raises `PolicyLoadError` on a bad policy.
    `policy_check_seconds`: how often the live policy version is looked up."""
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = make_session_factory(engine)
    lookup_engine = make_lookup_engine(settings.database_url)
    lookups = make_session_factory(lookup_engine)
    first = settings.school()
    # Another school of a trust starts from the environment's rules, but not its people or
    # channels, which are the first school's.
    later = first.model_copy(update={"slack": People(), "teams": People()})
    # Every school's cached settings and policy watch one shared read of how far each moved.
    revisions = Revisions(lookups, freshness=min(school_freshness, policy_check_seconds))
    schools = PerSchool(
        lambda school_id: LiveSchool(
            lookups,
            first if school_id == FIRST_SCHOOL else later,
            freshness=school_freshness,
            locked=not settings.settings_in_chat,
            revision=lambda: revisions.of(school_id),
        )
    )
    # Each school's live version in the database; POLICY_PATH is only imported as a new
    # school's first version.
    policies = PerSchool(
        lambda school_id: open_live_policy(
            sessions,
            settings.policy_path or default_policy_path(),
            clock=clock,
            ttl=policy_check_seconds,
            lookups=lookups,
            revision=lambda: revisions.of(school_id),
        )
    )
    policies.get()  # the first school's, read now: a policy that cannot be read stops the start
    health: list[HealthCheck] = []
    api = asgi_app(engine, health, notes=[overdue_note(sessions, clock)])
    client = web_client(settings) if settings.slack_on else None
    install = None
    if settings.slack_oauth:  # Bolt's OAuth flow and stores: only when installing by OAuth
        from bot.app.slack_install import slack_install

        install = slack_install(
            settings, lookup_engine, sessions, clock, lambda token: web_client(settings, token)
        )
    # Each school's own token when installed by OAuth; the one token otherwise.
    clients: Callable[[], WebClient] | None = (
        install.clients if install is not None else (lambda: client) if client else None
    )
    roles = _slack_roles(schools, clients, clock)
    front_ends: dict[str, FrontEnd] = {}
    if clients is not None:
        front_ends["slack"] = SlackNotifier(
            clients,
            people=lambda: schools.get().get().slack,
            slt_members=lambda: roles.slt_members(),
            reviewers=roles.named_reviewers,
            zone=lambda: schools.get().get().zone,
            clock=clock,
            pacer=pacer or Pacer(),
        )
    teams = teams_notifier = directory = None
    if settings.teams_app_id is not None:  # the Teams SDK is only imported when Teams is on
        from handlers import teams as teams_front_end
        from handlers.teams.conversations import TeamsDirectory
        from handlers.teams.notifier import TeamsNotifier

        teams = teams_front_end.create(
            api,
            app_id=settings.teams_app_id,
            password=(
                settings.teams_app_password.get_secret_value()
                if settings.teams_app_password
                else None
            ),
            tenant_id=settings.teams_tenant_id,
            roles=_teams_roles(schools, clock),
            # Registered for one tenant: it is the first school. Otherwise any tenant, each
            # its own school.
            school_of=(
                one_tenant(sessions, settings.teams_tenant_id)
                if settings.teams_tenant_id
                else each_tenant(sessions, clock, ready=policies.get)
            ),
            unauthenticated=settings.dangerously_allow_unauthenticated_requests,
        )
        directory = TeamsDirectory(sessions, lookups=lookups)
        teams_notifier = front_ends["teams"] = TeamsNotifier(
            api=lambda: teams.app.api,
            loop=lambda: teams.loop,
            directory=directory,
            people=lambda: schools.get().get().teams,
            reviewers=teams.roles.named_reviewers,
            zone=lambda: schools.get().get().zone,
            clock=clock,
        )
    services = Services(
        sessions=sessions,
        policies=policies,
        clock=clock,
        roles=roles,
        notifier=Router(front_ends),
        schools=schools,
        sweep_interval=timedelta(seconds=settings.reminder_sweep_seconds),
        incident_windows=IncidentWindows(
            ack=timedelta(minutes=settings.incident_ack_minutes),
            urgent_ack=timedelta(minutes=settings.incident_urgent_ack_minutes),
            stale=timedelta(days=settings.incident_stale_days),
            platform_chase=timedelta(days=settings.platform_report_chase_days),
        ),
    )
    slack = None
    if client is not None:
        signing_secret = (
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        )
        slack = App(
            name="socialpolicy-bot",  # else Bolt walks the whole call stack to guess one
            client=client,
            signing_secret=signing_secret,
            token_verification_enabled=False,
            listener_executor=listener_executor or listener_pool(),
            oauth_settings=install.oauth if install is not None else None,
        )
        school_of = (
            _ready_first(install.school_of, policies.get)
            if install is not None
            else _one_school(sessions)
        )
        handlers.slack.register(slack, services, school_of=school_of)
        if install is not None:
            from handlers.slack import installations

            installations.register(slack, install.clients, install.uninstalled)
        if signing_secret is not None and not settings.socket_mode:
            serve_slack(api, slack, signing_secret=signing_secret)  # not in Socket Mode
        if install is not None:
            serve_slack_install(api, slack)
    if teams is not None and teams_notifier is not None and directory is not None:
        from handlers.teams.listeners import TeamsListeners

        # Deliveries a Teams action owes run here, after its invoke is answered, in its school.
        follow_ups = listener_executor or ContextExecutor(
            TEAMS_FOLLOW_UP_THREADS, thread_name_prefix="teams-follow-up"
        )
        TeamsListeners(teams.app, services, teams.roles, teams_notifier, directory, follow_ups)
    sweeps = recorded(jobs(services), sessions=sessions, clock=clock)
    scheduler = build_scheduler(sweeps, zone=settings.zone)
    return Runtime(
        settings=settings,
        services=services,
        engine=engine,
        slack=slack,
        teams=teams,
        asgi=api,
        scheduler=scheduler,
        health=health,
    )


def check_slack_token(client: WebClient) -> None:
    """Ask Slack whether the bot token works, so a wrong or revoked one stops the start."""
    try:
        auth = client.auth_test()
    except SlackApiError as error:
        raise StartupError(
            f"SLACK_BOT_TOKEN was refused by Slack ({error.response.get('error')}): copy the "
            "Bot User OAuth Token again from your Slack app's OAuth & Permissions page"
        ) from None
    except (SlackClientError, OSError) as error:
        logger.warning("could not reach Slack to check the bot token: %s", error)
        return
    logger.info("connected to Slack workspace %s as %s", auth.get("team"), auth.get("user"))


def listen(port: int) -> socket.socket:
    """Take the HTTP port before anything else starts, so a port in use stops the start."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("0.0.0.0", port))
    except OSError as error:
        listener.close()
        raise StartupError(
            f"PORT {port} is already in use ({error.strerror}): stop whatever is using it, "
            "or set PORT to a free one"
        ) from None
    return listener


def connect_socket_mode(runtime: Runtime, *, ping_interval: float = 10) -> SocketModeHandler:
    """Connect to Slack over Socket Mode and have /healthz report the connection. The client
    reconnects by itself when Slack refreshes the socket, within `ping_interval` when Slack
    closes it, and after a few intervals without a pong when the network loses it. Raises
    `StartupError` if Slack will not open a connection for the app-level token."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert runtime.slack is not None and runtime.settings.slack_app_token is not None
    handler = SocketModeHandler(
        runtime.slack,
        runtime.settings.slack_app_token.get_secret_value(),
        ping_interval=ping_interval,
    )
    runtime.health.append(
        lambda: None if handler.client.is_connected() else "Slack Socket Mode connection is down"
    )
    try:
        handler.connect()
    except SlackApiError as error:
        handler.close()
        raise StartupError(
            f"SLACK_APP_TOKEN was refused by Slack ({error.response.get('error')}): create an "
            "app-level token with the connections:write scope under your Slack app's Basic "
            "Information page"
        ) from None
    except (SlackClientError, OSError) as error:
        handler.close()
        raise StartupError(f"could not reach Slack to open Socket Mode ({error})") from None
    return handler


def serve(runtime: Runtime) -> None:
    """Check what can only be checked live, then start the sweeps and serve: /healthz on PORT
    always, Slack over Socket Mode or at /slack/events, Teams at /api/messages. Raises
    `StartupError` before anything is sent if the token or the port is unusable."""
    settings = runtime.settings
    listener = listen(settings.port)
    socket_mode = None
    try:
        if runtime.slack is not None and not settings.slack_oauth:
            check_slack_token(runtime.slack.client)
            if settings.socket_mode:
                logger.info("connecting to Slack over Socket Mode")
                socket_mode = connect_socket_mode(runtime)
    except StartupError:
        listener.close()
        raise
    runtime.scheduler.start()
    import uvicorn

    paths = [
        *(["/slack/events"] if runtime.slack is not None and not settings.socket_mode else []),
        *(["/slack/install", "/slack/oauth_redirect"] if settings.slack_oauth else []),
        *(["/api/messages"] if runtime.teams is not None else []),
        "/healthz",
    ]
    logger.info("serving on port %s (%s)", settings.port, ", ".join(paths))
    config = uvicorn.Config(runtime.asgi, log_level=settings.log_level.lower())
    try:
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        if socket_mode is not None:
            socket_mode.close()

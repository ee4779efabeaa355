"""The composition root: the one place in `bot/` that knows about Slack.

It loads the policy, migrates the database, builds the Slack app with a retrying Web API
client, and serves it over HTTP (FastAPI under uvicorn) or Socket Mode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import Engine, text

import handlers
from bot.accounts import reminders as handover_reminders
from bot.clock import Clock, SystemClock
from bot.comments import reminders
from bot.comments.reminders import ReminderPolicy
from bot.deadlines import WorkingCalendar
from bot.incidents import reminders as incident_reminders
from bot.incidents.reminders import IncidentTimers
from bot.knowledge import reminders as knowledge_reminders
from bot.notify import Notifier, RoutingNotifier
from bot.pacing import Pacer
from bot.policy.document import PolicySet
from bot.policy.loader import default_policy_path, load_policies
from bot.policy.service import PolicyService
from bot.reports import digest
from bot.retention import service as retention_service
from bot.retention.service import RetentionPolicy
from bot.reviews import reminders as review_reminders
from bot.roles import LookupFailed, Roles
from bot.scheduler import Job, build_scheduler
from bot.services import Services
from bot.settings import Settings
from handlers.slack_notifier import SlackNotifier
from handlers.views.common import mention, slt_mention
from store.db import make_engine, make_session_factory, migrate, session_scope

if TYPE_CHECKING:
    from handlers.teams import TeamsFrontEnd

logger = logging.getLogger(__name__)

COMMENT_SWEEP_JOB = "comment-reminders"
INCIDENT_SWEEP_JOB = "incident-reminders"
REVIEW_SWEEP_JOB = "policy-review-reminders"
RETENTION_JOB = "retention"
DIGEST_JOB = "weekly-digest"
HANDOVER_JOB = "account-handovers"
REVIEW_JOB = "draft-reviews"
DAY_SECONDS = 24 * 60 * 60


@dataclass
class Runtime:
    services: Services
    engine: Engine
    slack: App | None
    teams: TeamsFrontEnd | None
    asgi: FastAPI
    scheduler: BackgroundScheduler


def web_client(settings: Settings) -> WebClient:
    """A Web API client that also retries rate limits (honouring Retry-After) and 5xx."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def _usergroup_members(client: WebClient) -> Callable[[str], list[str]]:
    def members(group: str) -> list[str]:
        try:
            return list(client.usergroups_users_list(usergroup=group)["users"])
        except (SlackApiError, SlackClientError, OSError) as error:
            raise LookupFailed(str(error)) from error

    return members


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    pacer: Pacer | None = None,
    listener_executor: Executor | None = None,
) -> Runtime:
    """Everything the bot runs on, ready to serve. Raises `PolicyLoadError` on a bad policy."""
    clock = clock or SystemClock()
    policy = PolicyService(load_policies(settings.policy_path or default_policy_path()))
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = make_session_factory(engine)
    api = asgi_app(engine)
    client = web_client(settings) if settings.slack_on else None
    roles = Roles(
        moderators=frozenset(settings.moderator_users),
        slt=frozenset(settings.slt_users),
        moderator_group=settings.moderator_usergroup,
        slt_group=settings.slt_usergroup,
        members_of=_usergroup_members(client) if client else lambda group: [],
        clock=clock,
    )
    front_ends: dict[str, Notifier] = {}
    if client is not None:
        front_ends["slack"] = SlackNotifier(
            client,
            moderators_channel=settings.moderators_channel,
            slt_channel=settings.slt_channel,
            slt_mention=lambda: slt_mention(settings.slt_usergroup, settings.slt_users),
            slt_members=lambda: roles.slt_members(),
            media_contacts=settings.media_contact_users,
            admin_users=settings.admin_users,
            reviewers_mention=lambda: (
                " ".join(mention(u) for u in settings.reviewers or settings.slt_users) or "SLT:"
            ),
            zone=settings.zone,
            clock=clock,
            pacer=pacer or Pacer(),
        )
    teams = teams_notifier = directory = None
    if settings.teams_on:  # the Teams SDK is only imported when Teams is on
        from handlers import teams as teams_front_end
        from handlers.teams.conversations import TeamsDirectory
        from handlers.teams.notifier import TeamsNotifier

        teams = teams_front_end.create(settings, api, clock=clock)
        directory = TeamsDirectory(sessions)
        teams_notifier = front_ends["teams"] = TeamsNotifier(
            api=lambda: teams.app.api,
            loop=lambda: teams.loop,
            directory=directory,
            moderators_conversation=settings.teams_moderators_conversation,
            slt_conversation=settings.teams_slt_conversation,
            slt_users=settings.teams_slt_users,
            admin_users=settings.teams_admin_users,
            media_contacts=settings.teams_media_contact_users,
            zone=settings.zone,
            clock=clock,
        )
    services = Services(
        settings=settings,
        sessions=sessions,
        policy=policy,
        clock=clock,
        roles=roles,
        calendar=WorkingCalendar(
            zone=settings.zone, region=settings.holiday_region, day_end=settings.working_day_end
        ),
        reminders=ReminderPolicy(
            thresholds=tuple(settings.reminder_thresholds),
            sweep_interval=timedelta(seconds=settings.reminder_sweep_seconds),
        ),
        incident_timers=IncidentTimers(
            ack=timedelta(minutes=settings.incident_ack_minutes),
            urgent_ack=timedelta(minutes=settings.incident_urgent_ack_minutes),
            stale=timedelta(days=settings.incident_stale_days),
            platform_chase=timedelta(days=settings.platform_report_chase_days),
            has_media_contacts=bool(
                settings.media_contact_users or settings.teams_media_contact_users
            ),
        ),
        notifier=RoutingNotifier(front_ends),
    )
    slack = None
    if client is not None:
        slack = App(
            client=client,
            signing_secret=settings.slack_signing_secret,
            token_verification_enabled=False,
            listener_executor=listener_executor,
        )
        handlers.register(slack, services)
        serve_slack(api, slack)
    if teams is not None and teams_notifier is not None and directory is not None:
        from handlers.teams.listeners import TeamsListeners

        TeamsListeners(teams.app, services, teams.roles, teams_notifier, directory)
    scheduler = build_scheduler(_jobs(services, front_ends, policy.policies), zone=settings.zone)
    return Runtime(
        services=services,
        engine=engine,
        slack=slack,
        teams=teams,
        asgi=api,
        scheduler=scheduler,
    )


def _jobs(services: Services, front_ends: dict[str, Notifier], policies: PolicySet) -> list[Job]:
    """Every sweep the scheduler ticks; each asks the database what is due."""
    settings = services.settings
    every = settings.reminder_sweep_seconds
    common = {"sessions": services.sessions, "clock": services.clock}
    return [
        Job(
            COMMENT_SWEEP_JOB,
            partial(
                reminders.sweep, notifier=services.notifier, policy=services.reminders, **common
            ),
            every,
        ),
        Job(
            INCIDENT_SWEEP_JOB,
            partial(
                incident_reminders.sweep,
                notifier=services.notifier,
                timers=services.incident_timers,
                section_for=services.policy_section,
                **common,
            ),
            every,
        ),
        # Each draft's reminders, and each account's handover tasks, go back to its front end.
        Job(
            REVIEW_JOB, partial(review_reminders.sweep, notifier=services.notifier, **common), every
        ),
        Job(
            HANDOVER_JOB,
            partial(handover_reminders.sweep, notifier=services.notifier, **common),
            every,
        ),
        Job(
            REVIEW_SWEEP_JOB,
            partial(
                knowledge_reminders.sweep_review,
                front_ends=front_ends,
                policies=policies,
                override=settings.policy_review_due,
                zone=settings.zone,
                **common,
            ),
            every,
        ),
        Job(
            DIGEST_JOB,
            partial(
                digest.sweep_digest,
                front_ends=front_ends,
                day=settings.digest_day,
                at=settings.digest_time,
                zone=settings.zone,
                **common,
            ),
            every,
        ),
        Job(
            RETENTION_JOB,
            partial(
                apply_retention,
                services,
                RetentionPolicy(
                    comments=timedelta(days=settings.retention_comments_days),
                    incidents=timedelta(days=settings.retention_incidents_days),
                    questions=timedelta(days=settings.retention_questions_days),
                    reviews=timedelta(days=settings.retention_reviews_days),
                ),
            ),
            DAY_SECONDS,
        ),
    ]


def apply_retention(services: Services, policy: RetentionPolicy) -> int:
    """The daily retention pass, in one unit of work."""
    with session_scope(services.sessions) as session:
        return retention_service.apply(session, policy=policy, now=services.clock.now())


def asgi_app(engine: Engine) -> FastAPI:
    """One ASGI app for every front end: Slack at /slack/events, Teams at /api/messages, and
    a health check at /healthz."""
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


def serve(runtime: Runtime) -> None:
    settings = runtime.services.settings
    runtime.scheduler.start()
    if runtime.slack is not None and settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        logger.info("connecting to Slack over Socket Mode")
        socket_mode = SocketModeHandler(runtime.slack, settings.slack_app_token)
        if runtime.teams is None:
            socket_mode.start()
            return
        socket_mode.connect()  # Teams still needs the HTTP server below
    import uvicorn

    logger.info("serving on port %s (/slack/events, /api/messages, /healthz)", settings.port)
    uvicorn.run(
        runtime.asgi, host="0.0.0.0", port=settings.port, log_level=settings.log_level.lower()
    )

"""The health view's wiring: each sweep recording its runs, and the configuration problems
derived from the settings until the in-chat settings supply their own."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.accounts import service as accounts
from bot.app.scheduler import Job
from bot.app.settings import Settings
from bot.clock import Clock
from bot.health import service
from bot.health.runs import JobRuns, error_class
from bot.health.service import HealthSetup, Problem, Problems
from store.db import read_scope
from store.models import TeamsPlace

logger = logging.getLogger(__name__)

SLT_WHY = "escalations, incident reports and questions for SLT have nowhere to go"
MODERATORS_WHY = "logged comments get no tracking card, so a reply can be missed"
SLT_PEOPLE_WHY = "nobody can run incident cases, approve accounts or see this health view"
MODERATOR_PEOPLE_WHY = "only SLT can log comments received on the school's accounts"
ADMIN_WHY = "nobody can create school accounts or hand over a leaver's accounts"
ACCOUNTS_WHY = "comments cannot be logged against one of the school's accounts"
RESTART = ", then restart the bot"
BADLY_OVERDUE = 10  # intervals without a successful run before /healthz mentions a sweep


def recorded(jobs: list[Job], *, sessions: sessionmaker[Session], clock: Clock) -> list[Job]:
    """The jobs, each recording its runs in the database for the health view."""
    runs = JobRuns(sessions, clock)
    runs.register({job.id: job.every_seconds for job in jobs})
    return [replace(job, run=runs.recorded(job.id, job.every_seconds, job.run)) for job in jobs]


def _slack_problems(settings: Settings) -> list[Problem]:
    found = []
    if not settings.slt_channel:
        found.append(
            Problem(
                "No SLT channel in Slack",
                SLT_WHY,
                "Invite the bot to SLT's private channel and put its id in SLT_CHANNEL" + RESTART,
                "slt_channel",
            )
        )
    if not settings.moderators_channel:
        found.append(
            Problem(
                "No moderators' channel in Slack",
                MODERATORS_WHY,
                "Invite the bot to the moderators' channel and put its id in MODERATORS_CHANNEL"
                + RESTART,
                "moderators_channel",
            )
        )
    if not settings.slt_users and not settings.slt_usergroup:
        found.append(
            Problem(
                "No SLT members in Slack",
                SLT_PEOPLE_WHY,
                "List their Slack user ids in SLT_USERS, or their user group in SLT_USERGROUP"
                + RESTART,
                "slt_users",
            )
        )
    if not settings.moderator_users and not settings.moderator_usergroup:
        found.append(
            Problem(
                "No moderators in Slack",
                MODERATOR_PEOPLE_WHY,
                "List their Slack user ids in MODERATOR_USERS, or their user group in "
                "MODERATOR_USERGROUP" + RESTART,
                "moderator_users",
            )
        )
    if not settings.admin_users:
        found.append(
            Problem(
                "No account administrators in Slack",
                ADMIN_WHY,
                "List their Slack user ids in ADMIN_USERS" + RESTART,
                "admin_users",
            )
        )
    return found


def _teams_problems(settings: Settings, places: set[str]) -> list[Problem]:
    found = []
    if not settings.teams_slt_conversation and "slt" not in places:
        found.append(
            Problem(
                "No SLT channel in Teams",
                SLT_WHY,
                'Say "use this channel for slt" to the bot in SLT\'s channel, or put the '
                "channel's id in TEAMS_SLT_CONVERSATION",
                "teams_slt_conversation",
            )
        )
    if not settings.teams_moderators_conversation and "moderators" not in places:
        found.append(
            Problem(
                "No moderators' channel in Teams",
                MODERATORS_WHY,
                'Say "use this channel for moderators" to the bot in the moderators\' channel, '
                "or put the channel's id in TEAMS_MODERATORS_CONVERSATION",
                "teams_moderators_conversation",
            )
        )
    if not settings.teams_slt_users:
        found.append(
            Problem(
                "No SLT members in Teams",
                SLT_PEOPLE_WHY,
                "List their Entra object ids in TEAMS_SLT_USERS" + RESTART,
                "teams_slt_users",
            )
        )
    if not settings.teams_moderator_users:
        found.append(
            Problem(
                "No moderators in Teams",
                MODERATOR_PEOPLE_WHY,
                "List their Entra object ids in TEAMS_MODERATOR_USERS" + RESTART,
                "teams_moderator_users",
            )
        )
    if not settings.teams_admin_users:
        found.append(
            Problem(
                "No account administrators in Teams",
                ADMIN_WHY,
                "List their Entra object ids in TEAMS_ADMIN_USERS" + RESTART,
                "teams_admin_users",
            )
        )
    return found


def settings_problems(settings: Settings, sessions: sessionmaker[Session]) -> Problems:
    """What the settings leave unconfigured, with the register and the Teams channels chosen in
    chat read afresh each time."""

    def problems() -> list[Problem]:
        places: set[str] = set()
        school_accounts = list(settings.school_accounts)
        try:
            with read_scope(sessions) as session:
                places = set(session.scalars(select(TeamsPlace.role)))
                school_accounts = accounts.comment_accounts(session, school_accounts)
        except Exception as error:  # the report still shows what the settings alone say
            logger.warning("health: could not read the register: %s", error_class(error))
        found = _slack_problems(settings) if settings.slack_on else []
        if settings.teams_on:
            found += _teams_problems(settings, places)
        if not school_accounts:
            found.append(
                Problem(
                    "No school accounts",
                    ACCOUNTS_WHY,
                    'List them in SCHOOL_ACCOUNTS (e.g. "Facebook: @ourschool")'
                    + RESTART
                    + ", or add them to the register (the apply command, approved by SLT)",
                    "school_accounts",
                )
            )
        return found

    return problems


def health_setup(settings: Settings, sessions: sessionmaker[Session]) -> HealthSetup:
    return HealthSetup(
        problems=settings_problems(settings, sessions),
        review_override=lambda: settings.policy_review_due,
    )


def overdue_note(
    sessions: sessionmaker[Session], clock: Clock
) -> Callable[[], dict[str, Any] | None]:
    """For /healthz: the sweeps with no successful run for BADLY_OVERDUE intervals. Reported
    beside "ok", not as a failure: restarting every instance would not mend a sweep that fails
    on its data, and would stop the bot answering too."""

    def note() -> dict[str, Any] | None:
        try:
            with read_scope(sessions) as session:
                late = service.overdue_sweeps(session, now=clock.now(), factor=BADLY_OVERDUE)
        except Exception as error:  # the database check reports an unreachable database
            logger.warning("health: could not read the sweeps' runs: %s", error_class(error))
            return None
        return {"sweeps_overdue": late} if late else None

    return note

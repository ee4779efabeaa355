"""Every sweep the scheduler ticks, wired to the services; each asks the database what is due."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.accounts import reminders as handover_reminders
from bot.app.scheduler import Job
from bot.comments import reminders
from bot.health.runs import error_class
from bot.incidents import reminders as incident_reminders
from bot.knowledge import reminders as knowledge_reminders
from bot.policy import announce
from bot.questions import replies
from bot.reports import digest
from bot.retention import redraws
from bot.retention import service as retention_service
from bot.retention.service import RetentionPolicy
from bot.reviews import reminders as review_reminders
from bot.rota import sweep as check_ins
from bot.saved_answers import reminders as saved_answer_reminders
from bot.schools import service as schools
from bot.schools import trust
from bot.services import Services
from store import tenancy
from store.db import session_scope

COMMENT_SWEEP_JOB = "comment-reminders"
INCIDENT_SWEEP_JOB = "incident-reminders"
REVIEW_SWEEP_JOB = "policy-review-reminders"
RETENTION_JOB = "retention"
ERASED_JOB = "erased-messages"
DIGEST_JOB = "weekly-digest"
HANDOVER_JOB = "account-handovers"
REVIEW_JOB = "draft-reviews"
SLT_ANSWERS_JOB = "slt-answers"
SAVED_ANSWERS_JOB = "saved-answers-review"
POLICY_LIVE_JOB = "policy-live-notices"
CHECK_IN_JOB = "account-check-ins"
DAY_SECONDS = 24 * 60 * 60

logger = logging.getLogger(__name__)


def jobs(services: Services) -> list[Job]:
    """Every sweep the scheduler ticks, each run for every school in turn; each asks the
    database what is due, and reads the school's settings (and, for those about the policy,
    which version is live) at that tick."""
    return [
        replace(
            job,
            run=for_each_school(job.id, job.run, services.sessions, ready=lambda: services.policy),
        )
        for job in _school_jobs(services)
    ]


def for_each_school(
    name: str,
    run: Callable[[], object],
    sessions: sessionmaker[Session],
    *,
    ready: Callable[[], object] = lambda: None,
) -> Callable[[], int]:
    """`run` in each school's scope. One school's failure does not keep the others waiting: it
    is logged (by class, never message) and raised once the rest have had their turn.
    `ready` first, outside any transaction: a school's live policy is made (and, the first
    time, imported) at its first use, which inside a sweep's transaction would wait on SQLite's
    one writer, held by that transaction."""

    def each() -> int:
        done, failed = 0, None
        for school in schools.active(sessions):
            with tenancy.scope(school):
                try:
                    ready()
                    outcome = run()
                    done += outcome if isinstance(outcome, int) else 0
                except Exception as error:
                    logger.error("%s failed for school %s: %s", name, school, error_class(error))
                    failed = failed or error
        if failed is not None:
            raise failed
        return done

    return each


def _school_jobs(services: Services) -> list[Job]:
    every = int(services.sweep_interval.total_seconds())
    sessions, clock = services.sessions, services.clock
    return [
        Job(
            COMMENT_SWEEP_JOB,
            lambda: reminders.sweep(
                notifier=services.notifier,
                policy=services.reminders,
                sessions=sessions,
                clock=clock,
            ),
            every,
        ),
        Job(
            INCIDENT_SWEEP_JOB,
            lambda: incident_reminders.sweep(
                notifier=services.notifier,
                timers=services.incident_timers,
                section_for=services.policy_section,
                sessions=sessions,
                clock=clock,
            ),
            every,
        ),
        # Each draft's reminders, and each account's handover tasks, go back to its front end.
        Job(
            REVIEW_JOB,
            partial(
                review_reminders.sweep, notifier=services.notifier, sessions=sessions, clock=clock
            ),
            every,
        ),
        Job(
            HANDOVER_JOB,
            partial(
                handover_reminders.sweep, notifier=services.notifier, sessions=sessions, clock=clock
            ),
            every,
        ),
        Job(
            REVIEW_SWEEP_JOB,
            lambda: knowledge_reminders.sweep_review(
                notifier=services.notifier,
                policies=services.policy.policies,
                override=services.settings.policy_review_due,
                zone=services.zone,
                sessions=sessions,
                clock=clock,
            ),
            every,
        ),
        Job(
            SLT_ANSWERS_JOB,
            partial(replies.sweep, notifier=services.notifier, sessions=sessions, clock=clock),
            every,
        ),
        Job(
            SAVED_ANSWERS_JOB,
            live_policy(
                saved_answer_reminders.sweep_review,
                services,
                notifier=services.notifier,
                sessions=sessions,
                clock=clock,
            ),
            every,
        ),
        Job(
            POLICY_LIVE_JOB,
            partial(
                announce.sweep_live, notifier=services.notifier, sessions=sessions, clock=clock
            ),
            every,
        ),
        Job(
            DIGEST_JOB,
            lambda: digest.sweep_digest(
                notifier=services.notifier,
                day=services.settings.digest_day,
                at=services.settings.digest_time,
                zone=services.zone,
                sessions=sessions,
                clock=clock,
                trust=partial(trust.for_hub, sessions),
            ),
            every,
        ),
        Job(
            CHECK_IN_JOB,
            lambda: check_ins.sweep(
                sessions=sessions,
                notifier=services.notifier,
                calendar=services.calendar,
                school=services.settings,
                clock=clock,
            ),
            every,
        ),
        Job(
            ERASED_JOB,
            partial(redraws.sweep, sessions=sessions, notifier=services.notifier, clock=clock),
            every,
        ),
        Job(
            RETENTION_JOB,
            partial(apply_retention, services),
            DAY_SECONDS,
        ),
    ]


def live_policy(sweep: Callable[..., int], services: Services, **kwargs: Any) -> Callable[[], int]:
    """`sweep` given the policy live at each tick, not at start-up."""
    return lambda: sweep(policies=services.policy.policies, **kwargs)


def apply_retention(services: Services) -> int:
    """The daily retention pass, in one unit of work, with the periods the school set."""
    school = services.settings
    policy = RetentionPolicy(
        comments=timedelta(days=school.retention_comments_days),
        incidents=timedelta(days=school.retention_incidents_days),
        questions=timedelta(days=school.retention_questions_days),
        reviews=timedelta(days=school.retention_reviews_days),
    )
    with session_scope(services.sessions) as session:
        return retention_service.apply(session, policy=policy, now=services.clock.now())

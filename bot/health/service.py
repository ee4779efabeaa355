"""The health report, computed from the database: each sweep's last runs and whether it is
overdue, deliveries being retried or given up, the policy's review date, and what is not
configured (from a callable the wiring supplies)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.notices import CLAIM_LEASE
from store.models import CardRedraw, CommentNotice, IncidentNotice, JobRun, PolicyNotice

OVERDUE_FACTOR = 3  # a sweep is overdue once this many of its intervals pass without a success
REVIEW_WARNING = timedelta(days=30)  # the policy's review is flagged this close to its date
GIVEN_UP_WINDOW = timedelta(days=30)  # deliveries given up on are shown for this long


@dataclass(frozen=True)
class Problem:
    """Something not configured: what is wrong, why it matters, and what fixes it. `action` is
    the id of the action that fixes it in chat, once there is one; until then `fix` says how."""

    what: str
    why: str
    fix: str
    action: str | None = None


@dataclass(frozen=True)
class Sweep:
    job: str
    every: timedelta
    last_started: datetime | None
    last_succeeded: datetime | None
    last_failed: datetime | None
    error: str | None  # the last failure's exception class
    overdue: bool  # no success for more than OVERDUE_FACTOR intervals

    @property
    def failing(self) -> bool:
        """Its last run failed."""
        return self.last_failed is not None and (
            self.last_succeeded is None or self.last_failed > self.last_succeeded
        )


@dataclass(frozen=True)
class DeliveryCount:
    """Deliveries of one kind: how many, and the oldest failure (being retried) or the latest
    (given up)."""

    source: str  # comment, incident, redraw, notice
    kind: str  # the delivery's kind without its ids: "urgent-dm", "reminder-dm", "card"
    count: int
    at: datetime | None


@dataclass(frozen=True)
class PolicyReview:
    version: str
    due: date | None
    overdue: bool
    due_soon: bool


@dataclass(frozen=True)
class HealthReport:
    at: datetime
    sweeps: tuple[Sweep, ...]
    retrying: tuple[DeliveryCount, ...]
    given_up: tuple[DeliveryCount, ...]
    policy: PolicyReview
    problems: tuple[Problem, ...] = field(default=())


# Sweeps ---------------------------------------------------------------------------------------


def _overdue(run: JobRun, now: datetime, factor: float = OVERDUE_FACTOR) -> bool:
    since = run.succeeded_at or run.registered_at
    return now - since > timedelta(seconds=run.every_seconds) * factor


def sweeps(session: Session, *, now: datetime) -> list[Sweep]:
    return [
        Sweep(
            job=run.job,
            every=timedelta(seconds=run.every_seconds),
            last_started=run.started_at,
            last_succeeded=run.succeeded_at,
            last_failed=run.failed_at,
            error=run.error,
            overdue=_overdue(run, now),
        )
        for run in session.scalars(select(JobRun).order_by(JobRun.job))
    ]


def overdue_sweeps(session: Session, *, now: datetime, factor: float) -> list[str]:
    """The jobs with no success for more than `factor` intervals (for /healthz)."""
    runs = session.scalars(select(JobRun).order_by(JobRun.job))
    return [run.job for run in runs if _overdue(run, now, factor)]


# Deliveries -----------------------------------------------------------------------------------

_IDS = re.compile(r"-\d[\w.-]*?(?=-[a-z]|$)")


def kind_of(key: str) -> str:
    """A delivery's kind without the ids and numbers in it (never a person's id):
    "urgent-dm:U123" → "urgent-dm", "reminder-14400-dm" → "reminder-dm",
    "idle-1700000000-2" → "idle", "digest-2026-11-30:slack" → "digest"."""
    return _IDS.sub("", key.split(":", 1)[0])


def _counted(
    rows: Iterable[tuple[str, str, datetime | None]], *, oldest: bool
) -> list[DeliveryCount]:
    counts: dict[tuple[str, str], list[datetime | None]] = defaultdict(list)
    for source, key, at in rows:
        counts[(source, kind_of(key))].append(at)
    found = []
    for (source, kind), moments in counts.items():
        known = [m for m in moments if m is not None]
        at = (min(known) if oldest else max(known)) if known else None
        found.append(DeliveryCount(source=source, kind=kind, count=len(moments), at=at))
    return sorted(found, key=lambda c: (-c.count, c.source, c.kind))


def _failed(model: Any, done: Any) -> Any:
    """Rows of a claimed-delivery table that failed and are waiting for a retry: neither done
    nor given up, and failed at least once (before `first_failed_at` was kept: tried, and not
    claimed now)."""
    return and_(
        done.is_(None),
        model.given_up_at.is_(None),
        or_(
            model.first_failed_at.is_not(None), and_(model.attempts > 0, model.claimed_at.is_(None))
        ),
    )


def retrying(session: Session, *, now: datetime) -> list[DeliveryCount]:
    """Deliveries that failed and are being retried, by kind, with the oldest first failure."""
    rows: list[tuple[str, str, datetime | None]] = []
    for source, model in (("comment", CommentNotice), ("incident", IncidentNotice)):
        failed = select(model.kind, model.first_failed_at).where(_failed(model, model.sent_at))
        rows += [(source, kind, at) for kind, at in session.execute(failed)]
    redraws = session.execute(
        select(CardRedraw.record, CardRedraw.first_failed_at).where(
            _failed(CardRedraw, CardRedraw.redrawn_at)
        )
    )
    rows += [("redraw", record, at) for record, at in redraws]
    # A one-off notice gives its claim back when a send fails; one still claimed long after its
    # lease was left by a crash part-way through sending, and is retried.
    stuck = session.execute(
        select(PolicyNotice.kind, PolicyNotice.claimed_at).where(
            PolicyNotice.sent_at.is_(None), PolicyNotice.claimed_at < now - CLAIM_LEASE
        )
    )
    rows += [("notice", key, at) for key, at in stuck]
    return _counted(rows, oldest=True)


def given_up(session: Session, *, now: datetime) -> list[DeliveryCount]:
    """Deliveries given up on lately, by kind, with the latest."""
    since = now - GIVEN_UP_WINDOW
    rows: list[tuple[str, str, datetime | None]] = []
    for source, model in (("comment", CommentNotice), ("incident", IncidentNotice)):
        rows += [
            (source, k, at)
            for k, at in session.execute(
                select(model.kind, model.given_up_at).where(model.given_up_at >= since)
            )
        ]
    redraws = session.execute(
        select(CardRedraw.record, CardRedraw.given_up_at).where(CardRedraw.given_up_at >= since)
    )
    rows += [("redraw", record, at) for record, at in redraws]
    return _counted(rows, oldest=False)


# The policy -----------------------------------------------------------------------------------


def policy_review(*, version: str, due: date | None, today: date) -> PolicyReview:
    return PolicyReview(
        version=version,
        due=due,
        overdue=due is not None and due < today,
        due_soon=due is not None and today <= due <= today + REVIEW_WARNING,
    )


def report(
    session: Session,
    *,
    now: datetime,
    policy: PolicyReview,
    problems: Iterable[Problem],
) -> HealthReport:
    return HealthReport(
        at=now,
        sweeps=tuple(sweeps(session, now=now)),
        retrying=tuple(retrying(session, now=now)),
        given_up=tuple(given_up(session, now=now)),
        policy=policy,
        problems=tuple(problems),
    )

"""How the school is living up to the policy over a period, from the records themselves."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.knowledge.service import Unanswered, unanswered
from bot.rota.coverage import AccountCoverage, coverage
from store.models import Comment, DraftReview, Handover, Incident


@dataclass(frozen=True)
class TrustSchool:
    """One school of a trust in its hub's digest: figures only, never a record's content."""

    name: str
    comments_logged: int
    answered_in_time: int
    breaches: int
    incidents_opened: int
    incidents_closed: int
    days_checked: int
    days_missed: int


@dataclass(frozen=True)
class Figures:
    start: datetime
    end: datetime
    comments_logged: int
    answered_in_time: int
    breaches: int
    median_response: timedelta | None
    p90_response: timedelta | None
    incidents_opened: Counter[str] = field(default_factory=Counter)
    incidents_closed: Counter[str] = field(default_factory=Counter)
    mean_time_to_acknowledge: timedelta | None = None
    open_handovers: int = 0
    pending_reviews: int = 0
    top_unanswered: list[Unanswered] = field(default_factory=list)
    coverage: tuple[AccountCoverage, ...] = ()  # each watched account's check-ins
    trust: tuple[TrustSchool, ...] = ()  # for a trust's hub: each of the trust's schools

    @property
    def answered_in_time_share(self) -> float | None:
        return self.answered_in_time / self.comments_logged if self.comments_logged else None


def _p90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def comments_in(session: Session, start: datetime, end: datetime) -> list[Comment]:
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.logged_at >= start, Comment.logged_at < end)
            .order_by(Comment.id)
        )
    )


def incidents_in(session: Session, start: datetime, end: datetime) -> list[Incident]:
    return list(
        session.scalars(
            select(Incident)
            .where(Incident.reported_at >= start, Incident.reported_at < end)
            .order_by(Incident.id)
        )
    )


def response_time(comment: Comment) -> timedelta | None:
    return comment.responded_at - comment.received_at if comment.responded_at else None


def compute(session: Session, *, start: datetime, end: datetime, now: datetime) -> Figures:
    comments = comments_in(session, start, end)
    responses = [t.total_seconds() for c in comments if (t := response_time(c)) is not None]
    in_time = sum(1 for c in comments if c.responded_at and c.responded_at <= c.due_at)
    breaches = sum(1 for c in comments if (c.responded_at or now) > c.due_at)
    opened = incidents_in(session, start, end)
    closed = list(
        session.scalars(
            select(Incident).where(Incident.resolved_at >= start, Incident.resolved_at < end)
        )
    )
    waits = [
        (i.acknowledged_at - i.reported_at).total_seconds() for i in opened if i.acknowledged_at
    ]
    return Figures(
        start=start,
        end=end,
        comments_logged=len(comments),
        answered_in_time=in_time,
        breaches=breaches,
        median_response=timedelta(seconds=statistics.median(responses)) if responses else None,
        p90_response=timedelta(seconds=_p90(responses)) if responses else None,
        incidents_opened=Counter(i.kind for i in opened),
        incidents_closed=Counter(i.kind for i in closed),
        mean_time_to_acknowledge=timedelta(seconds=statistics.mean(waits)) if waits else None,
        top_unanswered=unanswered(session, limit=5),
        coverage=coverage(session, first=start.date(), last=(end - timedelta(days=1)).date()),
        open_handovers=session.scalar(
            select(func.count()).select_from(Handover).where(Handover.done_at.is_(None))
        )
        or 0,
        pending_reviews=session.scalar(
            select(func.count()).select_from(DraftReview).where(DraftReview.status == "pending")
        )
        or 0,
    )


def weekly_response_hours(
    session: Session, *, end: datetime, weeks: int = 8
) -> list[tuple[datetime, list[float]]]:
    """Response times (hours) of the comments logged in each of the last `weeks` weeks."""
    series = []
    for back in range(weeks, 0, -1):
        start = end - timedelta(weeks=back)
        comments = comments_in(session, start, start + timedelta(weeks=1))
        hours = [t.total_seconds() / 3600 for c in comments if (t := response_time(c))]
        series.append((start, hours))
    return series

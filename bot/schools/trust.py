"""A trust's week across its schools: each school's figures, side by side, for the trust's
leaders. Figures only (counts and times), never a case's or comment's content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.reports.figures import Figures, TrustSchool, compute
from store import tenancy
from store.db import read_scope
from store.models import School


@dataclass(frozen=True)
class SchoolWeek:
    school_id: int
    name: str
    figures: Figures


def schools_of(session: Session, trust: str) -> list[School]:
    return list(
        session.scalars(
            select(School).where(School.trust == trust.strip()).order_by(School.name, School.id)
        )
    )


def trust_week(
    sessions: sessionmaker[Session], *, trust: str, start: datetime, end: datetime, now: datetime
) -> list[SchoolWeek]:
    """Each of the trust's schools' figures for [start, end), each read in its own scope."""
    with read_scope(sessions) as session:
        members = [(school.id, school.name) for school in schools_of(session, trust)]
    weeks = []
    for school_id, name in members:
        with tenancy.scope(school_id), read_scope(sessions) as session:
            weeks.append(
                SchoolWeek(school_id, name, compute(session, start=start, end=end, now=now))
            )
    return weeks


def for_hub(
    sessions: sessionmaker[Session], *, start: datetime, end: datetime, now: datetime
) -> tuple[TrustSchool, ...]:
    """For the digest of the school in scope: if it is its trust's hub, each of the trust's
    schools' figures for the week; otherwise nothing."""
    with read_scope(sessions) as session:
        hub = session.get(School, tenancy.current())
        trust = hub.trust if hub is not None and hub.trust_hub else None
    if trust is None:
        return ()
    return tuple(
        TrustSchool(
            name=week.name,
            comments_logged=week.figures.comments_logged,
            answered_in_time=week.figures.answered_in_time,
            breaches=week.figures.breaches,
            incidents_opened=sum(week.figures.incidents_opened.values()),
            incidents_closed=sum(week.figures.incidents_closed.values()),
            days_checked=sum(c.days_checked for c in week.figures.coverage),
            days_missed=sum(c.days_missed for c in week.figures.coverage),
        )
        for week in trust_week(sessions, trust=trust, start=start, end=end, now=now)
    )

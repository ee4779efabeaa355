"""Acknowledgements of the policy, its review date, and the questions it fails to answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.policy.document import PolicySet
from store.models import PolicyAcknowledgement, Question

REVIEW_WARNING = timedelta(days=30)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y")


def acknowledge(
    session: Session, *, user_id: str, front_end: str, policies: PolicySet, now: datetime
) -> PolicyAcknowledgement:
    """Record that someone has read the current version (once per version)."""
    existing = acknowledgement(
        session, user_id=user_id, front_end=front_end, version_key=policies.version_key
    )
    if existing is not None:
        return existing
    row = PolicyAcknowledgement(
        user_id=user_id,
        front_end=front_end,
        version_key=policies.version_key,
        version=policies.version[:200],
        acknowledged_at=now,
    )
    session.add(row)
    return row


def acknowledgement(
    session: Session, *, user_id: str, front_end: str, version_key: str
) -> PolicyAcknowledgement | None:
    return session.scalars(
        select(PolicyAcknowledgement).where(
            PolicyAcknowledgement.user_id == user_id,
            PolicyAcknowledgement.front_end == front_end,
            PolicyAcknowledgement.version_key == version_key,
        )
    ).first()


def not_acknowledged(
    session: Session, *, staff: list[str], front_end: str, version_key: str
) -> list[str]:
    """Those of `staff` who have not confirmed the current version: a new version asks all."""
    done = set(
        session.scalars(
            select(PolicyAcknowledgement.user_id).where(
                PolicyAcknowledgement.front_end == front_end,
                PolicyAcknowledgement.version_key == version_key,
            )
        )
    )
    return [user for user in staff if user not in done]


@dataclass(frozen=True)
class Unanswered:
    text: str
    times: int
    last_asked: datetime


def unanswered(session: Session, *, limit: int = 20) -> list[Unanswered]:
    """Questions the bot could not answer, most often asked first: those the policy did not
    answer confidently and no saved answer did either, and those whose answer got a 👎."""
    key = func.lower(func.trim(Question.text))
    not_answered = and_(Question.confident.is_(False), Question.saved_answer_id.is_(None))
    rows = session.execute(
        select(func.min(Question.text), func.count(), func.max(Question.asked_at))
        .where(or_(not_answered, Question.feedback == -1))
        .group_by(key)
        .order_by(func.count().desc(), func.max(Question.asked_at).desc())
        .limit(limit)
    ).all()
    return [Unanswered(text=text, times=times, last_asked=last) for text, times, last in rows]


def review_due(policies: PolicySet, override: date | None) -> date | None:
    """When the policy is to be reviewed: POLICY_REVIEW_DUE, else the documents' own dates."""
    if override is not None:
        return override
    dates = [parse_date(d.review_date) for d in policies.documents if d.review_date]
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def parse_date(text: str) -> date | None:
    """A review date as policies write it: "January 2027", "01/09/2026", "2026-09-01"…"""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().rstrip("."))
    cleaned = cleaned.replace("Sept ", "Sep ")
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def review_reminder_due(due: date, today: date) -> str | None:
    """Which review reminder is due today, if any: one a month before, then weekly once overdue."""
    if today >= due:
        return f"review-{due.isoformat()}-overdue-{(today - due).days // 7}"
    if today >= due - REVIEW_WARNING:
        return f"review-{due.isoformat()}-soon"
    return None

"""Retention: settled records older than their period are deleted or anonymised, daily.

- Comments: deleted once answered and older than the comments period.
- Questions: deleted once older than the questions period.
- Second-opinion reviews: deleted once decided and older than the reviews period.
- Incident cases: once resolved and older than the incidents period, anonymised rather than
  deleted (the reference, kind, dates and audit trail stay, as the school may need to show a case
  was handled); never while on legal hold.
Each removal is logged (record type, record, action, rule), never its content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.incidents.service import Status, audit
from store.models import Comment, DraftReview, Incident, Question, RetentionEvent

REMOVED = "(removed)"


@dataclass(frozen=True)
class RetentionPolicy:
    comments: timedelta
    incidents: timedelta
    questions: timedelta
    reviews: timedelta


def _log(
    session: Session, *, kind: str, record: str, action: str, rule: str, now: datetime
) -> None:
    session.add(RetentionEvent(at=now, record_type=kind, record=record, action=action, rule=rule))


def apply(session: Session, *, policy: RetentionPolicy, now: datetime) -> int:
    """Remove what has passed its retention period; returns how many records were touched."""
    touched = 0
    rule = f"comments kept {policy.comments.days} days after the reply"
    for comment in session.scalars(
        select(Comment).where(
            Comment.status == "responded", Comment.responded_at < now - policy.comments
        )
    ):
        _log(session, kind="comment", record=f"#{comment.id}", action="deleted", rule=rule, now=now)
        session.delete(comment)
        touched += 1
    rule = f"questions kept {policy.questions.days} days"
    old_questions = list(
        session.scalars(select(Question.id).where(Question.asked_at < now - policy.questions))
    )
    if old_questions:
        session.execute(delete(Question).where(Question.id.in_(old_questions)))
        _log(
            session,
            kind="question",
            record=f"{len(old_questions)} questions",
            action="deleted",
            rule=rule,
            now=now,
        )
        touched += len(old_questions)
    rule = f"reviews kept {policy.reviews.days} days after the decision"
    for review in session.scalars(
        select(DraftReview).where(
            DraftReview.status != "pending", DraftReview.decided_at < now - policy.reviews
        )
    ):
        _log(session, kind="review", record=f"#{review.id}", action="deleted", rule=rule, now=now)
        session.delete(review)
        touched += 1
    rule = f"cases kept {policy.incidents.days} days after resolution"
    for incident in session.scalars(
        select(Incident).where(
            Incident.status == Status.RESOLVED,
            Incident.resolved_at < now - policy.incidents,
            Incident.legal_hold.is_(False),
            Incident.reporter != REMOVED,
        )
    ):
        _anonymise(incident)
        audit(
            session,
            incident,
            actor="retention",
            action="anonymised",
            summary=f"Personal details removed: {rule}",
            now=now,
        )
        _log(
            session,
            kind="incident",
            record=incident.reference,
            action="anonymised",
            rule=rule,
            now=now,
        )
        touched += 1
    return touched


def _anonymise(incident: Incident) -> None:
    incident.details = None
    incident.link = None
    incident.staff_involved = None
    incident.assessment_note = None
    incident.outcome_note = None
    incident.external_reference = None
    incident.platform_report_reference = None
    incident.reporter = REMOVED
    incident.involved = ""
    incident.next_notice_at = None

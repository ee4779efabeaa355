"""Retention: settled records older than their period are deleted or anonymised, daily.

- Comments: deleted once answered and older than the comments period.
- Questions: deleted once older than the questions period.
- Second-opinion reviews: deleted once decided and older than the reviews period.
- Incident cases: once resolved and older than the incidents period, anonymised rather than
  deleted (the reference, kind, dates and audit trail stay, as the school may need to show a case
  was handled); never while on legal hold. The people (reporter, lead, and every actor on its
  audit trail) and the references held by other bodies (police, platform, safeguarding system)
  go, from the case and from its audit entries; the audit chain is kept verifiable (see
  `bot.incidents.audit`).
- Form submission keys (`bot.submissions`): forgotten once no copy of the form can arrive any
  more. They hold no content (a hash of who submitted which form), so they are not logged.
A deleted comment's card and reminder DMs, and a deleted review's card, are then redrawn
without what they showed (`bot.retention.redraws`).
Each removal is logged (record type, record, action, rule), never its content. On SQLite the
freed space is then reclaimed and the write-ahead log truncated, so no copy of what was removed
stays in the database files (`store.db.reclaim_free_space`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from bot import submissions
from bot.incidents import audit as audit_trail
from bot.incidents.service import Status, audit, redacted_summary
from bot.ports import Posted
from bot.retention import redraws
from store.db import reclaim_free_space
from store.models import (
    CheckIn,
    Comment,
    DraftReview,
    Incident,
    Question,
    RetentionEvent,
    RotaAbsence,
)

logger = logging.getLogger(__name__)

REMOVED = audit_trail.REDACTED


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
    submissions.prune(session, now=now)
    touched = 0
    rule = f"comments kept {policy.comments.days} days after the reply"
    for comment in session.scalars(
        select(Comment).where(
            Comment.status == "responded", Comment.responded_at < now - policy.comments
        )
    ):
        _log(session, kind="comment", record=f"#{comment.id}", action="deleted", rule=rule, now=now)
        redraws.erased(
            session,
            front_end=comment.front_end,
            record="comment",
            record_id=comment.id,
            card=_card(comment),
            now=now,
        )
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
        redraws.erased(
            session,
            front_end=review.front_end,
            record="review",
            record_id=review.id,
            card=_card(review),
            now=now,
        )
        session.delete(review)
        touched += 1
    rule = f"cases kept {policy.incidents.days} days after resolution"
    expired = session.scalars(
        select(Incident).where(
            Incident.status == Status.RESOLVED,
            Incident.resolved_at < now - policy.incidents,
            Incident.legal_hold.is_(False),
            Incident.reporter != REMOVED,
        )
    ).all()
    for incident in expired:
        _anonymise(incident)
        session.flush()  # the database lets a case's audit entries be redacted once it is
        audit_trail.redact(session, incident_id=incident.id, summary=redacted_summary)
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
    touched += _old_checks(session, kept=policy.comments, now=now)
    if touched:
        event.listen(session, "after_commit", _reclaim, once=True)
    return touched


def _old_checks(session: Session, *, kept: timedelta, now: datetime) -> int:
    """Daily checks and absences, which name staff, are kept as long as comments."""
    before = (now - kept).date()
    checks = _deleted(session.execute(delete(CheckIn).where(CheckIn.day < before)))
    absences = _deleted(session.execute(delete(RotaAbsence).where(RotaAbsence.day < before)))
    if checks or absences:
        _log(
            session,
            kind="check-ins",
            record=f"{checks} checks, {absences} absences",
            action="deleted",
            rule=f"daily checks kept {kept.days} days",
            now=now,
        )
    return checks + absences


def _deleted(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _card(record: Comment | DraftReview) -> Posted | None:
    """Where the record's card is, if it was posted."""
    if record.card_channel and record.card_ts:
        return Posted(channel=record.card_channel, ts=record.card_ts)
    return None


def _reclaim(session: Session) -> None:
    """Once the removals are committed, leave no copy of them in the database files."""
    try:
        reclaim_free_space(session.get_bind().engine)
    except Exception as error:  # the removals stand; the space is reclaimed on the next pass
        logger.warning("retention: could not reclaim free space (%s)", type(error).__name__)


def _anonymise(incident: Incident) -> None:
    """Erase the case's personal data: the details and notes, the people (reporter, lead) and
    the references other bodies hold it under. Its audit entries are redacted by the caller."""
    incident.details = None
    incident.link = None
    incident.staff_involved = None
    incident.assessment_note = None
    incident.outcome_note = None
    incident.external_reference = None
    incident.platform_report_reference = None
    incident.safeguarding_reference = None
    incident.reporter = REMOVED
    incident.lead = None
    incident.involved = ""
    incident.next_notice_at = None

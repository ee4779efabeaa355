"""Everything held about one person, for a subject-access request.

Case details are left out: they describe other people (often children) and must be reviewed by
SLT before anything from them is disclosed. The export says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.models import (
    AuditEvent,
    Comment,
    Incident,
    PolicyAcknowledgement,
    Question,
    TeamsPerson,
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _row(row: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    return {c: _plain(getattr(row, c)) for c in columns}


def export_user(session: Session, *, user_id: str) -> dict[str, Any]:
    questions = session.scalars(select(Question).where(Question.asked_by == user_id))
    comments = session.scalars(
        select(Comment).where(
            or_(
                Comment.logged_by == user_id,
                Comment.assignee == user_id,
                Comment.responded_by == user_id,
            )
        )
    )
    cases = session.scalars(
        select(Incident).where(or_(Incident.reporter == user_id, Incident.lead == user_id))
    )
    actions = session.scalars(select(AuditEvent).where(AuditEvent.actor == user_id))
    acknowledgements = session.scalars(
        select(PolicyAcknowledgement).where(PolicyAcknowledgement.user_id == user_id)
    )
    person = session.get(TeamsPerson, user_id)
    return {
        "user": user_id,
        "name_in_teams": person.name if person else None,
        "questions_sent_to_slt": [
            _row(q, ("text", "asked_at", "sent_to_slt_at")) for q in questions
        ],
        "comments": [
            _row(
                c,
                (
                    "id",
                    "platform",
                    "account",
                    "kind",
                    "received_at",
                    "logged_by",
                    "logged_at",
                    "assignee",
                    "responded_by",
                    "responded_at",
                    "response",
                ),
            )
            for c in comments
        ],
        "incident_cases": [
            {
                **_row(i, ("reference", "kind", "reported_at", "status", "resolved_at")),
                "role": "reporter" if i.reporter == user_id else "lead",
            }
            for i in cases
        ],
        "case_actions": [
            {
                "case_id": e.incident_id,
                "at": e.at.isoformat(),
                "action": e.action,
                "summary": e.summary,
            }
            for e in actions
        ],
        "policy_acknowledgements": [
            _row(a, ("version", "acknowledged_at")) for a in acknowledgements
        ],
        "withheld": "The details of incident cases are not included: they concern other people "
        "and must be reviewed by SLT before any part of them is disclosed.",
    }

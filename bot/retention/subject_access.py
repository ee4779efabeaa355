"""Everything held about one person, for a subject-access request.

Case details are left out: they describe other people (often children) and must be reviewed by
SLT before anything from them is disclosed. The export says so.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.models import (
    AuditEvent,
    CheckIn,
    Comment,
    DraftReview,
    Handover,
    Incident,
    PolicyAcknowledgement,
    Question,
    RotaAbsence,
    RotaPlace,
    SchoolAccount,
    TeamsPerson,
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row(row: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    return {c: _plain(getattr(row, c)) for c in columns}


def _account_roles(account: SchoolAccount, user_id: str) -> list[str]:
    roles = {
        "applicant": account.applied_by == user_id,
        "lead": account.lead == user_id,
        "moderator": user_id in account.moderators.split(","),
        "decided": account.decided_by == user_id,
    }
    return [role for role, held in roles.items() if held]


def _accounts(session: Session, user_id: str) -> list[dict[str, Any]]:
    """School accounts the person applied for, leads, moderates or decided on."""
    candidates = session.scalars(
        select(SchoolAccount).where(
            or_(
                SchoolAccount.applied_by == user_id,
                SchoolAccount.lead == user_id,
                SchoolAccount.moderators.contains(user_id),
                SchoolAccount.decided_by == user_id,
            )
        )
    )
    return [
        {**_row(a, ("platform", "handle", "status", "applied_at")), "roles": roles}
        for a in candidates
        if (roles := _account_roles(a, user_id))
    ]


def _review(draft: DraftReview, user_id: str) -> dict[str, Any]:
    """The author's own words and outcome; for a reviewer, only what they decided."""
    if draft.author == user_id:
        columns = ("account", "context", "draft", "status", "submitted_at", "decided_at", "notes")
        return {**_row(draft, columns), "role": "author"}
    return {**_row(draft, ("account", "status", "decided_at", "notes")), "role": "reviewer"}


def _watch(session: Session, user_id: str) -> dict[str, Any]:
    """Their places on account rotas, the absences recorded for or by them, and the daily
    checks they were asked or answered."""
    places = session.scalars(select(RotaPlace).where(RotaPlace.user_id == user_id))
    absences = session.scalars(
        select(RotaAbsence).where(
            or_(
                RotaAbsence.user_id == user_id,
                RotaAbsence.cover == user_id,
                RotaAbsence.recorded_by == user_id,
            )
        )
    )
    checks = session.scalars(
        select(CheckIn).where(
            or_(
                CheckIn.scheduled == user_id,
                CheckIn.asking == user_id,
                CheckIn.checked_by == user_id,
                CheckIn.declined.contains(user_id),
            )
        )
    )
    return {
        "account_rotas": [
            _row(p, ("account_id", "day_kind", "position", "set_at")) for p in places
        ],
        "rota_absences": [
            _row(a, ("account_id", "day", "user_id", "cover", "recorded_by", "recorded_at"))
            for a in absences
        ],
        "account_checks": [
            _row(c, ("account_id", "day", "scheduled", "checked_by", "checked_at", "outcome"))
            for c in checks
        ],
    }


def export_user(session: Session, *, user_id: str) -> dict[str, Any]:
    questions = session.scalars(select(Question).where(Question.asked_by == user_id))
    answered = session.scalars(select(Question).where(Question.slt_answered_by == user_id))
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
    reviews = session.scalars(
        select(DraftReview).where(
            or_(DraftReview.author == user_id, DraftReview.reviewer == user_id)
        )
    )
    handovers = session.scalars(
        select(Handover).where(or_(Handover.departed == user_id, Handover.done_by == user_id))
    )
    person = session.get(TeamsPerson, user_id)
    return {
        "user": user_id,
        "name_in_teams": person.name if person else None,
        "questions_sent_to_slt": [
            _row(q, ("text", "asked_at", "sent_to_slt_at", "slt_answer", "slt_answered_at"))
            for q in questions
        ],
        "questions_answered_for_slt": [
            _row(q, ("text", "slt_answer", "slt_answered_at")) for q in answered
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
        "school_accounts": _accounts(session, user_id),
        "account_handovers": [
            {
                **_row(h, ("account_id", "opened_at", "done_at", "outcome")),
                "role": "left" if h.departed == user_id else "handed over",
            }
            for h in handovers
        ],
        "draft_reviews": [_review(d, user_id) for d in reviews],
        **_watch(session, user_id),
        "withheld": "The details of incident cases are not included: they concern other people "
        "and must be reviewed by SLT before any part of them is disclosed.",
    }

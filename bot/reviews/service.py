"""Drafts submitted for a second opinion, and the reviewers' decisions, each step recorded."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.validation import text_errors
from store.models import DraftReview, ReviewEvent

DRAFT_LIMIT = 3000
TEXT_LIMIT = 1000
REMIND_EVERY = timedelta(hours=4)


class Field(StrEnum):
    ACCOUNT = "account"
    CONTEXT = "context"
    DRAFT = "draft"
    NOTES = "notes"


class ReviewError(Exception):
    """A change that cannot be made; the message is fit to show the user."""


@dataclass(frozen=True)
class DraftForm:
    account: str
    context: str
    draft: str


def validate(form: DraftForm) -> dict[str, str]:
    errors = text_errors(asdict(form))
    if not form.account.strip():
        errors[Field.ACCOUNT] = "Say which account it will go out on."
    if not form.draft.strip():
        errors[Field.DRAFT] = "Paste the draft to be reviewed."
    elif len(form.draft) > DRAFT_LIMIT:
        errors[Field.DRAFT] = f"Keep the draft under {DRAFT_LIMIT} characters."
    if len(form.context) > TEXT_LIMIT:
        errors[Field.CONTEXT] = f"Keep the context under {TEXT_LIMIT} characters."
    return errors


def _event(
    session: Session, review: DraftReview, actor: str, action: str, summary: str, now: datetime
) -> None:
    session.add(
        ReviewEvent(review_id=review.id, at=now, actor=actor, action=action, summary=summary)
    )


def submit(
    session: Session,
    *,
    form: DraftForm,
    author: str,
    now: datetime,
    comment_id: int | None = None,
    front_end: str = "slack",
) -> DraftReview:
    review = DraftReview(
        author=author,
        account=form.account.strip()[:200],
        context=form.context.strip(),
        draft=form.draft.strip(),
        comment_id=comment_id,
        status="pending",
        front_end=front_end,
        submitted_at=now,
        next_notice_at=now + REMIND_EVERY,
        reminders_sent=0,
        version=1,
    )
    session.add(review)
    session.flush()
    _event(session, review, author, "submitted", "Submitted for a second opinion", now)
    return review


def decide(
    session: Session,
    *,
    review_id: int,
    version: int,
    reviewer: str,
    approve: bool,
    notes: str,
    now: datetime,
) -> DraftReview:
    """Approve the draft, or send it back with notes (notes required to send back)."""
    review = session.scalars(
        select(DraftReview).where(DraftReview.id == review_id).with_for_update()
    ).first()
    if review is None:
        raise ReviewError("That draft is no longer here.")
    if review.version != version or review.status != "pending":
        raise ReviewError(f"That draft was already {review.status}; nothing changed.")
    if not approve and not notes.strip():
        raise ReviewError("Say what should change.")
    review.status = "approved" if approve else "returned"
    review.reviewer, review.notes = reviewer, notes.strip()[:TEXT_LIMIT] or None
    review.decided_at, review.next_notice_at = now, None
    review.version += 1
    _event(
        session,
        review,
        reviewer,
        review.status,
        "Approved" if approve else "Sent back with notes",
        now,
    )
    return review


def pending(session: Session) -> list[DraftReview]:
    return list(
        session.scalars(
            select(DraftReview)
            .where(DraftReview.status == "pending")
            .order_by(DraftReview.submitted_at)
        )
    )


def trail(session: Session, review: DraftReview) -> list[ReviewEvent]:
    return list(
        session.scalars(
            select(ReviewEvent).where(ReviewEvent.review_id == review.id).order_by(ReviewEvent.id)
        )
    )

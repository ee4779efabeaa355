"""What a person does with a draft for a second opinion, one function per action for every
front end: who may act, the one transaction, the card and the author's answer sent through the
notifier, and the outcome as plain values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.comments import service as comments
from bot.comments.actions import NOT_A_MODERATOR
from bot.ports import DeliveryError
from bot.reviews import service
from bot.reviews.service import DraftForm, ReviewError
from bot.roles import Roles
from bot.services import Services
from bot.submissions import Key, edit, once
from store.db import session_scope
from store.models import DraftReview

logger = logging.getLogger(__name__)

NOT_A_REVIEWER = "Only the named reviewers or SLT can decide on a draft."
ALREADY_DECIDED = "That draft has already been decided."


class NotAllowed(ReviewError):
    """Someone who is not a reviewer tried to decide."""


class InvalidForm(ReviewError):
    """A draft form with mistakes: `errors` maps each field to what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Check the form.")
        self.errors = errors


@dataclass(frozen=True)
class Review:
    """A draft as it stood when the action finished."""

    id: int
    version: int
    author: str
    account: str
    context: str
    draft: str
    status: str
    reviewer: str | None
    notes: str | None
    card_channel: str | None
    card_ts: str | None
    front_end: str

    @classmethod
    def of(cls, row: DraftReview) -> Review:
        return cls(
            id=row.id,
            version=row.version,
            author=row.author,
            account=row.account,
            context=row.context,
            draft=row.draft,
            status=row.status,
            reviewer=row.reviewer,
            notes=row.notes,
            card_channel=row.card_channel,
            card_ts=row.card_ts,
            front_end=row.front_end,
        )

    @property
    def shown(self) -> bool:
        """Whether its card reached the reviewers."""
        return self.card_channel is not None


Reply = Callable[[Review], object]


def _no_reply(_: Review) -> None:
    """Nothing to answer before the messages go out."""


@dataclass(frozen=True)
class Prefill:
    """What the draft form starts with when opened from a comment's card."""

    account: str = ""
    context: str = ""
    comment_id: int | None = None


NO_PREFILL = Prefill()


def prefill(services: Services, roles: Roles, *, comment_id: int | None, user: str) -> Prefill:
    """The form opened from a comment's card shows the comment's summary: only for those who
    may see comments (moderators and SLT)."""
    if comment_id is None:
        return NO_PREFILL
    if not roles.is_moderator(user):
        raise NotAllowed(NOT_A_MODERATOR)
    with session_scope(services.sessions) as session:
        comment = comments.get(session, comment_id=comment_id)
        if comment is None:
            return NO_PREFILL
        return Prefill(
            account=comment.account or "",
            context=f"Reply to: {comment.summary}",
            comment_id=comment.id,
        )


def submit(
    services: Services,
    *,
    form: DraftForm,
    author: str,
    comment_id: int | None,
    front_end: str,
    reply: Reply = _no_reply,
    submission: Key | None = None,
) -> Review:
    """Save the draft and post its card to the reviewers, remembering where it went (to redraw
    it and thread the reminders); `reply` answers the author first. The same `submission` again
    is answered with the draft it made, whose card is not posted twice."""
    errors = service.validate(form)
    if errors:
        raise InvalidForm(errors)
    now = services.clock.now()

    def make(session: Session) -> tuple[int, DraftReview]:
        row = service.submit(
            session, form=form, author=author, now=now, comment_id=comment_id, front_end=front_end
        )
        session.flush()
        return row.id, row

    taken = once(
        services.sessions,
        submission,
        record="review",
        now=now,
        make=make,
        again=lambda session, review_id: session.get(DraftReview, review_id),
    )
    row = taken.result
    review = Review.of(row)
    reply(review)
    if not taken.new:
        return review
    try:
        where = services.notifier.review_requested(row)
    except DeliveryError as error:
        logger.warning("review %s not shown to its reviewers: %s", review.id, error)
        return review
    with session_scope(services.sessions) as session:
        posted = session.get(DraftReview, review.id)
        if posted is None:
            return review
        posted.card_channel, posted.card_ts = where.channel, where.ts
        return Review.of(posted)


def open_send_back(services: Services, roles: Roles, *, review_id: int, user: str) -> Review:
    if not roles.is_reviewer(user):
        raise NotAllowed(NOT_A_REVIEWER)
    with session_scope(services.sessions) as session:
        row = session.get(DraftReview, review_id)
        if row is None or row.status != "pending":
            raise ReviewError(ALREADY_DECIDED)
        return Review.of(row)


def decide(
    services: Services,
    roles: Roles,
    *,
    review_id: int,
    version: int,
    reviewer: str,
    approve: bool,
    notes: str = "",
    reply: Reply = _no_reply,
    submission: Key | None = None,
) -> Review:
    """Approve the draft, or send it back with notes: the card shows the outcome and the author
    is told. `reply` answers the reviewer first. The same `submission` again is answered from
    the draft and tells the author nothing twice."""
    if not roles.is_reviewer(reviewer):
        raise NotAllowed(NOT_A_REVIEWER)
    now = services.clock.now()
    taken = edit(
        services.sessions,
        submission,
        record="review",
        record_id=review_id,
        version=version,
        now=now,
        change=lambda session: service.decide(
            session,
            review_id=review_id,
            version=version,
            reviewer=reviewer,
            approve=approve,
            notes=notes,
            now=now,
        ),
        again=lambda session: session.get(DraftReview, review_id),
    )
    row = taken.result
    review = Review.of(row)
    reply(review)
    if not taken.new:
        return review
    try:
        services.notifier.review_decided(row)
    except DeliveryError as error:
        logger.warning("review %s: the author could not be told: %s", review.id, error)
    return review

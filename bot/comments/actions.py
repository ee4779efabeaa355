"""What a moderator can do to a comment, decided once for every front end: each action checks
the role (with the roles of the front end acted from), runs in one transaction and sends what
is due through the notifier."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.comments import reminders
from bot.comments import service as comments
from bot.comments.service import CommentError, CommentFacts, CommentForm
from bot.ports import DeliveryError
from bot.roles import Roles
from bot.services import Services
from bot.submissions import Key, edit, once
from store.db import session_scope
from store.models import Comment

logger = logging.getLogger(__name__)

NOT_A_MODERATOR = (
    "Only the school's social media moderators (and SLT) can do that. If you should be one, "
    "ask whoever runs the bot to add you to the moderators."
)
ALREADY_RESPONDED = "That comment has already been marked responded."
OPEN = "open"  # the only state a comment's forms are opened on


class NotAModerator(CommentError):
    def __init__(self) -> None:
        super().__init__(NOT_A_MODERATOR)


class InvalidForm(CommentError):
    """The form cannot be saved as it is; `errors` says what to fix, by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Please check the form.")
        self.errors = errors


def check_moderator(roles: Roles, user: str) -> None:
    """Refuse anyone who is not a moderator (or SLT) on the front end they act from."""
    if not roles.is_moderator(user):
        raise NotAModerator()


def log(
    services: Services,
    roles: Roles,
    *,
    form: CommentForm,
    user: str,
    front_end: str,
    submission: Key | None = None,
) -> CommentFacts:
    """Validate and store a comment; its card is then owed (see `post_card`). The same
    `submission` again gives the comment it made the first time."""
    check_moderator(roles, user)
    now = services.clock.now()
    errors = comments.validate(form, now=now, accounts=services.comment_accounts())
    if errors:
        raise InvalidForm(errors)

    def make(session: Session) -> tuple[int, CommentFacts]:
        comment = comments.log(
            session,
            form=form,
            logged_by=user,
            now=now,
            calendar=services.calendar,
            front_end=front_end,
        )
        return comment.id, CommentFacts.of(comment)

    def again(session: Session, comment_id: int) -> CommentFacts | None:
        comment = comments.get(session, comment_id=comment_id)
        return CommentFacts.of(comment) if comment is not None else None

    return once(
        services.sessions, submission, record="comment", now=now, make=make, again=again
    ).result


def post_card(services: Services, *, comment_id: int) -> None:
    """Deliver what a just-logged comment is owed (its card). Kept apart from `log` so a front
    end that must answer within seconds can answer first."""
    reminders.deliver_now(
        sessions=services.sessions,
        comment_id=comment_id,
        notifier=services.notifier,
        policy=services.reminders,
        clock=services.clock,
    )


def responding(services: Services, roles: Roles, *, comment_id: int, user: str) -> CommentFacts:
    """The comment a moderator is about to mark responded, if it is still open."""
    check_moderator(roles, user)
    with session_scope(services.sessions) as session:
        comment = comments.get(session, comment_id=comment_id)
        if comment is None:  # erased, or not this school's: the same answer either way
            raise CommentError(comments.GONE)
        if comment.status != "open":
            raise CommentError(ALREADY_RESPONDED)
        return CommentFacts.of(comment)


def assign(
    services: Services,
    roles: Roles,
    *,
    comment_id: int,
    user: str,
    reply: Callable[[CommentFacts], object] | None = None,
) -> CommentFacts:
    """Take the comment on: its reminders come to the assignee directly too. `reply`, once it
    is stored, answers the person before the card is redrawn for everyone."""
    check_moderator(roles, user)
    with session_scope(services.sessions) as session:
        comment = comments.assign(session, comment_id=comment_id, user_id=user)
    facts = CommentFacts.of(comment)
    if reply is not None:
        reply(facts)
    _refresh(services, comment)
    return facts


def respond(
    services: Services,
    roles: Roles,
    *,
    comment_id: int,
    user: str,
    response: str | None,
    note: str,
    reply: Callable[[CommentFacts], object] | None = None,
    submission: Key | None = None,
) -> CommentFacts:
    """Close the comment with how it was answered; its card is redrawn. `reply`, once it is
    stored, answers the person before the card is redrawn (Slack waits only 3 seconds). The
    same `submission` again is answered as the first time and redraws nothing."""
    check_moderator(roles, user)
    errors = comments.validate_response(response, note)
    if errors:
        raise InvalidForm(errors)
    now = services.clock.now()

    def change(session: Session) -> Comment:
        return comments.mark_responded(
            session,
            comment_id=comment_id,
            user_id=user,
            response=response or "",
            note=note,
            now=now,
        )

    taken = edit(
        services.sessions,
        submission,
        record="comment",
        record_id=comment_id,
        version=OPEN,
        now=now,
        change=change,
        again=lambda session: comments.get(session, comment_id=comment_id),
    )
    facts = CommentFacts.of(taken.result)
    if reply is not None:
        reply(facts)
    if taken.new:
        _refresh(services, taken.result)
    return facts


def pending(services: Services, roles: Roles, *, user: str) -> list[CommentFacts]:
    """Open comments, soonest deadline first."""
    check_moderator(roles, user)
    with session_scope(services.sessions) as session:
        return [CommentFacts.of(c) for c in comments.pending(session)]


def _refresh(services: Services, comment: Comment) -> None:
    """Redraw the card; the change is saved whether or not the card can be reached."""
    try:
        services.notifier.refresh_card(comment)
    except DeliveryError:
        logger.warning("could not redraw the card for comment %s", comment.id)

"""Logging a comment, taking it on, and closing it with a reply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.comments import options
from bot.deadlines import WorkingCalendar
from bot.validation import is_web_link, text_errors
from store.models import Comment

# A received time a little ahead of ours is a clock difference, not a mistake.
CLOCK_SKEW = timedelta(minutes=5)


class Field(StrEnum):
    """The comment form's fields; front ends key their inline errors by these."""

    PLATFORM = "platform"
    ACCOUNT = "account"
    ACCOUNT_OTHER = "account_other"
    KIND = "kind"
    AUTHOR = "author"
    LINK = "link"
    RECEIVED_AT = "received_at"
    SUMMARY = "summary"
    OFFENSIVE = "offensive"
    RESPONSE = "response"
    NOTE = "note"


@dataclass(frozen=True)
class CommentForm:
    platform: str | None
    account: str | None
    account_other: str
    kind: str | None
    author: str | None
    link: str
    received_at: datetime | None
    summary: str
    offensive: bool


@dataclass(frozen=True)
class CommentFacts:
    """A comment as it stood when read: what front ends show, safe to use after the
    transaction that read it has closed."""

    id: int
    platform: str
    account: str
    kind: str
    author: str
    link: str | None
    summary: str
    offensive: bool
    received_at: datetime
    due_at: datetime
    logged_by: str
    assignee: str | None
    status: str
    responded_at: datetime | None
    responded_by: str | None
    response: str | None
    response_note: str | None

    @classmethod
    def of(cls, comment: Comment) -> CommentFacts:
        return cls(
            id=comment.id,
            platform=comment.platform,
            account=comment.account,
            kind=comment.kind,
            author=comment.author,
            link=comment.link,
            summary=comment.summary,
            offensive=comment.offensive,
            received_at=comment.received_at,
            due_at=comment.due_at,
            logged_by=comment.logged_by,
            assignee=comment.assignee,
            status=comment.status,
            responded_at=comment.responded_at,
            responded_by=comment.responded_by,
            response=comment.response,
            response_note=comment.response_note,
        )


GONE = "That comment no longer exists."  # erased, or another school's: the same answer


class CommentError(Exception):
    """A change that cannot be made; the message is fit to show the user."""

    def describe(self, mention: Callable[[str], str]) -> str:
        """The message, with any person named the way the front end names people."""
        return str(self)


class CommentClosed(CommentError):
    def __init__(self, responded_by: str | None) -> None:
        super().__init__("Already marked responded; nothing was changed.")
        self.responded_by = responded_by

    def describe(self, mention: Callable[[str], str]) -> str:
        who = f" by {mention(self.responded_by)}" if self.responded_by else ""
        return f"Already marked responded{who}; nothing was changed."


def validate(form: CommentForm, *, now: datetime, accounts: list[str]) -> dict[str, str]:
    """Every problem with the form, by field. Empty when it can be logged."""
    errors = text_errors(asdict(form))
    if form.platform not in options.PLATFORMS:
        errors[Field.PLATFORM] = "Choose the platform the comment was made on."
    if form.account not in (*accounts, options.OTHER_ACCOUNT):
        errors[Field.ACCOUNT] = "Choose which school account it was on."
    elif form.account == options.OTHER_ACCOUNT and not form.account_other.strip():
        errors[Field.ACCOUNT_OTHER] = "Name the account, since it isn't in the list."
    if len(form.account_other) > options.ACCOUNT_LIMIT:
        errors[Field.ACCOUNT_OTHER] = (
            f"Keep the account name under {options.ACCOUNT_LIMIT} characters."
        )
    if form.kind not in options.KINDS:
        errors[Field.KIND] = "Say whether it is a comment, a query or a complaint."
    if form.author not in options.AUTHORS:
        errors[Field.AUTHOR] = "Say who wrote it (choose Unknown if you can't tell)."
    link = form.link.strip()
    if link and not is_web_link(link):
        errors[Field.LINK] = "Give a web address starting with http:// or https://."
    elif len(link) > options.LINK_LIMIT:
        errors[Field.LINK] = f"That link is over {options.LINK_LIMIT} characters."
    if form.received_at is None:
        errors[Field.RECEIVED_AT] = "Say when the comment was received."
    elif form.received_at > now + CLOCK_SKEW:
        errors[Field.RECEIVED_AT] = "That time is in the future: when did it arrive?"
    summary = form.summary.strip()
    if not summary:
        errors[Field.SUMMARY] = "Summarise the comment in a line or two."
    elif len(summary) > options.SUMMARY_LIMIT:
        errors[Field.SUMMARY] = (
            f"Keep the summary under {options.SUMMARY_LIMIT} characters "
            f"(it is {len(summary)}); the link holds the rest."
        )
    return errors


def validate_response(response: str | None, note: str) -> dict[str, str]:
    errors = text_errors({Field.RESPONSE: response, Field.NOTE: note})
    if response not in options.RESPONSES:
        errors[Field.RESPONSE] = "Choose how the comment was responded to."
    if len(note.strip()) > options.NOTE_LIMIT:
        errors[Field.NOTE] = f"Keep the note under {options.NOTE_LIMIT} characters."
    return errors


def log(
    session: Session,
    *,
    form: CommentForm,
    logged_by: str,
    now: datetime,
    calendar: WorkingCalendar,
    front_end: str = "slack",
) -> Comment:
    """Store a validated comment with its deadline; its card is due to be posted at once."""
    assert form.received_at is not None  # validate() guarantees it
    account = form.account_other.strip() if form.account == options.OTHER_ACCOUNT else form.account
    comment = Comment(
        platform=form.platform,
        account=account,
        kind=form.kind,
        author=form.author,
        link=form.link.strip() or None,
        summary=form.summary.strip(),
        offensive=form.offensive,
        received_at=form.received_at,
        due_at=calendar.response_due(form.received_at),
        logged_by=logged_by,
        logged_at=now,
        status="open",
        next_notice_at=now,
        front_end=front_end,
    )
    session.add(comment)
    session.flush()
    return comment


def _open_comment(session: Session, comment_id: int) -> Comment:
    comment = session.scalars(
        select(Comment).where(Comment.id == comment_id).with_for_update()
    ).first()
    if comment is None:
        raise CommentError(GONE)
    if comment.status != "open":
        raise CommentClosed(comment.responded_by)
    return comment


def assign(session: Session, *, comment_id: int, user_id: str) -> Comment:
    comment = _open_comment(session, comment_id)
    comment.assignee = user_id
    return comment


def mark_responded(
    session: Session,
    *,
    comment_id: int,
    user_id: str,
    response: str,
    note: str,
    now: datetime,
) -> Comment:
    """Close the comment: no more reminders, and the card says how it was answered."""
    if validate_response(response, note):
        raise CommentError("Choose how the comment was responded to, with a short note.")
    comment = _open_comment(session, comment_id)
    comment.status = "responded"
    comment.responded_at = now
    comment.responded_by = user_id
    comment.response = response
    comment.response_note = note.strip() or None
    comment.next_notice_at = None
    return comment


def get(session: Session, *, comment_id: int) -> Comment | None:
    return session.get(Comment, comment_id)


def pending(session: Session, *, limit: int = 50) -> list[Comment]:
    """Open comments, soonest deadline (so the overdue) first."""
    return list(
        session.scalars(
            select(Comment).where(Comment.status == "open").order_by(Comment.due_at).limit(limit)
        )
    )

"""The tables, in SQLAlchemy 2.0 typed style. Times are aware UTC (`UTCDateTime`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class Question(Base):
    """A question put to the policy search, kept so SLT can see what the policy fails to answer.

    Who asked is not kept unless they chose to send the question on to SLT.
    """

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    best_section: Mapped[str | None] = mapped_column(String(500))
    confident: Mapped[bool] = mapped_column(Boolean)
    policy_version: Mapped[str] = mapped_column(String(200))
    feedback: Mapped[int | None] = mapped_column(SmallInteger)
    asked_by: Mapped[str | None] = mapped_column(String(32))
    sent_to_slt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_questions_confident_asked_at", "confident", "asked_at"),)


class Comment(Base):
    """A comment, query or complaint received on a school account, and its reply deadline.

    `next_notice_at` is when the sweep next has something to send for it (its card, a
    reminder, the escalation); NULL once nothing is left, so settled comments cost the sweep
    nothing however many there are.
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(40))
    account: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(20))
    link: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text)
    offensive: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    logged_by: Mapped[str] = mapped_column(String(64))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assignee: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="open")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by: Mapped[str | None] = mapped_column(String(64))
    response: Mapped[str | None] = mapped_column(String(40))
    response_note: Mapped[str | None] = mapped_column(Text)
    card_channel: Mapped[str | None] = mapped_column(String(64))
    card_ts: Mapped[str | None] = mapped_column(String(64))
    next_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_comments_next_notice_at", "next_notice_at"),
        Index("ix_comments_status_due_at", "status", "due_at"),
    )


class CommentNotice(Base):
    """A message the sweep delivered for a comment; its existence is what stops a second send."""

    __tablename__ = "comment_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("comment_id", "kind", name="uq_comment_notices_kind"),)

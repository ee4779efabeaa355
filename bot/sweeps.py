"""The shape every reminder sweep shares: find rows whose `next_notice_at` has come, then
deliver each one under a claim, never holding a database lock while Slack or Teams is called.

Delivering one row is claim, call, record. The claim is a row in `delivery_claims` committed
before anything is sent: another sweep (in this process or another instance) or an immediate
delivery finds it and leaves the row alone, so each message goes once. The messages are sent
through the notifier handed to `deliver`, which commits what the session has done so far before
each call: the lock SQLite takes for a write (or PostgreSQL's row locks) is never held while a
platform answers, paces or retries, and each message sent is recorded in the transaction after
it. The claim is given back at the end; one left by a crash lapses after `LEASE`, and whatever
was sent but not yet recorded then goes again (at least once, never twice while running).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, sessionmaker

from store.db import session_scope
from store.models import DeliveryClaim

LEASE = timedelta(minutes=15)


class Swept(Protocol):
    id: Mapped[int]
    next_notice_at: Mapped[datetime | None]


Row = TypeVar("Row", bound=Any)
N = TypeVar("N")


class _Unlocked:
    """A notifier whose every call first commits the session it delivers for."""

    def __init__(self, notifier: object, session: Session) -> None:
        self._notifier = notifier
        self._session = session

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._notifier, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self._session.commit()
            return attribute(*args, **kwargs)

        return call


def _claim(sessions: sessionmaker[Session], record: str, row_id: int, now: datetime) -> bool:
    """Take the row for delivery, unless someone else holds it; committed at once."""
    try:
        with session_scope(sessions) as session:
            claim = session.get(DeliveryClaim, (record, row_id), with_for_update=True)
            if claim is None:
                session.add(DeliveryClaim(record=record, record_id=row_id, until=now + LEASE))
                session.flush()
            elif claim.until > now:
                return False
            else:  # left by a crash
                claim.until = now + LEASE
    except IntegrityError:  # claimed by another at the same moment
        return False
    return True


def _release(sessions: sessionmaker[Session], record: str, row_id: int) -> None:
    with session_scope(sessions) as session:
        session.execute(
            delete(DeliveryClaim).where(
                DeliveryClaim.record == record, DeliveryClaim.record_id == row_id
            )
        )


def _deliver_one(
    *,
    sessions: sessionmaker[Session],
    model: type[Row],
    row_id: int,
    due_by: datetime | None,
    now: datetime,
    notifier: N,
    deliver: Callable[[Session, Row, N], int],
) -> int:
    record = model.__tablename__
    if not _claim(sessions, record, row_id, now):
        return 0
    try:
        with sessions() as session:
            query = select(model).where(model.id == row_id)
            if due_by is not None:
                query = query.where(model.next_notice_at <= due_by)
            row = session.scalars(query).first()
            if row is None:
                return 0
            delivered = deliver(session, row, cast(N, _Unlocked(notifier, session)))
            session.commit()
            return delivered
    finally:
        _release(sessions, record, row_id)


def sweep(
    *,
    sessions: sessionmaker[Session],
    model: type[Row],
    now: datetime,
    notifier: N,
    deliver: Callable[[Session, Row, N], int],
) -> int:
    """Deliver everything due at `now`, soonest first, in one pass: a backlog is cleared in one
    tick, so nothing waits a tick longer (and is called late) just because there was a lot."""
    with session_scope(sessions) as session:
        due = list(
            session.scalars(
                select(model.id).where(model.next_notice_at <= now).order_by(model.next_notice_at)
            )
        )
    return sum(
        _deliver_one(
            sessions=sessions,
            model=model,
            row_id=row_id,
            due_by=now,
            now=now,
            notifier=notifier,
            deliver=deliver,
        )
        for row_id in due
    )


def deliver_now(
    *,
    sessions: sessionmaker[Session],
    model: type[Row],
    row_id: int,
    now: datetime,
    notifier: N,
    deliver: Callable[[Session, Row, N], int],
) -> int:
    """Whatever one row is owed, right away (e.g. just after it was created)."""
    return _deliver_one(
        sessions=sessions,
        model=model,
        row_id=row_id,
        due_by=None,
        now=now,
        notifier=notifier,
        deliver=deliver,
    )

"""The shape every reminder sweep shares: find rows whose `next_notice_at` has come, then
deliver each one in its own session, holding its row lock.

On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several bot instances sweep the same table: a row
another instance holds is skipped, and one it has just dealt with no longer matches. `deliver`
may commit between sends (each delivery's claim and record), then takes the lock again with
`relock`; what is left is committed at the end, or rolled back if it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.db import session_scope


@contextmanager
def _unit(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session its work may commit part-way through; the rest committed at the end."""
    with sessions() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def relock(session: Session, model: type[Any], row_id: int) -> None:
    """Take the row's lock again after a commit in the middle of delivering it."""
    session.scalars(select(model.id).where(model.id == row_id).with_for_update()).first()


Row = TypeVar("Row", bound=Any)


def sweep(
    *,
    sessions: sessionmaker[Session],
    model: type[Row],
    now: datetime,
    deliver: Callable[[Session, Row], int],
) -> int:
    """Deliver everything due at `now`, soonest first, in one pass: a backlog is cleared in one
    tick, so nothing waits a tick longer (and is called late) just because there was a lot."""
    with session_scope(sessions) as session:
        due = list(
            session.scalars(
                select(model.id).where(model.next_notice_at <= now).order_by(model.next_notice_at)
            )
        )
    delivered = 0
    for row_id in due:
        with _unit(sessions) as session:
            row = session.scalars(
                select(model)
                .where(model.id == row_id, model.next_notice_at <= now)
                .with_for_update(skip_locked=True)
            ).first()
            if row is not None:
                delivered += deliver(session, row)
    return delivered


def deliver_now(
    *,
    sessions: sessionmaker[Session],
    model: type[Row],
    row_id: int,
    deliver: Callable[[Session, Row], int],
) -> int:
    """Whatever one row is owed, right away (e.g. just after it was created)."""
    with _unit(sessions) as session:
        row = session.scalars(
            select(model).where(model.id == row_id).with_for_update(skip_locked=True)
        ).first()
        return deliver(session, row) if row is not None else 0

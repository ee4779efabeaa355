"""The shape every reminder sweep shares: find rows whose `next_notice_at` has come, then
deliver each one inside its own transaction, holding its row lock.

On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several bot instances sweep the same table: a row
another instance holds is skipped, and one it has just dealt with no longer matches.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Mapped, Session, sessionmaker

from store.db import session_scope


class Swept(Protocol):
    id: Mapped[int]
    next_notice_at: Mapped[datetime | None]


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
        with session_scope(sessions) as session:
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
    with session_scope(sessions) as session:
        row = session.scalars(
            select(model).where(model.id == row_id).with_for_update(skip_locked=True)
        ).first()
        return deliver(session, row) if row is not None else 0

"""Messages that carried what retention erases (a comment's summary on its card and in its
assignee's reminders, a draft on its review card) are redrawn without it.

Each such message is recorded when it is sent. Erasing the record makes them due; the
`erased-messages` sweep redraws each once: claimed and committed before the platform is called,
marked after, so two instances never both redraw one and a crash mid-call is retried once the
claim lapses. A failing redraw is retried at the next sweep (given up after `TRIES`); it never
holds up the erasure, which has already been committed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notices import DELIVERY_LEASE, TRIES
from bot.ports import DeliveryError, Notifier, Posted
from store.db import session_scope
from store.models import CardRedraw

logger = logging.getLogger(__name__)


def carried(
    session: Session, where: Posted, *, front_end: str, record: str, record_id: int
) -> None:
    """`where` shows what `record` holds: redraw it if that is ever erased."""
    session.add(
        CardRedraw(
            front_end=front_end,
            channel=where.channel,
            ts=where.ts,
            record=record,
            record_id=record_id,
        )
    )


def erased(
    session: Session,
    *,
    front_end: str,
    record: str,
    record_id: int,
    card: Posted | None,
    now: datetime,
) -> None:
    """The record is being erased: its card and every message recorded as carrying it are due
    to be redrawn."""
    if card is not None:
        carried(session, card, front_end=front_end, record=record, record_id=record_id)
        session.flush()
    session.execute(
        update(CardRedraw)
        .where(CardRedraw.record == record, CardRedraw.record_id == record_id)
        .values(due_at=now)
    )


def sweep(*, sessions: sessionmaker[Session], notifier: Notifier, clock: Clock) -> int:
    """Redraw every message whose record was erased; how many were redrawn."""
    now = clock.now()
    with session_scope(sessions) as session:
        due = list(
            session.scalars(
                select(CardRedraw.id).where(
                    CardRedraw.due_at <= now,
                    CardRedraw.redrawn_at.is_(None),
                    CardRedraw.given_up_at.is_(None),
                )
            )
        )
    return sum(_redraw(sessions, notifier, row_id, now) for row_id in due)


def _redraw(
    sessions: sessionmaker[Session], notifier: Notifier, row_id: int, now: datetime
) -> bool:
    with session_scope(sessions) as session:
        row = session.scalars(
            select(CardRedraw)
            .where(
                CardRedraw.id == row_id,
                CardRedraw.redrawn_at.is_(None),
                or_(CardRedraw.claimed_at.is_(None), CardRedraw.claimed_at < now - DELIVERY_LEASE),
            )
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return False  # redrawn, or being redrawn by another instance
        row.claimed_at, row.attempts = now, row.attempts + 1
        where, front_end, record = Posted(row.channel, row.ts), row.front_end, row.record
    try:
        notifier.redraw_erased(where, front_end=front_end, record=record)
    except DeliveryError as error:
        with session_scope(sessions) as session:
            failed = session.get(CardRedraw, row_id)
            assert failed is not None
            failed.claimed_at = None
            failed.first_failed_at = failed.first_failed_at or now  # for the health view
            if failed.attempts >= TRIES:
                failed.given_up_at = now
            logger.warning(
                "erased %s: message not redrawn (try %d): %s", record, failed.attempts, error
            )
        return False
    with session_scope(sessions) as session:
        done = session.get(CardRedraw, row_id)
        assert done is not None
        done.claimed_at, done.redrawn_at = None, now
    return True

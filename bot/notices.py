"""One-off notices (the weekly digest, the policy review reminder) go out exactly once.

Each is claimed in the database before it is sent (a unique key, taken under a row lock) and
marked sent once it has gone. Two instances never both send: the second finds the claim. A
failed send gives the claim back, so the next tick retries; a crash mid-send leaves a claim
that lapses after `CLAIM_LEASE`, so the notice is retried, not lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store.db import session_scope
from store.models import PolicyNotice

CLAIM_LEASE = timedelta(minutes=15)
INSTALLED = "installed"


def send_once(
    *, sessions: sessionmaker[Session], key: str, now: datetime, send: Callable[[], None]
) -> bool:
    """Send the notice `key` unless it was sent or is being sent; whether this call sent it.
    Whatever `send` raises gives the claim back and is raised again."""
    if not _claim(sessions, key, now):
        return False
    try:
        send()
    except BaseException:
        _settle(sessions, key, sent_at=None)
        raise
    _settle(sessions, key, sent_at=now)
    return True


def sent_already(session: Session, key: str) -> bool:
    notice = session.get(PolicyNotice, key)
    return notice is not None and notice.sent_at is not None


def installed_at(*, sessions: sessionmaker[Session], now: datetime) -> datetime:
    """When this installation first ran its sweeps, so nothing is sent for weeks before it."""
    try:
        with session_scope(sessions) as session:
            first = session.get(PolicyNotice, INSTALLED)
            if first is not None and first.sent_at is not None:
                return first.sent_at
            session.add(PolicyNotice(kind=INSTALLED, claimed_at=now, sent_at=now))
    except IntegrityError:  # another instance started at the same moment: its time stands
        with session_scope(sessions) as session:
            first = session.get(PolicyNotice, INSTALLED)
            assert first is not None and first.sent_at is not None
            return first.sent_at
    return now


def _claim(sessions: sessionmaker[Session], key: str, now: datetime) -> bool:
    try:
        with session_scope(sessions) as session:
            notice = session.scalars(
                select(PolicyNotice).where(PolicyNotice.kind == key).with_for_update()
            ).first()
            if notice is None:
                session.add(PolicyNotice(kind=key, claimed_at=now))
                session.flush()  # the unique key: a second claimant fails here
                return True
            if notice.sent_at is not None:
                return False
            if notice.claimed_at is not None and now - notice.claimed_at < CLAIM_LEASE:
                return False  # another instance is sending it now
            notice.claimed_at = now
            return True
    except IntegrityError:
        return False


def _settle(sessions: sessionmaker[Session], key: str, *, sent_at: datetime | None) -> None:
    with session_scope(sessions) as session:
        notice = session.get(PolicyNotice, key)
        if notice is None:
            return
        if sent_at is None:
            notice.claimed_at = None
        else:
            notice.sent_at = sent_at

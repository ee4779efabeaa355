"""One-off notices (the weekly digest, the policy review reminder) go out exactly once, and
so does each delivery a case or a comment owes (`Ledger`).

Each is claimed in the database before it is sent (a unique key, taken under a row lock) and
marked sent once it has gone. Two instances never both send: the second finds the claim. A
failed send gives the claim back, so the next tick retries; a crash mid-send leaves a claim
that lapses after `CLAIM_LEASE`, so the notice is retried, not lost.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.ports import DELIVERY, Delivery, DeliveryDeferred, DeliveryError
from store import tenancy
from store.db import session_scope
from store.models import CommentNotice, IncidentNotice, PolicyNotice

logger = logging.getLogger(__name__)

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
    notice = session.get(PolicyNotice, tenancy.key(kind=key))
    return notice is not None and notice.sent_at is not None


def installed_at(*, sessions: sessionmaker[Session], now: datetime) -> datetime:
    """When this installation first ran its sweeps, so nothing is sent for weeks before it."""
    try:
        with session_scope(sessions) as session:
            first = session.get(PolicyNotice, tenancy.key(kind=INSTALLED))
            if first is not None and first.sent_at is not None:
                return first.sent_at
            session.add(PolicyNotice(kind=INSTALLED, claimed_at=now, sent_at=now))
    except IntegrityError:  # another instance started at the same moment: its time stands
        with session_scope(sessions) as session:
            first = session.get(PolicyNotice, tenancy.key(kind=INSTALLED))
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
        notice = session.get(PolicyNotice, tenancy.key(kind=key))
        if notice is None:
            return
        if sent_at is None:
            notice.claimed_at = None
        else:
            notice.sent_at = sent_at


# Deliveries a case or a comment owes ------------------------------------------------------

DELIVERY_LEASE = timedelta(minutes=2)  # longer than one send with the client's own retries
TRIES = 3  # a recipient still unreachable after this many sweeps is given up and reported


class Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"  # tried again at the next sweep
    GAVE_UP = "gave up"  # just now, after its last try
    SKIPPED = "skipped"  # done already, or another instance is sending it


Rec = TypeVar("Rec", IncidentNotice, CommentNotice)


@dataclass
class Ledger(Generic[Rec]):
    """The deliveries one record (a case, a comment) owes, each with its own claim, retries
    and record, inside the sweep's session.

    A delivery is claimed and committed before it is sent, and marked sent right after (committed
    with the next claim, or at the end of the sweep). A kill before that leaves the claim: once
    it lapses the delivery is retried as a retry, which first looks for the earlier try (see
    `bot.ports.Delivery`), so neither a slow success nor a kill sends one twice; one recipient's
    failure never holds up another. No database lock is held while a platform is called;
    `relock` takes the record's row lock again before anything more is written."""

    session: Session
    now: datetime
    rows: dict[str, Rec]
    new: Callable[[str], Rec]
    find: Callable[[str], Rec | None]  # the kind's row as committed now (another instance's)
    relock: Callable[[], None]
    marker_prefix: str
    asked: set[str] = field(default_factory=set)  # the kinds this pass was asked to send

    @property
    def done(self) -> set[str]:
        """Kinds sent or given up: nothing more is owed for them."""
        return {k for k, r in self.rows.items() if r.sent_at is not None or r.given_up_at}

    def pending(self) -> bool:
        """Whether anything this pass was asked to send is still owed (failed, or claimed by
        another instance): the next sweep should look again."""
        return bool(self.asked - self.done)

    def mark_sent(self, kind: str) -> None:
        """Record `kind` as sent without sending (it went as part of another delivery)."""
        row = self._row(kind)
        row.sent_at = self.now

    def send(self, kind: str, send: Callable[[], object], *, tries: int | None = TRIES) -> Outcome:
        """Send `kind` unless done or claimed; `tries` None retries it at every sweep."""
        row = self._row(kind)
        self.asked.add(kind)
        if row.sent_at is not None or row.given_up_at is not None:
            return Outcome.SKIPPED
        if row.claimed_at is not None and self.now - row.claimed_at < DELIVERY_LEASE:
            return Outcome.SKIPPED
        retrying = row.attempts > 0
        row.attempts += 1
        row.claimed_at = self.now
        self.session.commit()  # the claim holds; no database lock while the platform answers
        token = DELIVERY.set(Delivery(f"{self.marker_prefix}:{kind}", retrying=retrying))
        try:
            send()
        except DeliveryDeferred as error:
            self.relock()
            row.claimed_at = None
            row.attempts -= 1  # never tried: no retry's look-up, and no step towards giving up
            logger.info(
                "%s %s: left for the next sweep: %s", self.marker_prefix, kind.split(":")[0], error
            )
            return Outcome.FAILED
        except DeliveryError as error:
            self.relock()
            row.claimed_at = None
            row.first_failed_at = row.first_failed_at or self.now  # for the health view
            gave_up = tries is not None and row.attempts >= tries
            if gave_up:
                row.given_up_at = self.now
            logger.warning(
                "%s %s: not delivered (try %d%s): %s",
                self.marker_prefix,
                kind.split(":")[0],
                row.attempts,
                ", given up" if gave_up else "",
                error,
            )
            return Outcome.GAVE_UP if gave_up else Outcome.FAILED
        finally:
            DELIVERY.reset(token)
        self.relock()
        row.claimed_at = None
        row.sent_at = self.now  # committed with the next claim, or at the end of the sweep
        return Outcome.SENT

    def _row(self, kind: str) -> Rec:
        """The kind's row: known, or committed by another instance while this one sent
        something else without the record's lock (read again under it), or new."""
        row = self.rows.get(kind)
        if row is None:
            row = self.find(kind)
            if row is None:
                row = self.new(kind)
                self.session.add(row)
            self.rows[kind] = row
        return row

"""A form is taken in once, however often it arrives.

Slack retries a submission it had no answer to within 3 seconds, people click twice, and a
signed request can be replayed for 5 minutes; Teams resends an invoke it gave up on. Each
submission is keyed by who submitted which form (front end, person, form, the platform's id for
that form instance), and the key is stored with the record it made in the same transaction. The
same key again finds that record and is answered from it: nothing new is stored or sent. The
person is part of the key, so two people whose forms happen to share an id are never confused.

A form that edits a record (`edit`) is keyed the same way plus the record and the version (or
state) it was opened on: a replay is answered as the first time and changes nothing twice, and a
form opened on a record that has since moved on is refused by the record's own check, not
applied again.

Keys are kept only as long as a copy could still arrive (`KEPT`), then the retention sweep
forgets them (`prune`): Slack refuses a signed request more than 5 minutes old and retries within
seconds; Teams resends an invoke within seconds, and the Bot Connector's token that signs it
lasts about an hour. A day covers both many times over and stays well clear of the clocks of two
instances disagreeing; the hour on top is the margin, so a key is never forgotten early because
the daily sweep happened to run just after it was stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store import tenancy
from store.db import session_scope
from store.models import Submission

T = TypeVar("T")
KEPT = timedelta(days=1, hours=1)  # a day past the longest replay window, plus a margin


@dataclass(frozen=True)
class Key:
    """Who submitted which form instance, on which front end."""

    front_end: str
    user: str
    form: str
    instance: str

    def digest(self) -> str:
        """Stored hashed: the table need not say who submitted what."""
        text = "\x1f".join((self.front_end, self.user, self.form, self.instance))
        return hashlib.sha256(text.encode()).hexdigest()

    def opened_on(self, record: str, record_id: int, version: object) -> Key:
        """This form instance as opened on one version (or state) of one record."""
        return replace(self, instance=f"{self.instance}\x1e{record}:{record_id}@{version}")


@dataclass(frozen=True)
class Taken(Generic[T]):
    """What a submission made (or made the first time), and whether it is new."""

    result: T
    new: bool


def once(
    sessions: sessionmaker[Session],
    key: Key | None,
    *,
    record: str,
    now: datetime,
    make: Callable[[Session], tuple[int, T]],
    again: Callable[[Session, int], T | None],
) -> Taken[T]:
    """Run `make` (which stores or changes a record and returns its id and what to answer)
    unless `key` was taken before; then `again` answers from the record it made. The key is
    stored first, in the same transaction: a copy arriving at the same moment waits on it (a
    unique key), fails when the first commits, and finds it on its second try."""
    for attempt in range(2):
        try:
            with session_scope(sessions) as session:
                if key is None:
                    return Taken(make(session)[1], new=True)
                digest = key.digest()
                earlier = session.get(Submission, tenancy.key(key=digest))
                if earlier is not None:
                    result = again(session, earlier.record_id)
                    if result is not None:
                        return Taken(result, new=False)
                    session.delete(earlier)  # its record is gone (retention): take it afresh
                    session.flush()
                taken = Submission(key=digest, record=record, record_id=0, at=now)
                session.add(taken)
                session.flush()
                taken.record_id, result = make(session)
                return Taken(result, new=True)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def edit(
    sessions: sessionmaker[Session],
    key: Key | None,
    *,
    record: str,
    record_id: int,
    version: object,
    now: datetime,
    change: Callable[[Session], T],
    again: Callable[[Session], T | None],
) -> Taken[T]:
    """Make `change` to one record once per form instance and the `version` it was opened on;
    a replay is answered by `again` from the record as it now stands. A refused change (the
    record moved on) stores no key, so its replay is refused the same way."""
    return once(
        sessions,
        key.opened_on(record, record_id, version) if key is not None else None,
        record=record,
        now=now,
        make=lambda session: (record_id, change(session)),
        again=lambda session, _: again(session),
    )


def prune(session: Session, *, now: datetime) -> None:
    """Forget the keys no copy can arrive for any more. The records they made stay."""
    session.execute(delete(Submission).where(Submission.at < now - KEPT))

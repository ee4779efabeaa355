"""A form is taken in once, however often it arrives.

Slack retries a submission it had no answer to within 3 seconds, people click twice, and a
signed request can be replayed for 5 minutes; Teams resends an invoke it gave up on. Each
submission is keyed by who submitted which form (front end, person, form, the platform's id for
that form instance), and the key is stored with the record it made in the same transaction. The
same key again finds that record and is answered from it: nothing new is stored or sent. The
person is part of the key, so two people whose forms happen to share an id are never confused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store.db import session_scope
from store.models import Submission

T = TypeVar("T")


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
    """Run `make` (which stores a record and returns its id and what to answer) unless `key` was
    taken before; then `again` answers from the record it made. Two copies arriving together:
    the second waits on the first's key (a unique key), fails, and finds it on its second try."""
    for attempt in range(2):
        try:
            with session_scope(sessions) as session:
                digest = key.digest() if key is not None else None
                earlier = session.get(Submission, digest) if digest is not None else None
                if earlier is not None:
                    result = again(session, earlier.record_id)
                    if result is not None:
                        return Taken(result, new=False)
                    session.delete(earlier)  # its record is gone (retention): take it afresh
                    session.flush()
                record_id, result = make(session)
                if digest is not None:
                    session.add(Submission(key=digest, record=record, record_id=record_id, at=now))
                    session.flush()
                return Taken(result, new=True)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")

"""How far each school's settings have moved, for every school at once: one small query at
most once a `freshness`, however many schools the instance serves. A change of settings, or of
the live policy (recorded in the same chain of changes), raises its school's number; each
school's cached settings and policy are read again only when their number moves."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.db import read_scope
from store.models import SchoolSettingChange

CHANGES = SchoolSettingChange.__table__


class Revisions:
    """`sessions` should come from `store.db.make_lookup_engine`: read where a transaction may
    already be open."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        freshness: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._freshness = freshness
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._known: dict[int, int] = {}
        self._read_at: float | None = None

    def of(self, school_id: int) -> int:
        """The school's newest change (0 before any), at most `freshness` seconds old."""
        now = self._monotonic()
        with self._lock:
            fresh = self._read_at is not None and now - self._read_at < self._freshness
            if fresh:
                return self._known.get(school_id, 0)
            self._read_at = now  # the others answer from what is known while one reads
        with read_scope(self._sessions) as session:
            # Numbers only, for every school: past the school filter on purpose (a Core
            # statement on the connection, not the session's ORM).
            rows = session.connection().execute(
                select(CHANGES.c.school_id, func.max(CHANGES.c.id)).group_by(CHANGES.c.school_id)
            )
            known = {school: int(newest) for school, newest in rows}
        with self._lock:
            self._known = known
            return known.get(school_id, 0)

"""The school's settings as every instance sees them: read from the database, and read again
whenever any instance has changed them, so a change needs no restart anywhere."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.setup import service
from bot.setup.school import School
from store.db import read_scope

T = TypeVar("T")
FRESHNESS_SECONDS = 1.0  # how stale another instance's change may be seen; one query a second


class LiveSchool:
    """`sessions` should come from `store.db.make_lookup_engine`: the settings are read where a
    transaction may already be open."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        defaults: School,
        *,
        freshness: float = FRESHNESS_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        locked: bool = False,
        revision: Callable[[], int] | None = None,
    ) -> None:
        """`locked`: the deployment fixes the settings in its environment; nothing stored in
        chat applies, and nothing can be changed there. `revision`: the school's newest change
        as the instance's `Revisions` last read it, for all schools in one query; without it
        each school asks for its own, once a `freshness`."""
        self.sessions = sessions
        self.defaults = defaults
        self.freshness = freshness
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self.locked = locked
        self._revision_of = revision
        self._derived: dict[str, tuple[School, Any]] = {}
        self._revision = 0
        self._school = defaults
        if not locked:
            with read_scope(sessions) as session:  # what every request sees from the first
                self._revision = service.revision(session)
                self._school = service.current(session, defaults)
        self._checked = monotonic()

    def get(self) -> School:
        """The settings now: cached, and checked against the database's revision at most once
        every `freshness` seconds (by one thread; the others answer from what is known)."""
        if self._revision_of is not None and not self.locked:
            moved = self._revision_of() > self._revision
            if moved:
                self._read()
            with self._lock:
                return self._school
        now = self._monotonic()
        with self._lock:
            if self.locked or now - self._checked < self.freshness:
                return self._school
            self._checked = now
        self._read()
        with self._lock:
            return self._school

    def changed(self) -> None:
        """This instance changed a setting (its transaction committed): read them again now, so
        nothing it answers after this shows the old values."""
        self._read()
        with self._lock:
            self._checked = self._monotonic()

    def _read(self) -> None:
        with self._lock:
            known = self._revision
        with read_scope(self.sessions) as session:
            revision = service.revision(session)
            school = None if revision == known else service.current(session, self.defaults)
        with self._lock:
            if school is not None and revision > self._revision:  # never back to older values
                self._school, self._revision = school, revision

    def derived(self, name: str, make: Callable[[School], T]) -> T:
        """Something built from the settings (a calendar, a policy), rebuilt when they change."""
        school = self.get()
        with self._lock:
            cached = self._derived.get(name)
            if cached is not None and cached[0] is school:
                return cached[1]
        value = make(school)
        with self._lock:
            self._derived[name] = (school, value)
        return value

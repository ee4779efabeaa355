"""The policy every instance answers from: the live version in the database.

Each use checks the live version's id, at most once every `ttl` seconds (one indexed row), and
when another instance has switched it, loads and parses that version; parsed versions are kept
by id, so a rollback and a switch back cost no parsing. The instance that switches it moves at
once (`switched`). Before any version is stored (a `POLICY_PATH` folder, which is read from disk
as before) the policy read at start-up stands.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.policy import versions
from bot.policy.document import PolicySet, Section
from bot.policy.loader import PolicyLoadError, load_policies, load_policy_file
from bot.policy.search import PolicyIndex
from bot.policy.service import Asked, PolicyService
from store.db import read_scope, session_scope

logger = logging.getLogger(__name__)

CHECK_SECONDS = 1.5  # how stale another instance's switch may be seen here
KEPT = 4  # parsed versions kept: the live one, and a few to switch back to without parsing


class LivePolicy(PolicyService):
    """A `PolicyService` that always answers from the live version."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        first: PolicyService,
        first_id: int | None,
        ttl: float = CHECK_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        revision: Callable[[], int] | None = None,
    ) -> None:
        """`revision`: the school's newest change of settings or policy, as the instance's
        `Revisions` last read it; the live version is looked up only when it moved. Without
        it, the live version is looked up once every `ttl`."""
        # No super().__init__: each property asks `current()`.
        self._sessions = sessions
        self._ttl = ttl
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._parsing = threading.Lock()  # one parse of a new version, however many ask at once
        self._parsed: OrderedDict[int, PolicyService] = OrderedDict()
        self._current = first
        self._live_id = first_id
        if first_id is not None:
            self._parsed[first_id] = first
        self._checked_at: float | None = monotonic()
        self._revision_of = revision
        self._seen = 0  # the newest change whose live version is known

    # What the front ends ask, each from one version ---------------------------------------

    @property
    def policies(self) -> PolicySet:
        return self.current().policies

    @property
    def index(self) -> PolicyIndex:
        return self.current().index

    @property
    def version(self) -> str:
        return self.current().version

    @property
    def live_id(self) -> int | None:
        """The id of the stored version answered from (None: the files read at start-up)."""
        self.current()
        return self._live_id

    def ask(self, question: str) -> Asked:
        return self.current().ask(question)

    def topics(self) -> list[Section]:
        return self.current().topics()

    def section(self, key: str) -> Section | None:
        return self.current().section(key)

    def find_section(self, name: str) -> Section | None:
        return self.current().find_section(name)

    # Which version that is -----------------------------------------------------------------

    def current(self) -> PolicyService:
        """The live version, checked against the database at most once every `ttl` seconds."""
        if self._revision_of is not None:
            newest = self._revision_of()
            with self._lock:
                if newest <= self._seen:
                    return self._current
                self._seen = newest
        else:
            now = self._monotonic()
            with self._lock:
                if self._checked_at is not None and now - self._checked_at < self._ttl:
                    return self._current
                self._checked_at = now
        try:
            with read_scope(self._sessions) as session:
                found = versions.live_id(session)
        except SQLAlchemyError as error:  # the database is away: answer from what we have
            logger.warning("could not check the live policy version: %s", error)
            return self._current
        with self._lock:
            if found is None or found == self._live_id:
                return self._current
        return self._load(found)

    def switched(self, version_id: int) -> None:
        """This instance made `version_id` live: answer from it at once."""
        self._load(version_id)

    def keep(self, version_id: int, service: PolicyService) -> None:
        """A stored version this instance has just parsed, kept to switch to without parsing."""
        self._keep(version_id, service)

    def parsed(self, version_id: int) -> PolicyService | None:
        """A stored version, parsed (from the cache when it is there)."""
        with self._parsing:
            with self._lock:
                if version_id in self._parsed:
                    return self._parsed[version_id]
            service = parse_stored(self._sessions, version_id)
            if service is not None:
                self._keep(version_id, service)
            return service

    def _keep(self, version_id: int, service: PolicyService) -> None:
        with self._lock:
            self._parsed[version_id] = service
            self._parsed.move_to_end(version_id)
            while len(self._parsed) > KEPT:
                self._parsed.popitem(last=False)

    def _load(self, version_id: int) -> PolicyService:
        loaded = self.parsed(version_id)
        with self._lock:
            if loaded is not None:
                self._current, self._live_id = loaded, version_id
            return self._current


class _Parsed:
    """Policies parsed in this process, by their file's name and content: the schools of a
    trust that answer from the same file (the default policy, or one the trust shares) share
    one parse and one index instead of one each."""

    KEPT = 16

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parsed: OrderedDict[tuple[str, str], PolicyService] = OrderedDict()

    def get(self, key: tuple[str, str], parse: Callable[[], PolicyService]) -> PolicyService:
        with self._lock:
            if key in self._parsed:
                self._parsed.move_to_end(key)
                return self._parsed[key]
        service = parse()
        with self._lock:
            self._parsed[key] = service
            while len(self._parsed) > self.KEPT:
                self._parsed.popitem(last=False)
        return service


_PARSED = _Parsed()


def parse_stored(sessions: sessionmaker[Session], version_id: int) -> PolicyService | None:
    """A stored version, read again from its file; None if there is no such version or it can
    no longer be read (it was read when uploaded: a newer reader refuses it)."""
    with read_scope(sessions) as session:
        row = versions.stored(session, version_id)
    if row is None:
        return None
    try:
        return _PARSED.get(
            (row.file_name, row.sha256),
            lambda: PolicyService(load_policy_file(row.file_name, row.content)),
        )
    except PolicyLoadError as error:
        logger.error("stored policy version %s cannot be read: %s", version_id, error)
        return None


def open_live_policy(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    clock: Clock,
    ttl: float = CHECK_SECONDS,
    monotonic: Callable[[], float] = time.monotonic,
    lookups: sessionmaker[Session] | None = None,
    revision: Callable[[], int] | None = None,
) -> LivePolicy:
    """The live policy, at start-up (later checks read through `lookups`, as they may be made
    inside a transaction: `store.db.make_lookup_engine`). The first start of a new install
    imports the `path` file
    as the first version; after that the database's live version is the policy, whatever the
    file says. A folder of files is not imported: it is read from disk, as before, until SLT
    upload a version in chat. Raises `PolicyLoadError` if the policy has to be read from `path`
    and cannot be."""
    with read_scope(sessions) as session:
        live_now = versions.live_id(session)
    first = parse_stored(sessions, live_now) if live_now is not None else None
    first_id = live_now if first is not None else None
    if first is None:
        if path.is_file():
            content = path.read_bytes()
            key = (str(path), hashlib.sha256(content).hexdigest())
            first = _PARSED.get(key, lambda: PolicyService(load_policies(path)))
        else:
            first = PolicyService(load_policies(path))
        policies = first.policies
        if live_now is None and path.is_file():
            first_id = _import(sessions, path, policies, clock=clock)
    return LivePolicy(
        lookups or sessions,
        first=first,
        first_id=first_id,
        ttl=ttl,
        monotonic=monotonic,
        revision=revision,
    )


def _import(
    sessions: sessionmaker[Session], path: Path, policies: PolicySet, *, clock: Clock
) -> int | None:
    """Store the file as the first version, live; None if another instance stored one first."""
    now = clock.now()
    with session_scope(sessions) as session:
        if versions.live_id(session) is not None:
            return None
        row = versions.add(
            session,
            file_name=path.name,
            content=path.read_bytes(),
            policies=policies,
            user=versions.SETUP,
            front_end=versions.SETUP,
            now=now,
        )
        versions.switch(
            session,
            row,
            kind=versions.IMPORT,
            user=versions.SETUP,
            front_end=versions.SETUP,
            now=now,
        )
        return row.id

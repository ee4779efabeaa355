"""Each scheduled sweep records its runs in `job_runs`: one row per job, whichever instance ran
it, upserted once at the end of each run (when it started, and when it succeeded or failed and
with which exception class). A failure to record is logged and never fails the sweep."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from store.db import session_scope
from store.models import JobRun

logger = logging.getLogger(__name__)

ERROR_LIMIT = 200  # the column's width


def error_class(error: BaseException) -> str:
    """What failed, as its exception's class: never its message, which could quote a record."""
    kind = type(error)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    return name[:ERROR_LIMIT]


def _upsert(session: Session, values: dict[str, Any], update: dict[str, Any]) -> None:
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(JobRun).values(**values)
    session.execute(statement.on_conflict_do_update(index_elements=[JobRun.job], set_=update))


class JobRuns:
    """Records the runs of the scheduler's jobs in the database."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    def register(self, jobs: Mapping[str, float]) -> None:
        """At start-up: each job with its interval, so one that never runs shows as overdue,
        and no row left from a job that no longer exists."""
        now = self.clock.now()
        try:
            with session_scope(self.sessions) as session:
                session.execute(delete(JobRun).where(JobRun.job.not_in(list(jobs))))
                for job, every in jobs.items():
                    values = {"job": job, "every_seconds": every, "registered_at": now}
                    _upsert(session, values, {"every_seconds": every})
        except Exception as error:  # the health view is a by-product: never stop the start
            logger.warning(
                "could not register the sweeps for the health view: %s", error_class(error)
            )

    def recorded(self, job: str, every: float, run: Callable[[], object]) -> Callable[[], object]:
        """`run`, recording its start and outcome; whatever it returns or raises passes through."""

        def tick() -> object:
            started = self.clock.now()
            try:
                result = run()
            except Exception as error:
                self._record(job, every, started=started, failed=self.clock.now(), error=error)
                raise
            self._record(job, every, started=started, succeeded=self.clock.now())
            return result

        return tick

    def _record(
        self,
        job: str,
        every: float,
        *,
        started: datetime,
        succeeded: datetime | None = None,
        failed: datetime | None = None,
        error: BaseException | None = None,
    ) -> None:
        update: dict[str, Any] = {"every_seconds": every, "started_at": started}
        if succeeded is not None:
            update["succeeded_at"] = succeeded
        if failed is not None and error is not None:
            update["failed_at"], update["error"] = failed, error_class(error)
        try:
            with session_scope(self.sessions) as session:
                _upsert(session, {"job": job, "registered_at": started, **update}, update)
        except Exception as problem:  # recording must never make a sweep fail
            logger.warning("could not record a run of %s: %s", job, error_class(problem))

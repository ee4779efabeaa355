"""The health view's wiring: each sweep recording its runs, and /healthz's note of sweeps that
have stopped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.app.scheduler import Job
from bot.clock import Clock
from bot.health import service
from bot.health.runs import JobRuns, error_class
from store.db import read_scope

logger = logging.getLogger(__name__)

BADLY_OVERDUE = 10  # intervals without a successful run before /healthz mentions a sweep


def recorded(jobs: list[Job], *, sessions: sessionmaker[Session], clock: Clock) -> list[Job]:
    """The jobs, each recording its runs in the database for the health view."""
    runs = JobRuns(sessions, clock)
    runs.register({job.id: job.every_seconds for job in jobs})
    return [replace(job, run=runs.recorded(job.id, job.every_seconds, job.run)) for job in jobs]


def overdue_note(
    sessions: sessionmaker[Session], clock: Clock
) -> Callable[[], dict[str, Any] | None]:
    """For /healthz: the sweeps with no successful run for BADLY_OVERDUE intervals. Reported
    beside "ok", not as a failure: restarting every instance would not mend a sweep that fails
    on its data, and would stop the bot answering too."""

    def note() -> dict[str, Any] | None:
        try:
            with read_scope(sessions) as session:
                late = service.overdue_sweeps(session, now=clock.now(), factor=BADLY_OVERDUE)
        except Exception as error:  # the database check reports an unreachable database
            logger.warning("health: could not read the sweeps' runs: %s", error_class(error))
            return None
        return {"sweeps_overdue": late} if late else None

    return note

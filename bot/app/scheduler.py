"""The ticking: APScheduler runs the sweeps; what is due lives in the database, not here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler

# A tick missed by up to an hour (a busy or suspended host) still runs, once.
MISFIRE_GRACE_SECONDS = 3600


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[], object]
    every_seconds: float


def build_scheduler(jobs: list[Job], *, zone: ZoneInfo) -> BackgroundScheduler:
    """In-memory jobs with stable ids: nothing pickled, nothing shared between processes.

    Each job first runs as soon as the scheduler starts, so whatever fell due while the bot
    was down goes out straight away.
    """
    scheduler = BackgroundScheduler(
        timezone=zone,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
    )
    for job in jobs:
        scheduler.add_job(
            job.run,
            "interval",
            seconds=job.every_seconds,
            id=job.id,
            replace_existing=True,
            next_run_time=datetime.now(zone),
        )
    return scheduler

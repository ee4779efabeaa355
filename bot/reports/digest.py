"""The weekly digest to SLT: sent once each week, at the configured day and time, by the sweep."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notices import installed_at, send_once, sent_already
from bot.ports import DeliveryError, Notifier
from bot.reports.chart import response_chart
from bot.reports.figures import TrustSchool, compute, weekly_response_hours
from store.db import session_scope

logger = logging.getLogger(__name__)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def this_weeks_moment(now: datetime, *, day: str, at: time, zone: ZoneInfo) -> datetime:
    """This week's digest moment (local day and time), as an aware UTC-comparable datetime."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    day_of_week = monday + timedelta(days=WEEKDAYS.index(day))
    return datetime.combine(day_of_week, at, tzinfo=zone)


def sweep_digest(
    *,
    sessions: sessionmaker[Session],
    notifier: Notifier,
    day: str,
    at: time,
    zone: ZoneInfo,
    clock: Clock,
    trust: Callable[..., tuple[TrustSchool, ...]] = lambda **_: (),
) -> int:
    """This week's digest, once per front end, from its moment on; none for the weeks before
    the bot was installed."""
    now = clock.now()
    installed = installed_at(sessions=sessions, now=now)  # the first tick of a new install
    moment = this_weeks_moment(now, day=day, at=at, zone=zone)
    if now < moment or moment < installed:
        return 0
    keys = {name: f"digest-{moment.date().isoformat()}:{name}" for name in notifier.front_ends}
    with session_scope(sessions) as session:
        due = [name for name, key in keys.items() if not sent_already(session, key)]
        if not due:
            return 0
        figures = compute(session, start=moment - timedelta(weeks=1), end=moment, now=now)
        chart = response_chart(weekly_response_hours(session, end=moment))
    # A trust's hub also sees each of the trust's schools (read school by school, outside this
    # school's unit of work).
    figures = replace(figures, trust=trust(start=figures.start, end=figures.end, now=now))
    sent = 0
    for name in due:
        try:
            sent += send_once(
                sessions=sessions,
                key=keys[name],
                now=now,
                send=partial(notifier.digest, front_end=name, figures=figures, chart=chart),
            )
        except DeliveryError as error:
            logger.warning("digest not delivered to %s, will retry: %s", name, error)
    return sent

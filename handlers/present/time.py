"""Times as the school reads them: its own time zone, plain words for what is left."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def local(moment: datetime, zone: ZoneInfo) -> str:
    """e.g. "Thu 26 Nov, 14:05"."""
    return moment.astimezone(zone).strftime("%a %-d %b, %H:%M")


def duration(span: timedelta) -> str:
    """e.g. "3h 20m", "2d 4h", "45m"."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def time_left(due: datetime, now: datetime) -> str:
    if now >= due:
        return f"overdue by {duration(now - due)}"
    return f"{duration(due - now)} left"

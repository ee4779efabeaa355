"""When a comment on a school account must be answered.

The policy: answer within 24 hours, or on the next working day if it arrived at a weekend.
Read here as: received on a working day → 24 elapsed hours later; received on a Saturday,
Sunday or bank holiday → the end of the next working day (`day_end` in the school's zone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

# Setting value → the `holidays` package's subdivision code for the United Kingdom.
UK_REGIONS: dict[str, str] = {
    "England": "ENG",
    "Wales": "WLS",
    "Scotland": "SCT",
    "NorthernIreland": "NIR",
}


@dataclass(frozen=True)
class WorkingCalendar:
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    region: str = "England"
    day_end: time = time(17, 0)

    @cached_property
    def bank_holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("GB", subdiv=UK_REGIONS[self.region])

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays

    def next_working_day(self, after: date) -> date:
        day = after + timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def response_due(self, received_at: datetime) -> datetime:
        """The aware UTC moment by which a reply is due."""
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        local_day = received_at.astimezone(self.zone).date()
        if self.is_working_day(local_day):
            return received_at.astimezone(UTC) + timedelta(hours=24)
        due_day = self.next_working_day(local_day)
        return datetime.combine(due_day, self.day_end, tzinfo=self.zone).astimezone(UTC)


DEFAULT_CALENDAR = WorkingCalendar()


def response_due(received_at: datetime, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> datetime:
    """The deadline for a comment received at `received_at` (aware; a naive value is refused)."""
    return calendar.response_due(received_at)

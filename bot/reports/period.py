"""The period a report covers, as typed after `report-csv`: the same reading in every front end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class PeriodError(ValueError):
    """The dates could not be read; the message says why, and the front end adds its example."""


@dataclass(frozen=True)
class Period:
    """Whole local days, first to last inclusive."""

    first: date
    last: date

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Midnight before the first day to midnight after the last, in the school's time."""
        start = datetime.combine(self.first, time(0), tzinfo=zone)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=zone)
        return start, end

    @property
    def filename(self) -> str:
        return f"social-media-{self.first}-to-{self.last}.csv"

    @property
    def title(self) -> str:
        return f"Social media policy report, {self.first} to {self.last}"


DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")  # ISO, and as UK staff write dates
_JOINERS = frozenset({"to", "until", "-", "–"})
USAGE = "Give two dates, the first and last day, as YYYY-MM-DD or DD/MM/YYYY."


def _day(text: str) -> date:
    for layout in DAY_FORMATS:
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise PeriodError(USAGE)


def parse_period(arguments: str) -> Period:
    """Two dates (`2026-09-01 2026-12-18`, `1/9/2026 to 18/12/2026`); raises `PeriodError`
    saying what to fix."""
    parts = [part for part in arguments.split() if part.lower() not in _JOINERS]
    if len(parts) != 2:
        raise PeriodError(USAGE)
    first, last = _day(parts[0]), _day(parts[1])
    if last < first:
        raise PeriodError("The second date must not be before the first.")
    return Period(first, last)

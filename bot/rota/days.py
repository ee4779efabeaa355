"""What kind of day a date is for the watch, and the school's holidays as entered or imported.

A bank holiday (the same calendar as the 24-hour clock) is a bank holiday; a Saturday or Sunday
is a weekend; a weekday in one of the school's holidays is a school holiday; any other day is
a weekday."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import icalendar

from bot.deadlines import WorkingCalendar

LONGEST_HOLIDAY = timedelta(days=120)
MOST_HOLIDAYS = 60
# Event names in a school calendar that mark days without teaching.
HOLIDAY_WORDS = re.compile(
    r"holiday|half[\s-]?term|\bbreak\b|inset|training day|closed|closure|non[\s-]pupil",
    re.IGNORECASE,
)
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


class DayKind(StrEnum):
    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    SCHOOL_HOLIDAY = "school_holiday"
    BANK_HOLIDAY = "bank_holiday"


DAY_KINDS: tuple[DayKind, ...] = tuple(DayKind)


@dataclass(frozen=True)
class Holiday:
    first: date
    last: date
    name: str

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


def kind_of(day: date, *, calendar: WorkingCalendar, holidays: Sequence[Holiday]) -> DayKind:
    if day in calendar.bank_holidays:
        return DayKind.BANK_HOLIDAY
    if day.weekday() >= 5:
        return DayKind.WEEKEND
    if any(day in holiday for holiday in holidays):
        return DayKind.SCHOOL_HOLIDAY
    return DayKind.WEEKDAY


class HolidaysInvalid(ValueError):
    """Holidays that cannot be read; the message says which line or event, and why."""


def parse_lines(text: str) -> list[Holiday]:
    """One holiday a line: "27/10/2026 - 31/10/2026 Half term", or one date for one day
    ("6/11/2026 INSET day"). Dates are day first, as written in UK schools."""
    found: list[Holiday] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        match = re.match(
            r"^(?P<first>[\d./-]+)(?:\s*(?:-|–|to)\s*(?P<last>[\d./-]+))?\s*(?P<name>.*)$", line
        )
        if match is None:
            raise HolidaysInvalid(f'line {number}: start with a date, as "27/10/2026 - 31/10/2026"')
        first = _date(match["first"], number)
        last = _date(match["last"], number) if match["last"] else first
        found.append(
            _checked(first, last, match["name"].strip(" :-") or "Holiday", f"line {number}")
        )
    return _limited(found)


def parse_ics(raw: bytes) -> list[Holiday]:
    """The holidays in a school's calendar file: its all-day events named as days without
    teaching (half term, holidays, INSET days, closures). Other events are left out."""
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except ValueError as error:
        raise HolidaysInvalid(f"not a calendar file ({error})") from None
    found = []
    for event in calendar.walk("VEVENT"):
        name = " ".join(str(event.get("SUMMARY", "")).split())
        start, end = event.get("DTSTART"), event.get("DTEND")
        if not HOLIDAY_WORDS.search(name) or start is None:
            continue
        first = _day_of(start.dt)
        # An all-day event's end is the day after its last (RFC 5545).
        last = _day_of(end.dt) - timedelta(days=1) if end is not None else first
        found.append(_checked(first, max(first, last), name[:200], f'event "{name[:60]}"'))
    if not found:
        raise HolidaysInvalid(
            "no holidays found: the file's events are not named as holidays, half terms, "
            "INSET days or closures"
        )
    return _limited(found)


def _day_of(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _date(text: str, number: int) -> date:
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise HolidaysInvalid(f'line {number}: "{text}" is not a date (write it as 27/10/2026)')


def _checked(first: date, last: date, name: str, where: str) -> Holiday:
    if last < first:
        raise HolidaysInvalid(f"{where}: ends before it starts")
    if last - first > LONGEST_HOLIDAY:
        raise HolidaysInvalid(f"{where}: longer than any school holiday")
    return Holiday(first, last, name[:200])


def _limited(found: Iterable[Holiday]) -> list[Holiday]:
    holidays = sorted(set(found), key=lambda h: (h.first, h.last))
    if len(holidays) > MOST_HOLIDAYS:
        raise HolidaysInvalid(f"more than {MOST_HOLIDAYS} holidays: enter one school year")
    return holidays

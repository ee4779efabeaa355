"""When a reply is due: 24 elapsed hours after a comment received on a working day; the end of
the next working day (in the school's zone) for one received at a weekend or on a bank holiday.

Expected instants are worked out by hand and written in UTC. London is on GMT (UTC+0) from the
last Sunday of October to the last Sunday of March, and on BST (UTC+1) otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.deadlines import UK_REGIONS, WorkingCalendar, response_due

LONDON = ZoneInfo("Europe/London")
DUBLIN = ZoneInfo("Europe/Dublin")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def assert_due(received: datetime, expected: datetime, calendar: WorkingCalendar) -> None:
    due = calendar.response_due(received)
    assert due == expected
    assert due.tzinfo is UTC


# -- Worked examples ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Working days: exactly 24 hours later, whatever day that lands on.
        pytest.param(london(2026, 11, 25, 10, 0), utc(2026, 11, 26, 10, 0), id="wed-10:00"),
        pytest.param(london(2026, 11, 27, 18, 0), utc(2026, 11, 28, 18, 0), id="fri-18:00"),
        pytest.param(london(2026, 11, 27, 23, 59), utc(2026, 11, 28, 23, 59), id="fri-23:59"),
        # Weekends: the end of Monday, 17:00 GMT.
        pytest.param(london(2026, 11, 28, 0, 0), utc(2026, 11, 30, 17, 0), id="sat-00:00"),
        pytest.param(london(2026, 11, 28, 9, 15), utc(2026, 11, 30, 17, 0), id="sat-morning"),
        pytest.param(london(2026, 11, 29, 23, 30), utc(2026, 11, 30, 17, 0), id="sun-23:30"),
        # In summer, 17:00 BST is 16:00 UTC.
        pytest.param(london(2026, 6, 6, 11, 0), utc(2026, 6, 8, 16, 0), id="sat-in-bst"),
        # The day is London's, not UTC's: Sunday 23:30 UTC is Monday 00:30 BST, a working day,
        # and Friday 23:30 UTC is Saturday 00:30 BST, a weekend.
        pytest.param(utc(2026, 6, 7, 23, 30), utc(2026, 6, 8, 23, 30), id="sun-utc-is-mon-bst"),
        pytest.param(utc(2026, 6, 5, 23, 30), utc(2026, 6, 8, 16, 0), id="fri-utc-is-sat-bst"),
        # Christmas 2026: Fri 25 Dec, Sat 26 Dec, and Boxing Day observed on Mon 28 Dec.
        pytest.param(london(2026, 12, 24, 15, 0), utc(2026, 12, 25, 15, 0), id="christmas-eve"),
        pytest.param(london(2026, 12, 25, 10, 0), utc(2026, 12, 29, 17, 0), id="christmas-day"),
        pytest.param(london(2026, 12, 26, 10, 0), utc(2026, 12, 29, 17, 0), id="boxing-day-sat"),
        pytest.param(london(2026, 12, 28, 10, 0), utc(2026, 12, 29, 17, 0), id="boxing-observed"),
        # Christmas 2027 falls at a weekend, so Mon 27 and Tue 28 Dec are both bank holidays.
        pytest.param(london(2027, 12, 24, 16, 0), utc(2027, 12, 25, 16, 0), id="fri-24-dec-2027"),
        pytest.param(london(2027, 12, 25, 0, 0), utc(2027, 12, 29, 17, 0), id="christmas-2027"),
        # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr; 17:00 BST is 16:00 UTC.
        pytest.param(london(2026, 4, 2, 16, 0), utc(2026, 4, 3, 15, 0), id="maundy-thursday"),
        pytest.param(london(2026, 4, 3, 11, 0), utc(2026, 4, 7, 16, 0), id="good-friday-2026"),
        pytest.param(london(2026, 4, 6, 9, 0), utc(2026, 4, 7, 16, 0), id="easter-monday-2026"),
        # Easter 2027 is 28 March, the night the clocks go forward: Good Friday 26 Mar is in
        # GMT, the Tuesday it is due on is in BST.
        pytest.param(london(2027, 3, 26, 12, 0), utc(2027, 3, 30, 16, 0), id="good-friday-2027"),
        pytest.param(london(2027, 3, 27, 10, 0), utc(2027, 3, 30, 16, 0), id="easter-sat-2027"),
        pytest.param(london(2027, 3, 29, 10, 0), utc(2027, 3, 30, 16, 0), id="easter-monday-2027"),
        # Clocks go back on Sun 25 Oct 2026: received in BST, due at 17:00 GMT.
        pytest.param(london(2026, 10, 24, 10, 0), utc(2026, 10, 26, 17, 0), id="autumn-change"),
        # Clocks go forward on Sun 29 Mar 2026 (not Easter): received in GMT, due 17:00 BST.
        pytest.param(london(2026, 3, 28, 10, 0), utc(2026, 3, 30, 16, 0), id="spring-change"),
    ],
)
def test_worked_examples_in_england(received: datetime, expected: datetime) -> None:
    assert_due(received, expected, WorkingCalendar())


def test_the_module_function_uses_the_default_calendar() -> None:
    received = london(2026, 11, 28, 9, 15)
    assert response_due(received) == WorkingCalendar().response_due(received)
    assert response_due(received, WorkingCalendar(region="Scotland")) == utc(2026, 12, 1, 17, 0)


@pytest.mark.parametrize(
    ("received", "england", "region", "in_region"),
    [
        # St Andrew's Day, Mon 30 Nov 2026, is a bank holiday in Scotland only.
        pytest.param(
            london(2026, 11, 30, 10, 0),
            utc(2026, 12, 1, 10, 0),
            "Scotland",
            utc(2026, 12, 1, 17, 0),
            id="st-andrews-day",
        ),
        # 2 Jan is a Scottish holiday; in 2027 it is a Saturday, observed on Mon 4 Jan.
        pytest.param(
            london(2027, 1, 1, 12, 0),
            utc(2027, 1, 4, 17, 0),
            "Scotland",
            utc(2027, 1, 5, 17, 0),
            id="new-year-2027",
        ),
        # Easter Monday is not a bank holiday in Scotland.
        pytest.param(
            london(2027, 3, 27, 10, 0),
            utc(2027, 3, 30, 16, 0),
            "Scotland",
            utc(2027, 3, 29, 16, 0),
            id="easter-weekend-2027",
        ),
        # The Battle of the Boyne, Mon 12 Jul 2027, in Northern Ireland only (BST).
        pytest.param(
            london(2027, 7, 12, 10, 0),
            utc(2027, 7, 13, 9, 0),
            "NorthernIreland",
            utc(2027, 7, 13, 16, 0),
            id="twelfth-of-july",
        ),
        # St Patrick's Day, Wed 17 Mar 2027, in Northern Ireland only (GMT).
        pytest.param(
            london(2027, 3, 17, 10, 0),
            utc(2027, 3, 18, 10, 0),
            "NorthernIreland",
            utc(2027, 3, 18, 17, 0),
            id="st-patricks-day",
        ),
        # Wales keeps England's bank holidays.
        pytest.param(
            london(2026, 12, 25, 10, 0),
            utc(2026, 12, 29, 17, 0),
            "Wales",
            utc(2026, 12, 29, 17, 0),
            id="wales-christmas",
        ),
    ],
)
def test_bank_holidays_follow_the_configured_region(
    received: datetime, england: datetime, region: str, in_region: datetime
) -> None:
    assert_due(received, england, WorkingCalendar(region="England"))
    assert_due(received, in_region, WorkingCalendar(region=region))


def test_englands_bank_holidays_are_the_published_ones() -> None:
    """The weekday bank holidays for England and Wales as gov.uk lists them for 2026 and 2027,
    so a change in the `holidays` package's data shows up here rather than in a deadline."""
    published = {
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    }  # fmt: skip
    for region in ("England", "Wales"):
        calendar = WorkingCalendar(region=region)
        days = [date(2026, 1, 1) + timedelta(days=n) for n in range(730)]
        closed = {day for day in days if day.weekday() < 5 and not calendar.is_working_day(day)}
        assert closed == published, region


def test_a_working_day_gets_24_elapsed_hours_not_24_on_the_clock() -> None:
    # In the UK the clocks change early on a Sunday, so no 24-hour window starting on a working
    # day spans a change: the Friday before the autumn change is due at the same wall time.
    received = london(2026, 10, 23, 12, 0)
    due = WorkingCalendar().response_due(received)
    assert due - received == timedelta(hours=24)
    assert due.astimezone(LONDON) == london(2026, 10, 24, 12, 0)

    # Israel's clocks go forward on a Friday (27 Mar 2026, 02:00 → 03:00): a comment received at
    # 12:00 on the Thursday is due at 13:00 on the Friday's clock.
    jerusalem = ZoneInfo("Asia/Jerusalem")
    received = datetime(2026, 3, 26, 12, 0, tzinfo=jerusalem)
    due = WorkingCalendar(zone=jerusalem).response_due(received)
    assert due == utc(2026, 3, 27, 10, 0)
    assert due.astimezone(jerusalem).time() == time(13, 0)


def test_a_different_end_of_day() -> None:
    calendar = WorkingCalendar(day_end=time(16, 30))
    assert_due(london(2026, 11, 28, 9, 15), utc(2026, 11, 30, 16, 30), calendar)
    assert_due(london(2026, 6, 6, 11, 0), utc(2026, 6, 8, 15, 30), calendar)
    # A working day is still 24 hours, whatever the end of the day.
    assert_due(london(2026, 11, 25, 10, 0), utc(2026, 11, 26, 10, 0), calendar)


def test_a_different_zone() -> None:
    calendar = WorkingCalendar(zone=DUBLIN)
    assert_due(london(2026, 6, 6, 11, 0), utc(2026, 6, 8, 16, 0), calendar)  # 17:00 IST
    assert_due(london(2026, 11, 28, 9, 15), utc(2026, 11, 30, 17, 0), calendar)  # 17:00 GMT
    assert_due(london(2026, 11, 25, 10, 0), utc(2026, 11, 26, 10, 0), calendar)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Wed 25 Nov 2026 10:00 UTC, written in India's offset.
        (
            datetime(2026, 11, 25, 15, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            utc(2026, 11, 26, 10, 0),
        ),
        # Sat 28 Nov 2026 09:15 UTC, written in New York's winter offset.
        (
            datetime(2026, 11, 28, 4, 15, tzinfo=timezone(timedelta(hours=-5))),
            utc(2026, 11, 30, 17, 0),
        ),
        # Friday evening in New York is already Saturday in London: the weekend rule applies.
        (
            datetime(2026, 11, 27, 20, 0, tzinfo=ZoneInfo("America/New_York")),
            utc(2026, 11, 30, 17, 0),
        ),
    ],
    ids=["working-day", "weekend", "local-friday-is-london-saturday"],
)
def test_any_offset_names_the_same_instant(received: datetime, expected: datetime) -> None:
    assert_due(received, expected, WorkingCalendar())
    assert_due(received.astimezone(UTC), expected, WorkingCalendar())


class _NoOffset(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


@pytest.mark.parametrize(
    "received",
    [datetime(2026, 11, 25, 10, 0), datetime(2026, 11, 25, 10, 0, tzinfo=_NoOffset())],
    ids=["naive", "tzinfo-without-offset"],
)
def test_a_time_without_an_offset_is_refused(received: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        WorkingCalendar().response_due(received)
    with pytest.raises(ValueError, match="timezone-aware"):
        response_due(received)


# -- Properties -----------------------------------------------------------------------------

# Built once: each calendar loads its bank holidays lazily and keeps them.
CALENDARS = [
    WorkingCalendar(zone=zone, region=region, day_end=day_end)
    for zone in (LONDON, DUBLIN)
    for region in UK_REGIONS
    for day_end in (time(17, 0), time(16, 30), time(15, 45), time(18, 0))
]

# An oracle that doesn't ask the calendar: weekday plus the `holidays` package's bank holidays.
BANK_HOLIDAYS = {
    region: holidays.country_holidays("GB", subdiv=code, years=range(2023, 2032))
    for region, code in UK_REGIONS.items()
}


def is_working_day(day: date, region: str) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS[region]


calendars = st.sampled_from(CALENDARS)
receipts = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31, 23, 59, 59),
    timezones=st.sampled_from(
        [
            UTC,
            LONDON,
            ZoneInfo("America/New_York"),
            ZoneInfo("Asia/Kolkata"),
            ZoneInfo("Pacific/Chatham"),
            timezone(timedelta(hours=-3, minutes=-30)),
        ]
    ),
)
fast = settings(max_examples=200, deadline=None)


@fast
@given(calendar=calendars, received=receipts)
def test_the_due_time_is_a_later_utc_instant(calendar: WorkingCalendar, received: datetime) -> None:
    due = calendar.response_due(received)
    assert due.tzinfo is UTC
    assert due > received
    # The longest closure is four days (Easter; Christmas at a weekend), so even a comment
    # received at its first midnight is due within four days and an end of day.
    assert due - received <= timedelta(days=5)


@fast
@given(calendar=calendars, received=receipts)
def test_a_working_day_receipt_is_due_24_hours_later(
    calendar: WorkingCalendar, received: datetime
) -> None:
    local_day = received.astimezone(calendar.zone).date()
    assume(is_working_day(local_day, calendar.region))
    assert calendar.response_due(received) - received == timedelta(hours=24)


@fast
@given(calendar=calendars, received=receipts)
def test_a_closed_day_receipt_is_due_at_the_end_of_the_next_working_day(
    calendar: WorkingCalendar, received: datetime
) -> None:
    local_day = received.astimezone(calendar.zone).date()
    assume(not is_working_day(local_day, calendar.region))
    due = calendar.response_due(received).astimezone(calendar.zone)
    assert due.time() == calendar.day_end
    assert due.date() > local_day
    assert is_working_day(due.date(), calendar.region)
    between = (local_day + timedelta(days=n) for n in range(1, (due.date() - local_day).days))
    assert not any(is_working_day(day, calendar.region) for day in between)


@fast
@given(
    calendar=calendars,
    earlier=receipts,
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=6)),
)
def test_a_later_comment_is_never_due_earlier(
    calendar: WorkingCalendar, earlier: datetime, gap: timedelta
) -> None:
    # Holds because the two rules hand over in order. A working-day comment is due before the end
    # of the following day, so before the end of the working day after any later closed day; a
    # closed-day comment is due at the end of the next working day, so no later than 24 hours
    # after any later comment received on a working day. (A clock change on a working day could
    # break this for an end of day after 23:00; UK clocks change on Sundays.)
    later = earlier + gap
    assert calendar.response_due(earlier) <= calendar.response_due(later)

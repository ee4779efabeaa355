"""The seven-day watch, through the running app and its real scheduler jobs: a fortnight with
weekends, a bank holiday and half term, with an injected clock. Who is asked each day, what a
swap and "can't today" change, and that a missed day reaches the lead and then SLT once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app.jobs import CHECK_IN_JOB
from bot.deadlines import WorkingCalendar
from bot.retention import service as retention
from bot.retention.service import RetentionPolicy
from bot.retention.subject_access import export_user
from bot.rota import actions
from bot.rota.coverage import coverage
from bot.rota.days import DayKind, HolidaysInvalid, kind_of, parse_ics, parse_lines
from store.db import read_scope, session_scope
from store.models import CheckIn
from tests.conftest import RunningBot
from tests.rota_fortnight import FIRST_ASKED, HALF_TERM, LONDON, at, live_account

LEAD, A, B, C, D, E, F = (
    "U0LEAD001",
    "U0WATCHA1",
    "U0WATCHB1",
    "U0WATCHC1",
    "U0WATCHD1",
    "U0WATCHE1",
    "U0WATCHF1",
)
SLT, SLT_CHANNEL = "U0SLT0001", "C0SLT0001"
CALENDAR = WorkingCalendar(zone=LONDON)


def test_a_day_is_a_bank_holiday_a_weekend_a_school_holiday_or_a_school_day() -> None:
    holidays = parse_lines(HALF_TERM + "\n\n05/06/2026 INSET day")
    kinds = {
        day: kind_of(date(2026, 5, day), calendar=CALENDAR, holidays=holidays)
        for day in (22, 23, 25, 26, 29)
    }
    assert kinds == {
        22: DayKind.WEEKDAY,
        23: DayKind.WEEKEND,
        25: DayKind.BANK_HOLIDAY,  # spring bank holiday, also the first day of half term
        26: DayKind.SCHOOL_HOLIDAY,
        29: DayKind.SCHOOL_HOLIDAY,
    }
    assert kind_of(date(2026, 6, 5), calendar=CALENDAR, holidays=holidays) is DayKind.SCHOOL_HOLIDAY


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("half term next week", "start with a date"),
        ("31/02/2026 Nonsense", "is not a date"),
        ("29/05/2026 - 26/05/2026 Backwards", "ends before it starts"),
        ("01/01/2026 - 31/12/2026 All year", "longer than any school holiday"),
    ],
)
def test_holidays_that_cannot_be_read_say_which_line_and_why(text: str, problem: str) -> None:
    with pytest.raises(HolidaysInvalid, match=problem):
        parse_lines(text)


def test_a_school_calendar_file_gives_its_holidays_and_leaves_other_events_out() -> None:
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//School//Calendar//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:May Half Term\r\n"
        b"DTSTART;VALUE=DATE:20260526\r\nDTEND;VALUE=DATE:20260530\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:2\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Sports day\r\n"
        b"DTSTART;VALUE=DATE:20260610\r\nDTEND;VALUE=DATE:20260611\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:3\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:INSET day\r\n"
        b"DTSTART;VALUE=DATE:20260605\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    found = parse_ics(ics)
    assert [(h.first, h.last, h.name) for h in found] == [
        (date(2026, 5, 26), date(2026, 5, 29), "May Half Term"),
        (date(2026, 6, 5), date(2026, 6, 5), "INSET day"),
    ]
    with pytest.raises(HolidaysInvalid):
        parse_ics(b"not a calendar")


def _asked(bot: RunningBot) -> list[tuple[str, str]]:
    """Every check-in question sent so far: (to whom, which account)."""
    return [
        (call.params["channel"], call.text)
        for call in bot.stand_in.to("chat.postMessage")
        if "Have you checked" in call.text
    ]


def _not_checked(bot: RunningBot) -> list[str]:
    return [
        call.params["channel"]
        for call in bot.stand_in.to("chat.postMessage")
        if "has not been checked yet today" in call.text
    ]


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(slt_users=[SLT])


def test_a_fortnight_of_check_ins(bot: RunningBot) -> None:
    services, roles = bot.runtime.services, bot.runtime.services.roles
    account = live_account(bot, lead=LEAD, front_end="slack")
    bot.clock.set(at(date(2026, 5, 17), 20))
    actions.save_rota(
        services,
        roles,
        user=LEAD,
        account_id=account,
        chosen={"weekday": [A, B], "weekend": [C], "school_holiday": [D, A], "bank_holiday": [E]},
    )
    actions.set_holidays(services, roles, user=SLT, text=HALF_TERM)
    actions.record_absence(  # A is away on Wednesday; F covers
        services, roles, user=A, account_id=account, day=date(2026, 5, 20), absent=None, cover=F
    )
    people = {"A": A, "C": C, "D": D, "E": E, "F": F}
    expected = {day: people[letter] for day, letter in FIRST_ASKED.items()}
    for number, first in expected.items():
        day = date(2026, 5, number)
        bot.clock.set(at(day, 8, 59))
        bot.tick(CHECK_IN_JOB)
        assert len(_asked(bot)) == _asks_before(expected, number, extra=1 if number > 21 else 0)
        bot.clock.set(at(day, 9))
        bot.tick(CHECK_IN_JOB)
        bot.tick(CHECK_IN_JOB)  # a second tick asks nobody twice
        channel, text = _asked(bot)[-1]
        assert channel == bot.stand_in.dm_channel(first) and "Instagram: @oakprimary" in text
        check_in = _check_in(bot, day)
        if number == 21:  # A can't today: B is asked at once
            answered = actions.answer(services, roles, user=A, check_in_id=check_in, given="cant")
            assert answered.next_asked == B
            assert _asked(bot)[-1][0] == bot.stand_in.dm_channel(B)
            actions.answer(services, roles, user=B, check_in_id=check_in, given="nothing_new")
        elif number != 22:  # nobody checks on Friday 22nd
            actions.answer(services, roles, user=first, check_in_id=check_in, given="nothing_new")
        for hour in (12, 13, 16, 17):
            bot.clock.set(at(day, hour))
            bot.tick(CHECK_IN_JOB)
        if number == 22:
            assert _not_checked(bot) == [bot.stand_in.dm_channel(LEAD), SLT_CHANNEL]
    assert _not_checked(bot) == [bot.stand_in.dm_channel(LEAD), SLT_CHANNEL]  # once each
    with read_scope(services.sessions) as session:
        [covered] = coverage(session, first=date(2026, 5, 18), last=date(2026, 5, 31))
    assert (covered.days_checked, covered.days_missed) == (13, 1)
    assert covered.covered_by == ((B, 1), (F, 1))


def _asks_before(expected: dict[int, str], number: int, *, extra: int) -> int:
    return sum(1 for day in expected if day < number) + extra


def _check_in(bot: RunningBot, day: date) -> int:
    with read_scope(bot.runtime.services.sessions) as session:
        return session.scalars(select(CheckIn.id).where(CheckIn.day == day)).one()


def test_old_checks_go_with_retention_and_a_person_can_see_their_watch(bot: RunningBot) -> None:
    services, roles = bot.runtime.services, bot.runtime.services.roles
    account = live_account(bot, lead=LEAD, front_end="slack")
    bot.clock.set(at(date(2026, 5, 18), 8))
    actions.save_rota(services, roles, user=LEAD, account_id=account, chosen={"weekday": [A, B]})
    actions.record_absence(
        services, roles, user=A, account_id=account, day=date(2026, 5, 19), absent=None, cover=F
    )
    bot.clock.set(at(date(2026, 5, 19), 9))
    bot.tick(CHECK_IN_JOB)
    with read_scope(services.sessions) as session:
        mine = export_user(session, user_id=F)
    assert [a["day"] for a in mine["rota_absences"]] == ["2026-05-19"]
    assert [c["day"] for c in mine["account_checks"]] == ["2026-05-19"]
    with read_scope(services.sessions) as session:
        assert export_user(session, user_id=A)["account_rotas"][0]["day_kind"] == "weekday"

    kept = RetentionPolicy(
        comments=timedelta(days=30),
        incidents=timedelta(days=30),
        questions=timedelta(days=30),
        reviews=timedelta(days=30),
    )
    with session_scope(services.sessions) as session:
        assert retention.apply(session, policy=kept, now=at(date(2026, 6, 30), 3)) == 2
    with read_scope(services.sessions) as session:
        assert export_user(session, user_id=F)["account_checks"] == []
        assert session.scalars(select(CheckIn)).all() == []


def test_two_instances_ticking_at_once_ask_once(
    bot: RunningBot, bot_factory: Callable[..., RunningBot]
) -> None:
    services, roles = bot.runtime.services, bot.runtime.services.roles
    other = bot_factory(slt_users=[SLT])  # a second instance on the same database
    account = live_account(bot, lead=LEAD, front_end="slack")
    actions.save_rota(services, roles, user=LEAD, account_id=account, chosen={"weekday": [A]})
    day = date(2026, 5, 18)
    for instance in (bot, other):
        instance.clock.set(at(day, 9))
    both = [
        threading.Thread(target=instance.tick, args=(CHECK_IN_JOB,)) for instance in (bot, other)
    ]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()
    for instance in (bot, other):
        instance.clock.set(at(day, 16))
        instance.tick(CHECK_IN_JOB)
    asked = [
        call for call in bot.stand_in.to("chat.postMessage") if "Have you checked" in call.text
    ]
    assert [call.params["channel"] for call in asked] == [bot.stand_in.dm_channel(A)]
    assert _not_checked(bot) == [bot.stand_in.dm_channel(LEAD), SLT_CHANNEL]

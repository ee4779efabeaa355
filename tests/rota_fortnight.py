"""The fortnight every test of the seven-day watch drives (Mon 18 – Sun 31 May 2026: two
weekends, the spring bank holiday, then half term), and the account it watches."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from store.db import session_scope
from store.models import SchoolAccount
from tests.conftest import RunningBot

LONDON = ZoneInfo("Europe/London")
HALF_TERM = "26/05/2026 - 29/05/2026 May half term"
ACCOUNT = "Instagram: @oakprimary"
# The rota the tests set: weekdays A then B, weekends C, half term D then A, bank holidays E;
# A is away on the 20th with F covering. Who is asked first each day of May, by letter.
FIRST_ASKED = {
    18: "A",
    19: "A",
    20: "F",  # A away, F covers
    21: "A",
    22: "A",
    23: "C",
    24: "C",
    25: "E",  # the spring bank holiday
    26: "D",  # half term
    27: "D",
    28: "D",
    29: "D",
    30: "C",
    31: "C",
}


def at(day: date, hour: int, minute: int = 5) -> datetime:
    """A moment of a day in the school's time zone, as the injected clock takes it."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def live_account(bot: RunningBot, *, lead: str, front_end: str, handle: str = "@oakprimary") -> int:
    """A live account on the register, led by `lead`, whose people are `front_end`'s."""
    now = bot.clock.now()
    with session_scope(bot.runtime.services.sessions) as session:
        account = SchoolAccount(
            platform="instagram",
            handle=handle,
            purpose="News",
            lead=lead,
            moderators="",
            monitoring="Daily",
            status="live",
            applied_by=lead,
            applied_at=now,
            updated_at=now,
            front_end=front_end,
        )
        session.add(account)
        session.flush()
        return account.id

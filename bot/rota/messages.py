"""What the watch sends, as plain values: the front end of the account's register entry
renders and delivers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.rota.days import DayKind


@dataclass(frozen=True)
class CheckInAsk:
    """Asked privately of the person on duty: have you checked the account today?"""

    front_end: str
    check_in_id: int
    version: int
    account_id: int
    account: str
    day: date
    day_kind: DayKind
    user: str
    instead_of: str | None  # the person the rota put first, when someone else is asked
    lead: str


@dataclass(frozen=True)
class CheckInMissed:
    """Nobody has checked the account yet today: told to its lead, then to SLT."""

    front_end: str
    check_in_id: int
    account: str
    day: date
    asked: tuple[str, ...]  # everyone asked so far, in order
    declined: tuple[str, ...]  # who said they couldn't
    lead: str
    to_slt: bool
    nobody_on_rota: bool

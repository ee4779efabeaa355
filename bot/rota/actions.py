"""What people do with the watch, one function per action for both front ends: each checks
who may act, changes the database in one unit of work, sends what is owed at once (through
the same claimed deliveries the sweep uses), and returns plain values to render."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.roles import Roles
from bot.rota import service, sweep
from bot.rota.coverage import AccountCoverage, coverage
from bot.rota.days import (
    DAY_KINDS,
    DayKind,
    Holiday,
    HolidaysInvalid,
    kind_of,
    parse_ics,
    parse_lines,
)
from bot.services import Services
from store.db import read_scope, session_scope
from store.models import RotaAbsence, SchoolAccount

NOT_LEAD = "Only the account's lead or SLT can change who watches it."
NOT_ON_ROTA = "Only people on this account's rota, its lead or SLT can record an absence."
NOT_ON_DUTY = "Only the people on today's watch, the account's lead or SLT can answer this."
NOT_SLT = "Only SLT can set the school's holidays."
NO_ACCOUNT = "That account is not on the register any more."
GONE = "That check-in is no longer open."
STALE = "That check-in has changed since this message was sent: use the latest one."
ANSWERS = ("nothing_new", "logging", "cant")
FURTHEST_AHEAD = timedelta(days=400)
UPCOMING_DAYS = 14


class RotaError(Exception):
    """An action that cannot be done; the message is fit to show the user."""


class NotAllowed(RotaError):
    pass


class AlreadyChecked(RotaError):
    """Someone has already checked the account today: `by`, for the front end to name."""

    def __init__(self, by: str | None) -> None:
        super().__init__("Already checked today.")
        self.by = by


class InvalidForm(RotaError):
    """`errors` maps each field to what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Check the form.")
        self.errors = errors


@dataclass(frozen=True)
class RotaView:
    account_id: int
    account: str
    front_end: str
    lead: str
    rota: Mapping[DayKind, tuple[str, ...]]
    may_change: bool


@dataclass(frozen=True)
class Answered:
    check_in_id: int
    account: str
    account_id: int
    day: date
    answer: str
    next_asked: str | None  # after "can't today": who is asked now (None: nobody is left)


Reply = Callable[[Answered | None], object]


def _no_reply(_: Answered | None) -> None:
    """Nothing to answer before the messages go out."""


@dataclass(frozen=True)
class Duty:
    day: date
    day_kind: DayKind
    account: str
    account_id: int


def _account(session: Session, account_id: int) -> SchoolAccount:
    account = session.get(SchoolAccount, account_id)
    if account is None or account.status not in service.WATCHED:
        raise RotaError(NO_ACCOUNT)
    return account


def _may_change(roles: Roles, account: SchoolAccount, user: str) -> bool:
    return user == account.lead or roles.is_slt(user)


def rota(services: Services, roles: Roles, *, user: str, account_id: int) -> RotaView:
    with read_scope(services.sessions) as session:
        account = _account(session, account_id)
        return RotaView(
            account_id=account.id,
            account=service.account_name(account),
            front_end=account.front_end,
            lead=account.lead,
            rota=service.rota_of(session, account.id),
            may_change=_may_change(roles, account, user),
        )


def watched(services: Services) -> list[RotaView]:
    """Every account that can be watched, with its rota (for SLT's overview)."""
    with read_scope(services.sessions) as session:
        accounts = session.scalars(
            select(SchoolAccount)
            .where(SchoolAccount.status.in_(service.WATCHED))
            .order_by(SchoolAccount.id)
        )
        return [
            RotaView(
                a.id,
                service.account_name(a),
                a.front_end,
                a.lead,
                service.rota_of(session, a.id),
                False,
            )
            for a in accounts
        ]


def save_rota(
    services: Services,
    roles: Roles,
    *,
    user: str,
    account_id: int,
    chosen: Mapping[str, Sequence[str]],
) -> RotaView:
    """The lead or SLT set the rota: for each kind of day, the people in the order asked."""
    unknown = [key for key in chosen if key not in {k.value for k in DAY_KINDS}]
    if unknown:
        raise InvalidForm({unknown[0]: "Not a kind of day."})
    too_many = [k for k, people in chosen.items() if len(people) > service.MOST_ON_A_LIST]
    if too_many:
        raise InvalidForm({too_many[0]: f"At most {service.MOST_ON_A_LIST} people."})
    with session_scope(services.sessions) as session:
        account = _account(session, account_id)
        if not _may_change(roles, account, user):
            raise NotAllowed(NOT_LEAD)
        service.set_rota(
            session,
            account.id,
            {DayKind(kind): tuple(people) for kind, people in chosen.items()},
            by=user,
            now=services.clock.now(),
        )
    return rota(services, roles, user=user, account_id=account_id)


def record_absence(
    services: Services,
    roles: Roles,
    *,
    user: str,
    account_id: int,
    day: date | None,
    absent: str | None,
    cover: str | None,
    reply: Reply = _no_reply,
) -> Answered | None:
    """Someone on the rota is away on a day, and perhaps names who covers. If that day is
    today and they were being asked, the ask moves to whoever is now on duty. `reply` is
    given the outcome once it is stored, before the new ask goes out."""
    absent = absent or user
    now = services.clock.now()
    today = now.astimezone(services.zone).date()
    errors = {}
    if day is None:
        errors["day"] = "Choose the day."
    elif day < today:
        errors["day"] = "Choose today or a day to come."
    elif day > today + FURTHEST_AHEAD:
        errors["day"] = "Choose a day within the next year."
    if cover and cover == absent:
        errors["cover"] = "Choose someone else to cover, or nobody."
    if errors:
        raise InvalidForm(errors)
    assert day is not None
    with session_scope(services.sessions) as session:
        account = _account(session, account_id)
        rota_now = service.rota_of(session, account.id)
        on_rota = any(absent in people for people in rota_now.values())
        if not (_may_change(roles, account, user) or (user == absent and on_rota)):
            raise NotAllowed(NOT_ON_ROTA)
        if not on_rota:
            raise InvalidForm({"absent": "They are not on this account's rota."})
        session.add(
            RotaAbsence(
                account_id=account.id,
                day=day,
                user_id=absent,
                cover=cover or None,
                recorded_by=user,
                recorded_at=now,
            )
        )
        session.flush()
        row = service.check_in_on(session, account.id, day)
        moved = None
        if row is not None and row.status == service.OPEN and row.asking == absent:
            duty = service.on_duty(
                rota_now, DayKind(row.day_kind), service.absences_on(session, account.id, day)
            )
            row.asking = next((p for p in duty if p not in service.declined(row)), None)
            row.version += 1
            moved = row.id
        name = service.account_name(account)
    if moved is None:
        reply(None)
        return None
    result = Answered(moved, name, account_id, day, "moved", _asking(services, moved))
    reply(result)
    sweep.ask(services.sessions, services.notifier, moved, now=now)
    return result


def answer(
    services: Services,
    roles: Roles,
    *,
    user: str,
    check_in_id: int,
    given: str,
    version: int | None = None,
    reply: Reply = _no_reply,
) -> Answered:
    """The person asked says they checked (nothing new, or they are logging comments), or that
    they can't today, which asks the next person on the day's list at once. `version`: the one
    the question was sent with; a question since moved on (another asked) is refused. `reply`
    is given the outcome once it is stored, before anyone else is asked or told."""
    if given not in ANSWERS:
        raise RotaError("That is not an answer to the check-in.")
    now = services.clock.now()
    with session_scope(services.sessions) as session:
        row = service.check_in(session, check_in_id, lock=True)
        if row is None:
            raise RotaError(GONE)
        account = _account(session, row.account_id)
        duty = service.on_duty(
            service.rota_of(session, account.id),
            DayKind(row.day_kind),
            service.absences_on(session, account.id, row.day),
        )
        if not (user in duty or user == row.asking or _may_change(roles, account, user)):
            raise NotAllowed(NOT_ON_DUTY)
        if row.status == service.CHECKED:
            raise AlreadyChecked(row.checked_by)
        if version is not None and version != row.version:
            raise RotaError(STALE)
        next_asked = None
        if given == "cant":
            if row.status != service.OPEN:
                raise RotaError(GONE)
            declined = [*service.declined(row), user]
            row.declined = ",".join(dict.fromkeys(declined))[:500]
            row.asking = next((p for p in duty if p not in declined), None)
            next_asked = row.asking
        else:
            row.status, row.checked_by, row.checked_at = service.CHECKED, user, now
            row.outcome = "logged" if given == "logging" else "nothing_new"
        row.version += 1
        result = Answered(
            row.id, service.account_name(account), account.id, row.day, given, next_asked
        )
    reply(result)
    if given == "cant":
        if next_asked is not None:
            sweep.ask(services.sessions, services.notifier, check_in_id, now=now)
        else:  # nobody left to ask: the lead hears now, not at their usual time
            sweep.tell_now(services.sessions, services.notifier, check_in_id, now=now)
    return result


def _asking(services: Services, check_in_id: int) -> str | None:
    with read_scope(services.sessions) as session:
        row = service.check_in(session, check_in_id)
        return row.asking if row is not None else None


def set_holidays(
    services: Services,
    roles: Roles,
    *,
    user: str,
    text: str | None = None,
    ics: bytes | None = None,
) -> list[Holiday]:
    """SLT enter the school's holidays (a line each) or import the school's calendar file."""
    if not roles.is_slt(user):
        raise NotAllowed(NOT_SLT)
    try:
        entered = parse_ics(ics) if ics is not None else parse_lines(text or "")
    except HolidaysInvalid as error:
        raise InvalidForm({"holidays": str(error)}) from None
    if not entered:
        raise InvalidForm({"holidays": "Enter at least one holiday."})
    with session_scope(services.sessions) as session:
        service.replace_holidays(session, entered, by=user, now=services.clock.now())
    return entered


def holidays(services: Services) -> list[Holiday]:
    with read_scope(services.sessions) as session:
        return service.holidays(session)


def my_watch(services: Services, *, user: str, days: int = UPCOMING_DAYS) -> list[Duty]:
    """The days ahead on which `user` is first on an account's watch, absences counted."""
    today = services.clock.now().astimezone(services.zone).date()
    found = []
    with read_scope(services.sessions) as session:
        holidays_now = service.holidays(session)
        for account_id in service.watched_accounts(session):
            account = session.get(SchoolAccount, account_id)
            if account is None or account.status not in service.WATCHED:
                continue
            rota_now = service.rota_of(session, account_id)
            for offset in range(days):
                day = today + timedelta(days=offset)
                kind = kind_of(day, calendar=services.calendar, holidays=holidays_now)
                duty = service.on_duty(
                    rota_now, kind, service.absences_on(session, account_id, day)
                )
                if duty and duty[0] == user:
                    found.append(Duty(day, kind, service.account_name(account), account_id))
    return sorted(found, key=lambda d: (d.day, d.account))


def week_coverage(services: Services, *, days: int = 7) -> tuple[AccountCoverage, ...]:
    """The last `days` days, today included, for SLT's App Home."""
    today = services.clock.now().astimezone(services.zone).date()
    with read_scope(services.sessions) as session:
        return coverage(session, first=today - timedelta(days=days - 1), last=today)

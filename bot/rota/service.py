"""The rota, absences, holidays and check-ins as stored: one unit of work per call, the caller
owning the session. Everything is held to the school in scope (`store.tenancy`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.accounts.service import Status
from bot.comments.options import PLATFORMS
from bot.rota.days import DAY_KINDS, DayKind, Holiday
from store.models import CheckIn, RotaAbsence, RotaPlace, SchoolAccount, SchoolHoliday

MOST_ON_A_LIST = 20
OPEN, CHECKED, MISSED = "open", "checked", "missed"  # a check-in's states
WATCHED = (Status.LIVE, Status.HANDOVER)  # the accounts whose rota is asked


def account_name(account: SchoolAccount) -> str:
    """As the comment log names it."""
    return f"{PLATFORMS.get(account.platform, account.platform)}: {account.handle}"


Rota = Mapping[DayKind, tuple[str, ...]]


def rota_of(session: Session, account_id: int) -> dict[DayKind, tuple[str, ...]]:
    """Each kind of day's watchers for the account, in the order they are asked."""
    rota: dict[DayKind, list[str]] = {kind: [] for kind in DAY_KINDS}
    rows = session.scalars(
        select(RotaPlace)
        .where(RotaPlace.account_id == account_id)
        .order_by(RotaPlace.day_kind, RotaPlace.position)
    )
    for row in rows:
        if row.day_kind in rota:
            rota[DayKind(row.day_kind)].append(row.user_id)
    return {kind: tuple(people) for kind, people in rota.items()}


def set_rota(session: Session, account_id: int, rota: Rota, *, by: str, now: datetime) -> None:
    session.execute(delete(RotaPlace).where(RotaPlace.account_id == account_id))
    for kind in DAY_KINDS:
        people = list(dict.fromkeys(rota.get(kind, ())))[:MOST_ON_A_LIST]
        for position, user in enumerate(people):
            session.add(
                RotaPlace(
                    account_id=account_id,
                    day_kind=kind.value,
                    position=position,
                    user_id=user,
                    set_by=by,
                    set_at=now,
                )
            )


def watched_accounts(session: Session) -> list[int]:
    """The accounts with anyone on their rota."""
    return list(session.scalars(select(RotaPlace.account_id).distinct()))


def absences_on(session: Session, account_id: int, day: date) -> list[RotaAbsence]:
    return list(
        session.scalars(
            select(RotaAbsence)
            .where(
                RotaAbsence.account_id == account_id,
                RotaAbsence.day == day,
                RotaAbsence.withdrawn_at.is_(None),
            )
            .order_by(RotaAbsence.id)
        )
    )


def on_duty(rota: Rota, kind: DayKind, absences: Sequence[RotaAbsence]) -> list[str]:
    """Who is asked that day, in order: the day's list, each absent person replaced by the
    cover they named (or left out), nobody twice, and nobody who is away."""
    away = {absence.user_id for absence in absences}
    cover = {absence.user_id: absence.cover for absence in absences}
    order: list[str] = []
    for person in rota.get(kind, ()):
        stand_in = cover.get(person) if person in away else person
        if stand_in and stand_in not in away and stand_in not in order:
            order.append(stand_in)
    return order


def holidays(session: Session) -> list[Holiday]:
    rows = session.scalars(select(SchoolHoliday).order_by(SchoolHoliday.first))
    return [Holiday(row.first, row.last, row.name) for row in rows]


def replace_holidays(
    session: Session, entered: Sequence[Holiday], *, by: str, now: datetime
) -> None:
    """The school's holidays from now on: those entered replace every one stored that
    overlaps the years they cover, so entering next year's keeps this year's."""
    if not entered:
        return
    first = min(h.first for h in entered)
    last = max(h.last for h in entered)
    session.execute(
        delete(SchoolHoliday).where(SchoolHoliday.last >= first, SchoolHoliday.first <= last)
    )
    for holiday in entered:
        session.add(
            SchoolHoliday(
                first=holiday.first, last=holiday.last, name=holiday.name, set_by=by, set_at=now
            )
        )


def check_in(session: Session, check_in_id: int, *, lock: bool = False) -> CheckIn | None:
    statement = select(CheckIn).where(CheckIn.id == check_in_id)
    if lock:
        statement = statement.with_for_update()
    return session.scalars(statement).first()


def check_in_on(session: Session, account_id: int, day: date) -> CheckIn | None:
    return session.scalars(
        select(CheckIn).where(CheckIn.account_id == account_id, CheckIn.day == day)
    ).first()


def check_ins_between(session: Session, first: date, last: date) -> list[CheckIn]:
    return list(
        session.scalars(
            select(CheckIn)
            .where(CheckIn.day >= first, CheckIn.day <= last)
            .order_by(CheckIn.account_id, CheckIn.day)
        )
    )


def open_before(session: Session, account_id: int, day: date, *, since: date) -> list[CheckIn]:
    """The account's check-ins left open on days before `day` (from `since`), locked."""
    return list(
        session.scalars(
            select(CheckIn)
            .where(
                CheckIn.account_id == account_id,
                CheckIn.status == OPEN,
                CheckIn.day < day,
                CheckIn.day >= since,
            )
            .with_for_update()
        )
    )


def declined(row: CheckIn) -> list[str]:
    return [person for person in row.declined.split(",") if person]

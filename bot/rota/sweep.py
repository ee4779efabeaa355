"""The daily check-in, as the scheduler ticks it: at the school's ask time the person on duty
on each watched account is asked; at the lead's time, if nobody has checked, the account's lead
is told; at SLT's time, SLT. A day left unchecked is closed as missed the next day.

Every message is claimed before it is sent and recorded with the claim (`send_once`, keyed by
the check-in and the person), so several instances, restarts and retries never lose or double
one; the check-in row is the database's word on who is asked now."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.deadlines import WorkingCalendar
from bot.notices import send_once, sent_already
from bot.ports import DeliveryError, Notifier
from bot.rota import service
from bot.rota.days import DayKind, kind_of
from bot.rota.messages import CheckInAsk, CheckInMissed
from bot.rota.service import CHECKED, MISSED, OPEN, WATCHED, account_name
from bot.setup.school import School
from store.db import read_scope, session_scope
from store.models import CheckIn, SchoolAccount

logger = logging.getLogger(__name__)


def at(day: date, moment: time, calendar: WorkingCalendar) -> datetime:
    return datetime.combine(day, moment, tzinfo=calendar.zone)


def sweep(
    *,
    sessions: sessionmaker[Session],
    notifier: Notifier,
    calendar: WorkingCalendar,
    school: School,
    clock: Clock,
) -> int:
    now = clock.now()
    today = now.astimezone(calendar.zone).date()
    with read_scope(sessions) as session:
        watched = service.watched_accounts(session)
        holidays = service.holidays(session)
    sent = 0
    for account_id in watched:
        sent += _close_earlier(sessions, notifier, account_id, today=today, now=now)
        if now < at(today, school.checkin_ask_time, calendar):
            continue
        kind = kind_of(today, calendar=calendar, holidays=holidays)
        row_id = _today(sessions, account_id, today, kind)
        if row_id is None:
            continue
        sent += ask(sessions, notifier, row_id, now=now)
        if now >= at(today, school.checkin_lead_time, calendar):
            sent += _tell(sessions, notifier, row_id, to_slt=False, now=now)
        if now >= at(today, school.checkin_slt_time, calendar):
            sent += _tell(sessions, notifier, row_id, to_slt=True, now=now)
    return sent


def _today(
    sessions: sessionmaker[Session], account_id: int, day: date, kind: DayKind
) -> int | None:
    """Today's check-in for the account, made at the first tick after the ask time with the
    rota as it stands then; None if the account is no longer watched."""
    try:
        with session_scope(sessions) as session:
            found = service.check_in_on(session, account_id, day)
            if found is not None:
                return found.id
            account = session.get(SchoolAccount, account_id)
            if account is None or account.status not in WATCHED:
                return None
            rota = service.rota_of(session, account_id)
            duty = service.on_duty(rota, kind, service.absences_on(session, account_id, day))
            listed = rota.get(kind, ())
            row = CheckIn(
                account_id=account_id,
                day=day,
                day_kind=kind.value,
                scheduled=listed[0] if listed else None,  # the rota's own first, absences aside
                asking=duty[0] if duty else None,
                declined="",
                status=OPEN,
            )
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:  # another instance made it at the same moment
        with read_scope(sessions) as session:
            made = service.check_in_on(session, account_id, day)
            return made.id if made is not None else None


def ask(sessions: sessionmaker[Session], notifier: Notifier, row_id: int, *, now: datetime) -> int:
    """Ask whoever the check-in names now, once each."""
    with read_scope(sessions) as session:
        row = service.check_in(session, row_id)
        if row is None or row.status != OPEN or row.asking is None:
            return 0
        account = session.get(SchoolAccount, row.account_id)
        if account is None:
            return 0
        message = CheckInAsk(
            front_end=account.front_end,
            check_in_id=row.id,
            version=row.version,
            account_id=account.id,
            account=account_name(account),
            day=row.day,
            day_kind=DayKind(row.day_kind),
            user=row.asking,
            instead_of=row.scheduled if row.scheduled != row.asking else None,
            lead=account.lead,
        )
    return _send(
        sessions,
        f"check-in:{row_id}:ask:{message.user}",
        now,
        lambda: notifier.check_in_ask(message),
    )


def tell_now(
    sessions: sessionmaker[Session], notifier: Notifier, row_id: int, *, now: datetime
) -> int:
    """Everyone on today's list said they can't: the lead hears now, not at their time."""
    return _tell(sessions, notifier, row_id, to_slt=False, now=now)


def _tell(
    sessions: sessionmaker[Session], notifier: Notifier, row_id: int, *, to_slt: bool, now: datetime
) -> int:
    """Tell the lead (or SLT) the account has not been checked; once, and noted on the row."""
    who = "slt" if to_slt else "lead"
    key = f"check-in:{row_id}:{who}"
    with read_scope(sessions) as session:
        row = service.check_in(session, row_id)
        if row is None or row.status == CHECKED:
            return 0
        account = session.get(SchoolAccount, row.account_id)
        if account is None:
            return 0
        declined = tuple(service.declined(row))
        asked = (*declined, row.asking) if row.asking else declined
        message = CheckInMissed(
            front_end=account.front_end,
            check_in_id=row.id,
            account=account_name(account),
            day=row.day,
            asked=asked,
            declined=declined,
            lead=account.lead,
            to_slt=to_slt,
            nobody_on_rota=row.scheduled is None,
        )
    sent = _send(sessions, key, now, lambda: notifier.check_in_missed(message))
    with session_scope(sessions) as session:
        row = service.check_in(session, row_id, lock=True)
        if row is not None and sent_already(session, key):
            if to_slt and row.slt_told_at is None:
                row.slt_told_at = now
            elif not to_slt and row.lead_told_at is None:
                row.lead_told_at = now
    return sent


def _close_earlier(
    sessions: sessionmaker[Session],
    notifier: Notifier,
    account_id: int,
    *,
    today: date,
    now: datetime,
) -> int:
    """A day that ended unchecked is missed; SLT hear of it if they had not yet (the bot was
    down at their time, say)."""
    with session_scope(sessions) as session:
        rows = service.open_before(session, account_id, today, since=today - timedelta(days=7))
        for row in rows:
            row.status = MISSED
            row.version += 1
        late = [row.id for row in rows if row.slt_told_at is None]
    return sum(_tell(sessions, notifier, row_id, to_slt=True, now=now) for row_id in late)


def _send(
    sessions: sessionmaker[Session], key: str, now: datetime, send: Callable[[], None]
) -> int:
    try:
        return int(send_once(sessions=sessions, key=key, now=now, send=send))
    except DeliveryError as error:
        kind = key.split(":")[2]  # ask, lead or slt: never who
        logger.warning("check-in message (%s) not delivered, will retry: %s", kind, error)
        return 0

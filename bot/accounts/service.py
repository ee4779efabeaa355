"""School accounts from application to handover. SLT decide; administrators create and hand
over; the bot never keeps a password, and refuses text that looks like one."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.comments.options import PLATFORMS
from bot.validation import is_web_link, text_errors
from store.models import Handover, SchoolAccount

HANDOVER_REMINDER_EVERY = timedelta(days=1)
HANDOVER_OVERDUE_AFTER = timedelta(days=7)
TEXT_LIMIT = 1000
_PASSWORD_LABEL = re.compile(r"\b(pass(word|wd|code)?|pwd|pw|pin)\s*(is|[:=])\s*\S+", re.I)
_SECRET_LIKE = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)\S{10,}$")


class Field(StrEnum):
    PLATFORM = "platform"
    HANDLE = "handle"
    PURPOSE = "purpose"
    LEAD = "lead"
    MODERATORS = "moderators"
    MONITORING = "monitoring"
    REASON = "reason"
    LINK = "link"
    CREDENTIALS = "credentials"
    OUTCOME = "outcome"
    NEW_LEAD = "new_lead"


class Status(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    DECLINED = "declined"
    LIVE = "live"
    HANDOVER = "handover needed"
    CLOSED = "closed"


class AccountError(Exception):
    """A change that cannot be made; the message is fit to show the user."""


def looks_like_password(text: str) -> bool:
    """ "password: hunter2", or a lone token mixing cases and digits: never to be stored."""
    return bool(_PASSWORD_LABEL.search(text)) or any(
        _SECRET_LIKE.match(word) for word in text.split()
    )


def _text(errors: dict[str, str], field: Field, value: str, *, required: bool = True) -> None:
    if required and not value.strip():
        errors[field] = "This is needed."
    elif len(value) > TEXT_LIMIT:
        errors[field] = f"Keep this under {TEXT_LIMIT} characters."
    elif looks_like_password(value):
        errors[field] = (
            "This looks like a password. Never put passwords here: say where "
            "they are kept instead (e.g. the school's password manager)."
        )


@dataclass(frozen=True)
class Application:
    platform: str | None
    handle: str
    purpose: str
    lead: str | None
    moderators: tuple[str, ...]
    monitoring: str


def validate_application(form: Application) -> dict[str, str]:
    errors = text_errors(asdict(form))
    if form.platform not in PLATFORMS:
        errors[Field.PLATFORM] = "Choose the platform."
    _text(errors, Field.HANDLE, form.handle)
    _text(errors, Field.PURPOSE, form.purpose)
    _text(errors, Field.MONITORING, form.monitoring)
    if not form.lead:
        errors[Field.LEAD] = "Name the member of staff who will lead the account."
    return errors


def apply(
    session: Session, *, form: Application, applied_by: str, now: datetime, front_end: str
) -> SchoolAccount:
    account = SchoolAccount(
        platform=form.platform,
        handle=form.handle.strip(),
        purpose=form.purpose.strip(),
        lead=form.lead,
        moderators=",".join(form.moderators),
        monitoring=form.monitoring.strip(),
        status=Status.APPLIED,
        applied_by=applied_by,
        applied_at=now,
        updated_at=now,
        version=1,
        front_end=front_end,
    )
    session.add(account)
    session.flush()
    return account


def _account(session: Session, account_id: int, version: int, *expected: Status) -> SchoolAccount:
    account = session.scalars(
        select(SchoolAccount).where(SchoolAccount.id == account_id).with_for_update()
    ).first()
    if account is None:
        raise AccountError("That account is no longer in the register.")
    if account.version != version or account.status not in expected:
        raise AccountError(f"{account.handle} has moved on ({account.status}); nothing changed.")
    return account


def _changed(account: SchoolAccount, now: datetime) -> SchoolAccount:
    account.version += 1
    account.updated_at = now
    return account


def decide(
    session: Session,
    *,
    account_id: int,
    version: int,
    user: str,
    approve: bool,
    reason: str,
    now: datetime,
) -> SchoolAccount:
    account = _account(session, account_id, version, Status.APPLIED)
    if not approve and not reason.strip():
        raise AccountError("Give the applicant a reason.")
    account.status = Status.APPROVED if approve else Status.DECLINED
    account.decided_by = user
    account.decline_reason = None if approve else reason.strip()[:TEXT_LIMIT]
    return _changed(account, now)


def validate_created(handle: str, link: str, credentials: str) -> dict[str, str]:
    errors = text_errors({Field.HANDLE: handle, Field.LINK: link, Field.CREDENTIALS: credentials})
    _text(errors, Field.HANDLE, handle)
    if link.strip() and not is_web_link(link.strip()):
        errors[Field.LINK] = "Give the account's web address, starting with https://."
    _text(errors, Field.CREDENTIALS, credentials)
    return errors


def record_created(
    session: Session,
    *,
    account_id: int,
    version: int,
    handle: str,
    link: str,
    credentials: str,
    now: datetime,
) -> SchoolAccount:
    if validate_created(handle, link, credentials):
        raise AccountError("Check the handle, link and where the credentials are kept.")
    account = _account(session, account_id, version, Status.APPROVED)
    account.handle = handle.strip()
    account.link = link.strip() or None
    account.credentials_kept = credentials.strip()[:300]
    account.status = Status.LIVE
    return _changed(account, now)


def register(session: Session) -> list[SchoolAccount]:
    return list(
        session.scalars(
            select(SchoolAccount)
            .where(SchoolAccount.status != Status.DECLINED)
            .order_by(SchoolAccount.platform, SchoolAccount.handle)
        )
    )


def comment_accounts(session: Session, configured: list[str]) -> list[str]:
    """What the comment log offers: live accounts from the register, then configured ones."""
    live = session.scalars(
        select(SchoolAccount)
        .where(SchoolAccount.status.in_((Status.LIVE, Status.HANDOVER)))
        .order_by(SchoolAccount.id)
    )
    names = [f"{PLATFORMS.get(a.platform, a.platform)}: {a.handle}" for a in live]
    return names + [name for name in configured if name not in names]


def people_left(session: Session, *, user: str, now: datetime, front_end: str) -> list[Handover]:
    """Someone has left: every live account they lead or moderate needs handing over."""
    opened = []
    for account in session.scalars(
        select(SchoolAccount).where(
            SchoolAccount.status.in_((Status.LIVE, Status.HANDOVER)),
            SchoolAccount.front_end == front_end,
        )
    ):
        if user != account.lead and user not in account.moderators.split(","):
            continue
        already = session.scalars(
            select(Handover).where(
                Handover.account_id == account.id,
                Handover.departed == user,
                Handover.done_at.is_(None),
            )
        ).first()
        if already:
            continue
        handover = Handover(
            account_id=account.id,
            departed=user,
            opened_at=now,
            next_notice_at=now,
            reminders_sent=0,
            front_end=front_end,
        )
        session.add(handover)
        account.status = Status.HANDOVER
        _changed(account, now)
        opened.append(handover)
    session.flush()
    return opened


def complete_handover(
    session: Session, *, handover_id: int, user: str, new_lead: str | None, now: datetime
) -> Handover:
    """Transfer the account to a new lead, or close it when there is none."""
    handover = session.get(Handover, handover_id)
    if handover is None or handover.done_at is not None:
        raise AccountError("That handover is already done.")
    account = session.get(SchoolAccount, handover.account_id)
    assert account is not None
    if new_lead:
        if account.lead == handover.departed:
            account.lead = new_lead
        account.moderators = ",".join(
            m for m in account.moderators.split(",") if m and m != handover.departed
        )
        account.status = Status.LIVE
        handover.outcome = "transferred"
    else:
        account.status = Status.CLOSED
        handover.outcome = "closed"
    _changed(account, now)
    handover.done_at, handover.done_by, handover.next_notice_at = now, user, None
    return handover


def overdue_handovers(session: Session, *, now: datetime) -> list[Handover]:
    return list(
        session.scalars(
            select(Handover).where(
                Handover.done_at.is_(None), Handover.opened_at < now - HANDOVER_OVERDUE_AFTER
            )
        )
    )

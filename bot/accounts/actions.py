"""What a person does with school accounts, one function per action for every front end.

Each checks who may act, makes the change in one transaction, tells whoever must hear of it
through the notifier (SLT, the administrators, the applicant) and returns what was decided as
plain values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.accounts import service
from bot.accounts.service import AccountError, Application, Status
from bot.comments.options import PLATFORMS
from bot.ports import DeliveryError
from bot.roles import Roles
from bot.services import Services
from bot.submissions import Key, edit, once
from store.db import session_scope
from store.models import Handover, SchoolAccount

logger = logging.getLogger(__name__)

NOT_SLT = "Only SLT can decide on school accounts."
NOT_ADMIN = "Only the school's account administrators can do that."
HANDOVER_DONE = "That handover is already done."
OPEN = "open"  # the only state a handover's form is opened on


class NotAllowed(AccountError):
    """Someone without the role tried an action; the message says whose it is."""


class InvalidForm(AccountError):
    """A form with mistakes: `errors` maps each field to what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Check the form.")
        self.errors = errors


@dataclass(frozen=True)
class Account:
    """A school account as it stood when the action finished."""

    id: int
    version: int
    platform: str
    handle: str
    purpose: str
    lead: str
    moderators: tuple[str, ...]
    monitoring: str
    status: str
    applied_by: str
    decline_reason: str | None

    @property
    def name(self) -> str:
        return f"{PLATFORMS.get(self.platform, self.platform)}: {self.handle}"

    @classmethod
    def of(cls, row: SchoolAccount) -> Account:
        return cls(
            id=row.id,
            version=row.version,
            platform=row.platform,
            handle=row.handle,
            purpose=row.purpose,
            lead=row.lead,
            moderators=tuple(m for m in row.moderators.split(",") if m),
            monitoring=row.monitoring,
            status=row.status,
            applied_by=row.applied_by,
            decline_reason=row.decline_reason,
        )


@dataclass(frozen=True)
class HandoverTask:
    """An account whose lead or moderator has left, waiting for an administrator."""

    id: int
    departed: str
    opened_at: datetime
    outcome: str | None
    account: Account

    @classmethod
    def of(cls, row: Handover, account: SchoolAccount) -> HandoverTask:
        return cls(
            id=row.id,
            departed=row.departed,
            opened_at=row.opened_at,
            outcome=row.outcome,
            account=Account.of(account),
        )


@dataclass(frozen=True)
class Sent:
    """An account after an action, and whether whoever must act on it next was reached: SLT
    for an application, the administrators for an approval (nobody after a decline)."""

    account: Account
    reached: bool


Reply = Callable[[Account], object]


def _no_reply(_: Account) -> None:
    """Nothing to answer before the messages go out."""


@dataclass(frozen=True)
class Register:
    accounts: tuple[Account, ...]
    overdue: tuple[HandoverTask, ...]


def _require(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise NotAllowed(refusal)


def apply(
    services: Services,
    *,
    form: Application,
    user: str,
    front_end: str,
    reply: Reply = _no_reply,
    submission: Key | None = None,
) -> Sent:
    """Save the application and show it to SLT; `reply` answers the applicant first. The same
    `submission` again is answered with the application it made, which is not shown twice."""
    errors = service.validate_application(form)
    if errors:
        raise InvalidForm(errors)
    now = services.clock.now()

    def make(session: Session) -> tuple[int, SchoolAccount]:
        row = service.apply(session, form=form, applied_by=user, now=now, front_end=front_end)
        session.flush()
        return row.id, row

    taken = once(
        services.sessions,
        submission,
        record="account",
        now=now,
        make=make,
        again=lambda session, account_id: session.get(SchoolAccount, account_id),
    )
    row = taken.result
    account = Account.of(row)
    reply(account)
    if not taken.new:
        return Sent(account, reached=True)
    try:
        services.notifier.account_applied(row)
    except DeliveryError as error:
        logger.warning("account application %s not shown to SLT: %s", row.id, error)
        return Sent(account, reached=False)
    return Sent(account, reached=True)


def account(services: Services, *, account_id: int) -> Account | None:
    with session_scope(services.sessions) as session:
        row = session.get(SchoolAccount, account_id)
        return Account.of(row) if row is not None else None


def _current(services: Services, account_id: int, version: int, stale: str) -> Account:
    found = account(services, account_id=account_id)
    if found is None or found.version != version:
        raise AccountError(stale)
    return found


def open_decline(
    services: Services, roles: Roles, *, account_id: int, version: int, user: str
) -> Account:
    """The application, for SLT about to decline it."""
    _require(roles.is_slt(user), NOT_SLT)
    return _current(services, account_id, version, "That application has already been decided.")


def decide(
    services: Services,
    roles: Roles,
    *,
    account_id: int,
    version: int,
    user: str,
    approve: bool,
    reason: str = "",
    reply: Reply = _no_reply,
    submission: Key | None = None,
) -> Sent:
    """Approve or decline an application. Once approved the administrators are asked to create
    the account; either way the applicant is told. `reply` answers SLT first. The same
    `submission` again is answered from the account and tells nobody twice."""
    _require(roles.is_slt(user), NOT_SLT)
    now = services.clock.now()
    taken = edit(
        services.sessions,
        submission,
        record="account",
        record_id=account_id,
        version=version,
        now=now,
        change=lambda session: service.decide(
            session,
            account_id=account_id,
            version=version,
            user=user,
            approve=approve,
            reason=reason,
            now=now,
        ),
        again=lambda session: session.get(SchoolAccount, account_id),
    )
    row = taken.result
    account = Account.of(row)
    reply(account)
    if not taken.new:
        return Sent(account, reached=True)
    reached = True
    if approve:
        try:
            services.notifier.creation_task(row)
        except DeliveryError as error:
            logger.warning("account administrators not told of account %s: %s", row.id, error)
            reached = False
    try:
        services.notifier.account_decided(row)
    except DeliveryError as error:
        logger.warning("applicant for account %s not told: %s", row.id, error)
    return Sent(account, reached=reached)


def open_created(
    services: Services, roles: Roles, *, account_id: int, version: int, user: str
) -> Account:
    """The approved account, for an administrator about to record it as created."""
    _require(roles.is_admin(user), NOT_ADMIN)
    found = _current(services, account_id, version, "That account has already been recorded.")
    if found.status != Status.APPROVED:
        raise AccountError("That account has already been recorded.")
    return found


def record_created(
    services: Services,
    roles: Roles,
    *,
    account_id: int,
    version: int,
    user: str,
    handle: str,
    link: str,
    credentials: str,
    submission: Key | None = None,
) -> Account:
    _require(roles.is_admin(user), NOT_ADMIN)
    errors = service.validate_created(handle, link, credentials)
    if errors:
        raise InvalidForm(errors)
    now = services.clock.now()
    taken = edit(
        services.sessions,
        submission,
        record="account",
        record_id=account_id,
        version=version,
        now=now,
        change=lambda session: service.record_created(
            session,
            account_id=account_id,
            version=version,
            handle=handle,
            link=link,
            credentials=credentials,
            now=now,
        ),
        again=lambda session: session.get(SchoolAccount, account_id),
    )
    return Account.of(taken.result)


def register(services: Services, roles: Roles, *, user: str) -> Register:
    """Every account for everyone; SLT also see handovers left undone for a week."""
    now = services.clock.now()
    with session_scope(services.sessions) as session:
        listed = tuple(Account.of(a) for a in service.register(session))
        overdue: list[HandoverTask] = []
        if roles.is_slt(user):
            for handover in service.overdue_handovers(session, now=now):
                row = session.get(SchoolAccount, handover.account_id)
                if row is not None:
                    overdue.append(HandoverTask.of(handover, row))
        return Register(accounts=listed, overdue=tuple(overdue))


def left(
    services: Services, roles: Roles | None, *, departed: str, user: str | None, front_end: str
) -> int:
    """Someone has left: a handover opens for each account they were on; how many. `user` is
    the administrator who said so, or None when the platform itself reported it."""
    if user is not None:
        _require(roles is not None and roles.is_admin(user), NOT_ADMIN)
    with session_scope(services.sessions) as session:
        opened = service.people_left(
            session, user=departed, now=services.clock.now(), front_end=front_end
        )
        # The handover sweep sends the administrators their tasks, and reminds them daily.
        return len(opened)


def open_handover(services: Services, roles: Roles, *, handover_id: int, user: str) -> HandoverTask:
    _require(roles.is_admin(user), NOT_ADMIN)
    with session_scope(services.sessions) as session:
        handover = session.get(Handover, handover_id)
        row = session.get(SchoolAccount, handover.account_id) if handover else None
        if handover is None or row is None or handover.done_at is not None:
            raise AccountError(HANDOVER_DONE)
        return HandoverTask.of(handover, row)


def complete_handover(
    services: Services,
    roles: Roles,
    *,
    handover_id: int,
    user: str,
    new_lead: str | None,
    submission: Key | None = None,
) -> HandoverTask:
    """Transfer the account to `new_lead`, or close it when there is none. The same
    `submission` again is answered from the handover it completed."""
    _require(roles.is_admin(user), NOT_ADMIN)
    now = services.clock.now()

    def change(session: Session) -> HandoverTask:
        handover = service.complete_handover(
            session, handover_id=handover_id, user=user, new_lead=new_lead, now=now
        )
        return _task(session, handover)

    def again(session: Session) -> HandoverTask | None:
        handover = session.get(Handover, handover_id)
        return _task(session, handover) if handover is not None else None

    return edit(
        services.sessions,
        submission,
        record="handover",
        record_id=handover_id,
        version=OPEN,
        now=now,
        change=change,
        again=again,
    ).result


def _task(session: Session, handover: Handover) -> HandoverTask:
    row = session.get(SchoolAccount, handover.account_id)
    assert row is not None
    return HandoverTask.of(handover, row)

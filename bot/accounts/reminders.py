"""Handover tasks go to the administrators, and are reminded daily until done."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from bot import sweeps
from bot.accounts.service import HANDOVER_REMINDER_EVERY
from bot.clock import Clock
from bot.ports import DeliveryError, Notifier
from store.models import Handover, SchoolAccount

logger = logging.getLogger(__name__)


def _deliver(session: Session, handover: Handover, notifier: Notifier, clock: Clock) -> int:
    now = clock.now()
    account = session.get(SchoolAccount, handover.account_id)
    if handover.done_at is not None or account is None:
        handover.next_notice_at = None
        return 0
    try:
        notifier.handover_task(handover, account, reminder=handover.reminders_sent)
    except DeliveryError as error:
        logger.warning("handover %s: not delivered, will retry: %s", handover.id, error)
        return 0
    handover.reminders_sent += 1
    handover.next_notice_at = now + HANDOVER_REMINDER_EVERY
    return 1


def sweep(*, sessions: sessionmaker[Session], notifier: Notifier, clock: Clock) -> int:
    return sweeps.sweep(
        sessions=sessions,
        model=Handover,
        now=clock.now(),
        notifier=notifier,
        deliver=lambda session, row, unlocked: _deliver(session, row, unlocked, clock),
    )

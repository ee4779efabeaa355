"""Reminding SLT of the policy's review date: a month before, then weekly once overdue."""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.knowledge.service import review_due, review_reminder_due
from bot.notices import send_once
from bot.policy.document import PolicySet
from bot.ports import DeliveryError, Notifier

logger = logging.getLogger(__name__)


def sweep_review(
    *,
    sessions: sessionmaker[Session],
    notifier: Notifier,
    policies: PolicySet,
    override: date | None,
    zone: ZoneInfo,
    clock: Clock,
) -> int:
    """Send today's review reminder, once, to SLT in every front end that is on."""
    due = review_due(policies, override)
    now = clock.now()
    today = now.astimezone(zone).date()
    kind = review_reminder_due(due, today) if due else None
    if due is None or kind is None:
        return 0
    sent = 0
    for name in notifier.front_ends:
        try:
            sent += send_once(
                sessions=sessions,
                key=f"{kind}:{name}",
                now=now,
                send=partial(notifier.policy_review, front_end=name, due=due, today=today),
            )
        except DeliveryError as error:
            logger.warning("review reminder not delivered to %s, will retry: %s", name, error)
    return sent

"""Drafts waiting for a second opinion are reminded every few hours until someone decides."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from bot import sweeps
from bot.clock import Clock
from bot.ports import DeliveryError, Notifier
from bot.reviews.service import REMIND_EVERY
from store.models import DraftReview

logger = logging.getLogger(__name__)


def _deliver(session: Session, review: DraftReview, notifier: Notifier, clock: Clock) -> int:
    if review.status != "pending":
        review.next_notice_at = None
        return 0
    try:
        notifier.review_reminder(review)
    except DeliveryError as error:
        logger.warning("review %s: reminder not delivered, will retry: %s", review.id, error)
        return 0
    review.reminders_sent += 1
    review.next_notice_at = clock.now() + REMIND_EVERY
    return 1


def sweep(*, sessions: sessionmaker[Session], notifier: Notifier, clock: Clock) -> int:
    return sweeps.sweep(
        sessions=sessions,
        model=DraftReview,
        now=clock.now(),
        notifier=notifier,
        deliver=lambda session, row, unlocked: _deliver(session, row, unlocked, clock),
    )

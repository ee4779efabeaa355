"""Telling SLT which saved answers need a look once the policy has changed.

Each tick flags what was saved against another version (`service.flag_outdated`); the list goes
to SLT once per version and front end (`bot.notices.send_once`, keyed by the version), so a
restart or a second instance never repeats it, and a failed send is tried again next tick.
"""

from __future__ import annotations

import logging
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notices import send_once
from bot.policy.document import PolicySet
from bot.ports import DeliveryError, Notifier
from bot.saved_answers import service
from store.db import session_scope

logger = logging.getLogger(__name__)


def sweep_review(
    *, sessions: sessionmaker[Session], notifier: Notifier, policies: PolicySet, clock: Clock
) -> int:
    """Flag the saved answers an earlier version stood behind, and tell SLT in every front end."""
    now = clock.now()
    with session_scope(sessions) as session:
        flagged = service.flag_outdated(session, version_key=policies.version_key, now=now)
    if not flagged:
        return 0
    sent = 0
    for name in notifier.front_ends:
        try:
            sent += send_once(
                sessions=sessions,
                key=f"saved-answers-review:{policies.version_key}:{name}",
                now=now,
                send=partial(notifier.saved_answers_review, front_end=name, answers=flagged),
            )
        except DeliveryError as error:
            logger.warning("saved answers' review not delivered to %s, will retry: %s", name, error)
    return sent

"""Telling SLT that a new version of the policy is live (or that it was rolled back), in every
front end that is on. A sweep, as the other notices are: the newest switch is announced once per
front end (`bot.notices.send_once`, keyed by the switch), so a second instance or a restart
never repeats it, and a failed send is tried again at the next tick."""

from __future__ import annotations

import logging
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notices import send_once
from bot.policy import versions
from bot.ports import DeliveryError, Notifier
from store.db import read_scope
from store.models import PolicyVersion

logger = logging.getLogger(__name__)


def sweep_live(*, sessions: sessionmaker[Session], notifier: Notifier, clock: Clock) -> int:
    """Announce the newest switch of the live version to SLT, once in each front end."""
    with read_scope(sessions) as session:
        found = versions.switches(session)[:1]
        if not found or found[0].kind == versions.IMPORT:
            return 0  # the first import at set-up is nobody's news
        switch = found[0]
        row = session.get(PolicyVersion, switch.version_id)
        assert row is not None
        file_name, label = row.file_name, row.label
        switch_id, by, where, kind = switch.id, switch.by, switch.front_end, switch.kind
    sent = 0
    for name in notifier.front_ends:
        try:
            sent += send_once(
                sessions=sessions,
                key=f"policy-live:{switch_id}:{name}",
                now=clock.now(),
                send=partial(
                    notifier.policy_live,
                    front_end=name,
                    file_name=file_name,
                    label=label,
                    by=by if where == name else None,  # a person only where they are known
                    rolled_back=kind == versions.ROLLBACK,
                ),
            )
        except DeliveryError as error:
            logger.warning("new policy notice not delivered to %s, will retry: %s", name, error)
    return sent

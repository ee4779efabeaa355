"""What a person does with the policy itself, one function per action for every front end:
confirming they have read it, and SLT seeing who has not, nudging them, and what it fails to
answer."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.knowledge import service
from bot.knowledge.service import Unanswered
from bot.ports import DeliveryError
from bot.roles import Roles
from bot.services import Services
from store.db import session_scope
from store.models import PolicyAcknowledgement

logger = logging.getLogger(__name__)

NOT_SLT = "Only SLT can see who has confirmed the policy, or nudge them."
NOT_SLT_UNANSWERED = "Only SLT can see the questions the policy could not answer."


class NotAllowed(Exception):
    """Someone without the role asked; the message says whose it is."""


@dataclass(frozen=True)
class Acknowledged:
    """Someone's confirmation that they have read a version of the policy."""

    version: str
    at: datetime

    @classmethod
    def of(cls, row: PolicyAcknowledgement) -> Acknowledged:
        return cls(version=row.version, at=row.acknowledged_at)


def require_slt(roles: Roles, user: str, refusal: str = NOT_SLT) -> None:
    """Refuse early, before the front end spends time listing its staff."""
    if not roles.is_slt(user):
        raise NotAllowed(refusal)


def acknowledge(services: Services, *, user: str, front_end: str) -> Acknowledged:
    """Record that `user` has read the current version (once per version)."""
    with session_scope(services.sessions) as session:
        row = service.acknowledge(
            session,
            user_id=user,
            front_end=front_end,
            policies=services.policy.policies,
            now=services.clock.now(),
        )
        return Acknowledged.of(row)


def acknowledgement(services: Services, *, user: str, front_end: str) -> Acknowledged | None:
    """`user`'s confirmation of the current version, if they have given it."""
    with session_scope(services.sessions) as session:
        row = service.acknowledgement(
            session,
            user_id=user,
            front_end=front_end,
            version_key=services.policy.policies.version_key,
        )
        return Acknowledged.of(row) if row is not None else None


def not_acknowledged(
    services: Services, roles: Roles, *, user: str, staff: Sequence[str], front_end: str
) -> list[str]:
    """Which of `staff` have not confirmed the current version, for SLT."""
    require_slt(roles, user)
    with session_scope(services.sessions) as session:
        return service.not_acknowledged(
            session,
            staff=list(staff),
            front_end=front_end,
            version_key=services.policy.policies.version_key,
        )


def nudge(
    services: Services, roles: Roles, *, user: str, people: Sequence[str], front_end: str
) -> list[str]:
    """SLT ask each of `people` (those `not_acknowledged` found) to confirm the current version;
    one unreachable person does not stop the others. Who could not be reached."""
    require_slt(roles, user)
    unreached = []
    for person in people:
        try:
            services.notifier.nudge(person, front_end=front_end, version=services.policy.version)
        except DeliveryError as error:
            logger.warning("policy nudge not delivered: %s", error)
            unreached.append(person)
    return unreached


def unanswered(services: Services, roles: Roles, *, user: str) -> list[Unanswered]:
    """The questions the policy could not answer confidently, most asked first, for SLT."""
    require_slt(roles, user, NOT_SLT_UNANSWERED)
    with session_scope(services.sessions) as session:
        return service.unanswered(session)

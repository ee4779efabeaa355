"""SLT and the account administrators asking whether the bot is working, from any front end."""

from __future__ import annotations

from bot.health import service
from bot.health.service import HealthReport
from bot.knowledge.service import review_due
from bot.roles import Roles
from bot.services import Services
from store.db import read_scope

NOT_ALLOWED = "Only SLT and the school's account administrators can see the bot's health."


class NotAllowed(Exception):
    """Someone without the role asked; the message says whose it is."""


def may_see(roles: Roles, user: str) -> bool:
    return roles.is_slt(user) or roles.is_admin(user)


def health(services: Services, roles: Roles, *, user: str) -> HealthReport:
    """The bot's health as the database has it, for SLT and administrators."""
    if not may_see(roles, user):
        raise NotAllowed(NOT_ALLOWED)
    now = services.clock.now()
    setup = services.health
    policy = service.policy_review(
        version=services.policy.version,
        due=review_due(services.policy.policies, setup.review_override()),
        today=now.astimezone(services.zone).date(),
    )
    problems = setup.problems()
    with read_scope(services.sessions) as session:
        return service.report(session, now=now, policy=policy, problems=problems)

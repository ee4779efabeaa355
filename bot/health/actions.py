"""SLT and the account administrators asking whether the bot is working, from any front end."""

from __future__ import annotations

from bot.health import service
from bot.health.service import HealthReport, Problem
from bot.knowledge.service import review_due
from bot.roles import Roles
from bot.services import Services
from bot.setup.actions import missing
from store.db import read_scope

NOT_ALLOWED = "Only SLT and the school's account administrators can see the bot's health."
FIX = "Set it in the bot's settings (App Home in Slack, the settings message in Teams)"


class NotAllowed(Exception):
    """Someone without the role asked; the message says whose it is."""


def may_see(roles: Roles, user: str) -> bool:
    return roles.is_slt(user) or roles.is_admin(user)


def problems(services: Services, front_end: str) -> list[Problem]:
    """What the set-up lacks on the asker's front end, each fixed in the settings."""
    return [
        Problem(gap.missing, gap.why, FIX, str(gap.form)) for gap in missing(services, front_end)
    ]


def health(services: Services, roles: Roles, *, user: str, front_end: str) -> HealthReport:
    """The bot's health as the database has it, for SLT and administrators."""
    if not may_see(roles, user):
        raise NotAllowed(NOT_ALLOWED)
    now = services.clock.now()
    policy = service.policy_review(
        version=services.policy.version,
        due=review_due(services.policy.policies, services.settings.policy_review_due),
        today=now.astimezone(services.zone).date(),
    )
    found = problems(services, front_end)
    with read_scope(services.sessions) as session:
        return service.report(session, now=now, policy=policy, problems=found)

"""The bot's health in Slack: a part of App Home and `/socialpolicy health`, for SLT and the
account administrators (`bot.health.actions`), drawn from `handlers.present.health`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk.models.blocks import Block, DividerBlock

from bot.health import actions
from bot.health.actions import NotAllowed
from bot.services import Services
from handlers.present import health as present
from handlers.slack import render
from handlers.slack.ids import FRONT_END
from handlers.slack.views.common import ephemeral_text


def home_blocks(services: Services, user: str) -> list[Block]:
    """App Home's health part: nothing for anyone but SLT and the administrators."""
    if not actions.may_see(services.roles, user):
        return []
    report = actions.health(services, services.roles, user=user, front_end=FRONT_END)
    return [DividerBlock(), *render.blocks(present.health_card(report, zone=services.zone))]


def command(ack: Ack, command: dict[str, Any], services: Services) -> None:
    """`/socialpolicy health`, answered privately."""
    try:
        report = actions.health(
            services, services.roles, user=command["user_id"], front_end=FRONT_END
        )
    except NotAllowed as refused:
        ack(**ephemeral_text(str(refused)))
        return
    ack(**render.render(present.health_card(report, zone=services.zone)))

"""The bot's health in Teams: the `health` command in a personal chat, for SLT and the account
administrators. The same action (`bot.health.actions`) and card (`handlers.present.health`) as
Slack's App Home and `/socialpolicy health`."""

from __future__ import annotations

import asyncio
from typing import Any

from microsoft_teams.apps import ActivityContext

from bot.health import actions
from bot.health.actions import NotAllowed
from bot.roles import Roles
from bot.services import Services
from handlers.present import health as present
from handlers.teams import cards, render
from handlers.teams.base import FRONT_END
from handlers.teams.conversations import TeamsDirectory

PERSONAL_ONLY = "Ask me for **health** in a personal chat (open Social Policy under Chat)."


class TeamsHealth:
    def __init__(self, services: Services, roles: Roles, directory: TeamsDirectory) -> None:
        self.services = services
        self.roles = roles
        self.directory = directory

    async def command(self, ctx: ActivityContext[Any], user: str) -> cards.Card:
        """The `health` message: refused to anyone but SLT and administrators, and shown only
        in a personal chat, where nobody else reads it."""
        try:
            report = await asyncio.to_thread(
                actions.health, self.services, self.roles, user=user, front_end=FRONT_END
            )
        except NotAllowed as refused:
            return cards.note_card(str(refused))
        if (ctx.activity.conversation.conversation_type or "personal") != "personal":
            return cards.note_card(PERSONAL_ONLY)
        card = present.health_card(report, zone=self.services.zone)
        return render.render(card, self.directory.name)

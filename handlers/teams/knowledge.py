"""The policy in Teams: staff confirming it; SLT seeing who has not, nudging them, and the
questions it could not answer. The same actions as Slack (`bot.knowledge.actions`) and the same
cards (`handlers.present.knowledge`).

Staff are whoever Teams rosters show (see `roster`); the list and the nudge each fetch them
afresh, so someone who confirmed a moment ago is neither listed nor nudged.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor

from microsoft_teams.api import ApiClient

from bot.knowledge import actions
from bot.knowledge.actions import NotAllowed
from bot.ports import DeliveryError
from bot.roles import Roles
from bot.services import Services
from handlers.present import knowledge as present
from handlers.present.model import Card
from handlers.present.verbs import KnowledgeAction
from handlers.teams import cards, render
from handlers.teams.base import FRONT_END, TeamsTurns
from handlers.teams.conversations import TeamsDirectory
from handlers.teams.notifier import TeamsNotifier
from handlers.teams.roster import Roster, staff

logger = logging.getLogger(__name__)
# Each button's verb, and the names cards sent before the verbs were shared with Slack.
NUDGE = (KnowledgeAction.NUDGE, "policy.nudge")
ACKNOWLEDGE = (KnowledgeAction.ACKNOWLEDGE, "policy.acknowledge")


class TeamsAcknowledgements(TeamsTurns):
    def __init__(
        self,
        services: Services,
        roles: Roles,
        notifier: TeamsNotifier,
        directory: TeamsDirectory,
        follow_ups: Executor,
        *,
        api: ApiClient,
    ) -> None:
        super().__init__(services, roles, notifier, directory, follow_ups)
        self.api = api
        self._nudging: set[asyncio.Task[None]] = set()  # held, so a running nudge is not lost

    def _name(self, user: str) -> str:
        return self.directory.name(user, default=user)

    def _card(self, card: Card) -> cards.Card:
        return render.render(card, self._name)

    async def acknowledge(self, user: str) -> cards.Card:
        """The `acknowledge` message, and the nudge's button."""
        confirmed = await asyncio.to_thread(
            actions.acknowledge, self.services, user=user, front_end=FRONT_END
        )
        return self._card(present.acknowledged_card(confirmed, zone=self.zone))

    async def unanswered(self, user: str) -> cards.Card:
        """The `unanswered` command."""
        try:
            rows = await asyncio.to_thread(actions.unanswered, self.services, self.roles, user=user)
        except NotAllowed as refused:
            return cards.note_card(str(refused))
        return self._card(present.unanswered_card(rows, zone=self.zone))

    async def _outstanding(self, user: str) -> tuple[list[str], Roster]:
        actions.require_slt(self.roles, user)
        roster = await staff(self.api, self.directory)
        missing = await asyncio.to_thread(
            actions.not_acknowledged,
            self.services,
            self.roles,
            user=user,
            staff=roster.staff,
            front_end=FRONT_END,
        )
        return missing, roster

    async def outstanding(self, user: str) -> cards.Card:
        """The `acknowledgements` command."""
        try:
            missing, roster = await self._outstanding(user)
        except NotAllowed as refused:
            return cards.note_card(str(refused))
        card = present.outstanding_card(
            missing,
            total=len(roster.staff),
            version=self.services.policy.version,
            unlisted=roster.unlisted,
        )
        return self._card(card)

    async def nudge(self, user: str) -> cards.Card:
        """The **Nudge them** button. A DM each can take a while for a whole staff, longer than
        Teams waits for a button's answer: they go out in the background, and the clicker hears
        how it went in their personal chat."""
        try:
            missing, roster = await self._outstanding(user)
        except NotAllowed as refused:
            return cards.note_card(str(refused))
        if not missing:
            return cards.note_card(present.NOBODY_TO_NUDGE)
        task = asyncio.create_task(self._nudge_all(user, missing, roster))
        self._nudging.add(task)
        task.add_done_callback(self._nudging.discard)
        return cards.note_card(present.nudging(len(missing)))

    async def _nudge_all(self, user: str, missing: list[str], roster: Roster) -> None:
        try:
            unreached = await asyncio.to_thread(
                actions.nudge,
                self.services,
                self.roles,
                user=user,
                people=missing,
                front_end=FRONT_END,
            )
            report = present.nudged_card(
                len(missing) - len(unreached), unreached, unlisted=roster.unlisted
            )
            await asyncio.to_thread(self.notifier.direct_message, user, self._card(report))
        except DeliveryError as error:
            logger.warning("the nudge's report could not be delivered: %s", error)
        except Exception:
            logger.exception("nudging staff failed")

"""SLT's view in Teams of who has not confirmed the current policy, and the nudge that DMs them.

Staff are whoever Teams rosters show (see `roster`); the list and the nudge each fetch them
afresh, so someone who confirmed a moment ago is neither listed nor nudged.
"""

from __future__ import annotations

import asyncio
import logging

from microsoft_teams.api import ApiClient

from bot.knowledge import service as knowledge
from bot.ports import DeliveryError
from bot.roles import Roles
from bot.services import Services
from handlers.teams import cards
from handlers.teams.base import FRONT_END, TeamsTurns
from handlers.teams.conversations import TeamsDirectory
from handlers.teams.notifier import TeamsNotifier
from handlers.teams.roster import Roster, staff

logger = logging.getLogger(__name__)
NUDGE = "policy.nudge"
ACKNOWLEDGE = "policy.acknowledge"
NOT_SLT = "Only SLT can see who has confirmed the policy, or nudge them."
SHOWN = 60  # names on a card; the count covers the rest


class TeamsAcknowledgements(TeamsTurns):
    def __init__(
        self,
        services: Services,
        roles: Roles,
        notifier: TeamsNotifier,
        directory: TeamsDirectory,
        *,
        api: ApiClient,
    ) -> None:
        super().__init__(services, roles, notifier, directory)
        self.api = api
        self._nudging: set[asyncio.Task[None]] = set()  # held, so a running nudge is not lost

    def _name(self, user: str) -> str:
        return self.directory.name(user, default=user)

    async def _outstanding(self) -> tuple[list[str], Roster]:
        roster = await staff(self.api, self.directory)
        version_key = self.services.policy.policies.version_key
        missing: list[str] = await self._db(
            lambda s: knowledge.not_acknowledged(
                s, staff=roster.staff, front_end=FRONT_END, version_key=version_key
            )
        )
        return missing, roster

    async def outstanding(self, user: str) -> cards.Card:
        """The `acknowledgements` command."""
        if not self.roles.is_slt(user):
            return cards.note_card(NOT_SLT)
        missing, roster = await self._outstanding()
        return outstanding_card(
            missing, roster, version=self.services.policy.version, name=self._name
        )

    async def nudge(self, user: str) -> cards.Card:
        """The **Nudge them** button. A DM each can take a while for a whole staff, longer than
        Teams waits for a button's answer: they go out in the background, and the clicker hears
        how it went in their personal chat."""
        if not self.roles.is_slt(user):
            return cards.note_card(NOT_SLT)
        missing, roster = await self._outstanding()
        if not missing:
            return cards.note_card("Everyone has confirmed the current policy: nobody to nudge.")
        task = asyncio.create_task(self._nudge_all(user, missing, roster))
        self._nudging.add(task)
        task.add_done_callback(self._nudging.discard)
        return cards.note_card(
            f"Nudging {len(missing)} member{'s' if len(missing) != 1 else ''} of staff; "
            "I'll tell you in our chat when it's done."
        )

    async def _nudge_all(self, user: str, missing: list[str], roster: Roster) -> None:
        reminder = nudge_card(version=self.services.policy.version)
        try:
            unreached = await asyncio.to_thread(self._send_each, missing, reminder)
            report = nudged_card(len(missing) - len(unreached), unreached, roster, name=self._name)
            await asyncio.to_thread(self.notifier.direct_message, user, report)
        except DeliveryError as error:
            logger.warning("the nudge's report could not be delivered: %s", error)
        except Exception:
            logger.exception("nudging staff failed")

    def _send_each(self, people: list[str], content: cards.Card) -> list[str]:
        """DM each in turn; one unreachable person must not stop the others."""
        unreached = []
        for person in people:
            try:
                self.notifier.direct_message(person, content)
            except DeliveryError as error:
                logger.warning("policy nudge not delivered: %s", error)
                unreached.append(person)
        return unreached


def _names(people: list[str], name: cards.Name) -> str:
    listing = "\n".join(f"- {cards.plain(name(u))}" for u in people[:SHOWN])
    more = f"\n- …and {len(people) - SHOWN} more" if len(people) > SHOWN else ""
    return listing + more


def _unlisted(roster: Roster) -> list[cards.Card]:
    if not roster.unlisted:
        return []
    return [
        cards.text(
            f"⚠️ I could not list the members of {roster.unlisted} of the conversations I am in, "
            "so some staff may be missing here. Try again later.",
            color="Warning",
        )
    ]


def outstanding_card(
    missing: list[str], roster: Roster, *, version: str, name: cards.Name
) -> cards.Card:
    total = len(roster.staff)
    body = [
        cards.heading("Who has confirmed the policy"),
        cards.text(
            f"**{total - len(missing)} of {total}** staff have confirmed the current policy "
            f"({cards.plain(version)})."
        ),
    ]
    if missing:
        body.append(cards.text(f"Not yet confirmed:\n{_names(missing, name)}"))
    elif not total:
        body.append(cards.text("I know of no staff in Teams yet: add me to the school's teams."))
    body += _unlisted(roster)
    return cards.card(*body, actions=[cards.execute("Nudge them", NUDGE)] if missing else [])


def nudge_card(*, version: str) -> cards.Card:
    return cards.card(
        cards.text(
            "SLT ask every member of staff to read the school's social networking policy "
            f"({cards.plain(version)}) and confirm it. Type **topics** here to see its sections, "
            "or ask me a question about it."
        ),
        actions=[cards.execute("I've read it", ACKNOWLEDGE)],
    )


def nudged_card(
    nudged: int, unreached: list[str], roster: Roster, *, name: cards.Name
) -> cards.Card:
    body = [cards.text(f"Nudged {nudged} member{'s' if nudged != 1 else ''} of staff.")]
    if unreached:
        body.append(
            cards.text(
                f"{len(unreached)} could not be reached in Teams:\n{_names(unreached, name)}"
            )
        )
    return cards.card(*body, *_unlisted(roster))

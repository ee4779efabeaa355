"""Who counts as staff in Teams: the members of the teams and group chats the bot is in, and
the people who chat with it; never guests or bots. The Bot Connector gives rosters page by page."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import httpx
from microsoft_teams.api import ApiClient, TeamsChannelAccount

from handlers.teams.conversations import Person, TeamsDirectory

logger = logging.getLogger(__name__)
PAGE_SIZE = 500  # the most the Bot Connector gives at once
NOT_STAFF = frozenset({"guest", "anonymous"})


@dataclass(frozen=True)
class Roster:
    staff: list[str]  # Entra object ids, each once
    unlisted: int  # conversations whose members could not be fetched: the list may be short


async def staff(api: ApiClient, directory: TeamsDirectory) -> Roster:
    """Everyone who should know the policy, as far as Teams can tell; names are kept for cards."""
    people: dict[str, Person] = {}
    guests: set[str] = set()
    unlisted = 0
    for ref in await asyncio.to_thread(directory.shared):
        try:
            members = await _members(api.clone(service_url=ref.service_url), ref.conversation.id)
        except (httpx.HTTPError, OSError, ValueError) as error:
            logger.warning("could not list the members of %s: %s", ref.conversation.id, error)
            unlisted += 1
            continue
        for member in members:
            if not member.aad_object_id or member.id.startswith("28:"):  # a bot
                continue
            who = member.aad_object_id.lower()
            if (member.user_role or "").lower() in NOT_STAFF:
                guests.add(who)
            else:
                people.setdefault(who, Person(user_id=who, account_id=member.id, name=member.name))
    await asyncio.to_thread(directory.remember_people, people.values())
    chatting = [u for u in await asyncio.to_thread(directory.personal_users) if u not in people]
    everyone = [u for u in [*people, *chatting] if u not in guests]
    return Roster(staff=everyone, unlisted=unlisted)


async def _members(api: ApiClient, conversation_id: str) -> list[TeamsChannelAccount]:
    members: list[TeamsChannelAccount] = []
    token: str | None = None
    while True:
        page = await api.conversations.get_paged_members(conversation_id, PAGE_SIZE, token)
        members += page.members
        token = page.continuation_token
        if not token:
            return members

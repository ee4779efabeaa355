"""SLT managing the policy in Teams: a file sent to the bot in its personal chat (Teams hands
it over as a download link) is read and previewed (Confirm / Cancel); `policy versions` lists
the versions with Roll back. The same actions as Slack (`bot.policy.actions`, which refuse
anyone not SLT) and the same cards (`handlers.present.policy_versions`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from typing import Any

import httpx
from microsoft_teams.api import ApiClient, Attachment

from bot.knowledge import actions as knowledge
from bot.policy import actions
from bot.policy.actions import MAX_BYTES, PolicyChangeError, Switched, Unreadable, too_big
from bot.roles import Roles
from bot.services import Services
from handlers.present import policy_versions as present
from handlers.present.model import Card
from handlers.present.verbs import PolicyVersionAction
from handlers.teams import cards, render
from handlers.teams.base import FRONT_END, TeamsTurns, record_id
from handlers.teams.conversations import TeamsDirectory
from handlers.teams.notifier import TeamsNotifier
from handlers.teams.roster import staff

logger = logging.getLogger(__name__)

FILE_DOWNLOAD = "application/vnd.microsoft.teams.file.download.info"
VERBS = frozenset(PolicyVersionAction) - {PolicyVersionAction.UPLOAD}
NOT_FETCHED = "I couldn't fetch that file from Teams. Nothing was changed: please send it again."
ONE_FILE = "Send me one policy file at a time. Nothing was changed."
PERSONAL_ONLY = "Send me a new policy file in our personal chat, not here. Nothing was changed."

Fetch = Callable[[str], Awaitable[bytes]]
"""Fetches a file Teams handed over, at most `MAX_BYTES` (raising `Unreadable` beyond)."""


async def fetch(url: str) -> bytes:
    """A file's bytes from the download link Teams gives the bot (pre-authorised, short-lived)."""
    try:
        async with (
            httpx.AsyncClient(timeout=30, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            response.raise_for_status()
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    break
    except (httpx.HTTPError, OSError) as error:
        logger.warning("could not fetch an uploaded policy file: %s", error)
        raise Unreadable(NOT_FETCHED) from None
    return bytes(data)


def sent_files(attachments: Sequence[Attachment] | None) -> list[Attachment]:
    """The files in a message (not the cards or pictures Teams also sends as attachments)."""
    return [a for a in attachments or [] if a.content_type == FILE_DOWNLOAD]


class PolicyVersionListeners(TeamsTurns):
    def __init__(
        self,
        services: Services,
        roles: Roles,
        notifier: TeamsNotifier,
        directory: TeamsDirectory,
        follow_ups: Executor,
        *,
        api: ApiClient,
        fetcher: Fetch = fetch,
    ) -> None:
        super().__init__(services, roles, notifier, directory, follow_ups)
        self.api = api
        self.fetch = fetcher

    def _card(self, card: Card) -> cards.Card:
        return render.render(card, self.directory.name)

    def _said(self, text: str) -> cards.Card:
        return self._card(present.said_card(text))

    async def upload(self, files: list[Attachment], user: str, *, personal: bool) -> cards.Card:
        """A file sent to the bot: its preview, or why there is none."""
        try:
            actions.require_slt(self.roles, user)  # before fetching anything
            if not personal:
                raise Unreadable(PERSONAL_ONLY)
            if len(files) != 1:
                raise Unreadable(ONE_FILE)
            sent = files[0]
            content = sent.content if isinstance(sent.content, dict) else {}
            url = str(content.get("downloadUrl") or "")
            size = str(content.get("size") or "")
            refused = too_big(int(size) if size.isdigit() and len(size) < 16 else 0)
            if refused:
                raise Unreadable(refused)
            if not url.startswith(("https://", "http://")):
                raise Unreadable(NOT_FETCHED)
            data = await self.fetch(url)
            refused = too_big(len(data))
            if refused:
                raise Unreadable(refused)
            preview = await asyncio.to_thread(
                actions.upload,
                self.services,
                self.roles,
                user=user,
                front_end=FRONT_END,
                file_name=sent.name or "policy",
                data=data,
            )
        except PolicyChangeError as refused:
            return self._said(str(refused))
        return self._card(present.preview_card(preview))

    async def versions(self, user: str) -> cards.Card:
        """The `policy versions` command."""
        try:
            entries = await asyncio.to_thread(actions.listing, self.services, self.roles, user=user)
        except PolicyChangeError as refused:
            return self._said(str(refused))
        card = present.versions_card(entries, zone=self.zone, upload_hint=present.UPLOAD_HINT)
        return self._card(card)

    async def act(self, verb: str, data: dict[str, Any], user: str) -> cards.Card:
        """Confirm or Cancel on a preview, Roll back on the list."""
        version = record_id(data, "version")
        try:
            if verb == PolicyVersionAction.CANCEL:
                name = await asyncio.to_thread(
                    actions.cancel, self.services, self.roles, user=user, version_id=version
                )
                return self._card(present.cancelled_card(name))
            switch = actions.roll_back if verb == PolicyVersionAction.ROLL_BACK else actions.confirm
            switched = await asyncio.to_thread(
                switch,
                self.services,
                self.roles,
                user=user,
                front_end=FRONT_END,
                version_id=version,
            )
        except PolicyChangeError as refused:
            return self._said(str(refused))
        return self._card(await self._live(switched, user))

    async def _live(self, switched: Switched, user: str) -> Card:
        """Live now: with how many staff have still to confirm they have read this version."""
        roster = await staff(self.api, self.directory)
        missing = await asyncio.to_thread(
            knowledge.not_acknowledged,
            self.services,
            self.roles,
            user=user,
            staff=roster.staff,
            front_end=FRONT_END,
        )
        return present.live_card(switched, missing=len(missing), total=len(roster.staff))

"""Reports in Teams: `report-csv <from> <to>` as a file for SLT, and the weekly digest's card.

A bot can send a file only in a personal chat, and only with the user's consent: it offers a
file consent card; on accept Teams gives a one-time upload URL in the user's OneDrive, the bot
puts the bytes there and shows the file. Only the period travels in the card; the CSV is built
again on accept, for someone checked again to be SLT, so nothing waits in memory in between.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from typing import Any

import httpx
from microsoft_teams.api import (
    Attachment,
    FileConsentCard,
    FileConsentInvokeActivity,
    FileInfoCard,
    FileUploadInfo,
    MessageActivityInput,
)
from microsoft_teams.api.models.action import Action
from microsoft_teams.apps import ActivityContext
from microsoft_teams.cards import AdaptiveCard

from bot.reports import actions
from bot.reports.figures import Figures
from bot.reports.period import Period, PeriodError, parse_period
from bot.roles import Roles
from bot.services import Services
from handlers.present import digest
from handlers.present.rota import WATCH_TITLE, coverage_lines
from handlers.teams import cards, render

logger = logging.getLogger(__name__)
FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
UPLOAD_TIMEOUT_SECONDS = 30
EXAMPLE = "For example: **report-csv 2026-09-01 2026-12-18**."
PERSONAL_ONLY = (
    "Teams lets me send files only in a personal chat: ask me there (open Social Policy "
    "under Chat) with **report-csv** and the two dates."
)
DECLINED = "Declined: the report was not sent, and nothing of it was kept."
STALE = "That report offer can no longer be used; ask again with **report-csv** and two dates."
UPLOAD_FAILED = "The report could not be saved to your OneDrive just now; please ask again."


def _note(message: str) -> MessageActivityInput:
    return MessageActivityInput().add_card(AdaptiveCard.model_validate(cards.note_card(message)))


class TeamsReports:
    def __init__(self, services: Services, roles: Roles) -> None:
        self.services = services
        self.roles = roles

    async def _csv(self, user: str, period: Period) -> bytes:
        """The report as it stands now (in a worker thread: the domain is synchronous)."""
        content = await asyncio.to_thread(
            actions.csv, self.services, self.roles, user=user, period=period
        )
        return content.encode()

    async def request(self, ctx: ActivityContext[Any], arguments: str, user: str) -> None:
        """`report-csv <from> <to>`: SLT are offered the CSV as a file in their personal chat."""
        try:
            period = actions.period(self.roles, user=user, arguments=arguments)
        except actions.NotAllowed as refused:
            await ctx.send(_note(str(refused)))
            return
        except PeriodError as error:
            await ctx.send(_note(f"{error} {EXAMPLE}"))
            return
        if (ctx.activity.conversation.conversation_type or "personal") != "personal":
            await ctx.send(_note(PERSONAL_ONLY))
            return
        size = len(await self._csv(user, period))
        context = {"report": "csv", "from": period.first.isoformat(), "to": period.last.isoformat()}
        offer = FileConsentCard(
            description=period.title,
            size_in_bytes=size,
            accept_context=context,
            decline_context=context,
        )
        await ctx.send(
            MessageActivityInput().add_attachments(
                Attachment(content_type=FILE_CONSENT, name=period.filename, content=offer)
            )
        )

    async def file_consent(
        self, ctx: ActivityContext[FileConsentInvokeActivity], user: str
    ) -> None:
        """The user's answer to the consent card: on accept, the CSV is built and uploaded."""
        answer = ctx.activity.value
        if answer.action != Action.ACCEPT:
            await ctx.send(_note(DECLINED))
            return
        try:
            actions.require_slt(self.roles, user)
        except actions.NotAllowed as refused:
            await ctx.send(_note(str(refused)))
            return
        context = answer.context if isinstance(answer.context, dict) else {}
        info = answer.upload_info
        try:
            period = parse_period(f"{context.get('from')} {context.get('to')}")
        except PeriodError:
            period = None
        if period is None or info is None or not info.upload_url:
            await ctx.send(_note(STALE))
            return
        content = await self._csv(user, period)
        try:
            await _upload(info.upload_url, content)
        except httpx.HTTPError as error:
            logger.warning("report-csv: the upload to the user's OneDrive failed: %s", error)
            await ctx.send(_note(UPLOAD_FAILED))
            return
        await ctx.send(MessageActivityInput().add_attachments(_file_info(info)))


async def _upload(url: str, content: bytes) -> None:
    """One PUT of the whole file to the upload session Teams opened in the user's OneDrive.

    A plain client, not the SDK's: the URL carries its own credential and must not get the
    bot's token.
    """
    async with httpx.AsyncClient(timeout=UPLOAD_TIMEOUT_SECONDS) as http:
        response = await http.put(
            url,
            content=content,
            headers={"Content-Range": f"bytes 0-{len(content) - 1}/{len(content)}"},
        )
        response.raise_for_status()


def _file_info(info: FileUploadInfo) -> Attachment:
    """The uploaded file as Teams shows it in the chat, opening from the user's OneDrive."""
    return Attachment(
        content_type=FILE_INFO,
        content_url=info.content_url,
        name=info.name,
        content=FileInfoCard(unique_id=info.unique_id, file_type=info.file_type),
    )


# The weekly digest -------------------------------------------------------------------------


def digest_card(figures: Figures, name: render.Name = str) -> cards.Card:
    """The same figures and words as Slack's digest, from the same `Figures`; people (in the
    watch's coverage) shown by `name`."""
    lines = [f"- {digest.render(line, '**')}" for line in digest.digest_lines(figures)]
    body = [cards.heading(digest.TITLE), cards.text("\n".join(lines))]
    if figures.coverage:
        watched = "\n".join(
            f"- {render.text(line, name)}" for line in coverage_lines(figures.coverage)
        )
        body += [cards.text(WATCH_TITLE, weight="Bolder"), cards.text(watched)]
    asked = digest.unanswered(figures)
    if asked:
        listed = "\n".join(f"- {times} “{cards.plain(text)}”" for times, text in asked)
        body += [cards.text(digest.UNANSWERED, weight="Bolder"), cards.text(listed)]
    schools = digest.trust_lines(figures)
    if schools:
        listed = "\n".join(f"- **{cards.plain(name)}**: {said}" for name, said in schools)
        body += [cards.text(digest.TRUST, weight="Bolder"), cards.text(listed)]
    body.append(cards.subtle(digest.period(figures)))
    return cards.card(*body)


def chart_attachment(png: bytes) -> Attachment:
    """The chart as an inline image: a data URI, since the bot has nowhere to host it."""
    return Attachment(
        content_type="image/png",
        content_url="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        name="response-times.png",
    )

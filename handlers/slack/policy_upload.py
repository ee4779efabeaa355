"""SLT managing the policy in Slack: a file sent to the bot in a direct message, or uploaded
from App Home's form, is read and previewed (Confirm / Cancel); `/socialpolicy policy versions`
lists the versions with Roll back. Each listener calls one function of `bot.policy.actions`
(which refuse anyone not SLT) and shows `handlers.present.policy_versions`' card."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.knowledge import actions as knowledge
from bot.policy import actions
from bot.policy.actions import MAX_BYTES, PolicyChangeError, Switched, Unreadable, too_big
from bot.services import Services
from handlers.present import policy_versions as present
from handlers.present.model import Card
from handlers.present.verbs import PolicyVersionAction
from handlers.slack import render
from handlers.slack.ids import FRONT_END, PolicyCallback
from handlers.slack.knowledge import staff
from handlers.slack.views.policy_versions import FILE, upload_modal

logger = logging.getLogger(__name__)

UPLOAD_HINT = (
    "To upload a new version, send me the file (.pdf, .docx, .md, .txt or .html) in a direct "
    "message, or use Upload a new policy on my Home tab: I'll show you what changes before "
    "anything does."
)
DM_HINT = (
    "Ask me about the policy with /socialpolicy <question>. SLT can send me a new version of "
    "the policy here as a file."
)
NOT_FETCHED = "I couldn't fetch that file from Slack. Nothing was changed: please send it again."
ONE_FILE = "Send me one policy file at a time. Nothing was changed."


def register(app: App, services: Services) -> None:
    app.event("message")(lambda event, client: direct_message(event, client, services))
    app.action(PolicyVersionAction.UPLOAD)(
        lambda ack, body, client: open_upload(ack, body, client, services)
    )
    app.view(PolicyCallback.UPLOAD)(
        lambda ack, body, view, client: submit_upload(ack, body, view, client, services)
    )
    app.action(PolicyVersionAction.CONFIRM)(
        lambda ack, body, action, client, respond: confirm(
            ack, body, action, client, respond, services
        )
    )
    app.action(PolicyVersionAction.CANCEL)(
        lambda ack, body, action, respond: cancel(ack, body, action, respond, services)
    )
    app.action(PolicyVersionAction.ROLL_BACK)(
        lambda ack, body, action, client, respond: roll_back(
            ack, body, action, client, respond, services
        )
    )


def versions_command(ack: Ack, command: dict[str, Any], services: Services) -> None:
    """`/socialpolicy policy versions`, privately."""
    try:
        entries = actions.listing(services, services.roles, user=command["user_id"])
    except PolicyChangeError as refused:
        ack(**_said(str(refused)))
        return
    card = present.versions_card(entries, zone=services.zone, upload_hint=UPLOAD_HINT)
    ack(**render.render(card))


def _said(text: str) -> dict[str, Any]:
    return render.render(present.said_card(text))


# A file sent in a direct message ---------------------------------------------------------


def direct_message(event: dict[str, Any], client: WebClient, services: Services) -> None:
    """A message in the bot's DM: a file is a new version to preview; anything else a hint."""
    if event.get("channel_type") != "im" or event.get("bot_id"):
        return
    if event.get("subtype") not in (None, "file_share"):
        return  # edits, deletions, joins: nothing to answer
    channel, user = event["channel"], event.get("user") or ""
    files = event.get("files") or []
    if not files:
        client.chat_postMessage(channel=channel, **_said(DM_HINT))
        return
    client.chat_postMessage(channel=channel, **_preview(files, user, client, services))


def _preview(
    files: list[dict[str, Any]], user: str, client: WebClient, services: Services
) -> dict[str, Any]:
    """The preview of the one file sent, or why there is none."""
    try:
        actions.require_slt(services.roles, user)  # before fetching anything
        if len(files) != 1:
            raise Unreadable(ONE_FILE)
        file = files[0]
        preview = actions.upload(
            services,
            services.roles,
            user=user,
            front_end=FRONT_END,
            file_name=str(file.get("name") or file.get("title") or "policy"),
            data=download(client, file),
        )
    except PolicyChangeError as refused:
        return _said(str(refused))
    return render.render(present.preview_card(preview))


def download(client: WebClient, file: dict[str, Any]) -> bytes:
    """A file shared with the bot, fetched with its token; at most `MAX_BYTES`."""
    refused = too_big(int(file.get("size") or 0))
    if refused:
        raise Unreadable(refused)
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    if not _slacks(url, client):
        logger.warning("an uploaded policy file's address is not Slack's: not fetched")
        raise Unreadable(NOT_FETCHED)
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    opener = urllib.request.build_opener(_SlackOnly(client))
    try:
        with opener.open(request, timeout=30) as response:
            data: bytes = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError) as error:
        logger.warning("could not fetch an uploaded policy file: %s", error)
        raise Unreadable(NOT_FETCHED) from None
    refused = too_big(len(data))
    if refused:
        raise Unreadable(refused)
    return data


def _slacks(url: str, client: WebClient) -> bool:
    """Whether `url` is Slack's (its file servers, or the Web API's host the bot is pointed at):
    the bot's token goes nowhere else."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    api = urlsplit(client.base_url)
    if parts.scheme == api.scheme and host == (api.hostname or "").lower():
        return True
    return parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))


class _SlackOnly(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to Slack: the request carries the bot's token."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if not _slacks(newurl, self.client):
            raise urllib.error.URLError("redirected away from Slack")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# The form on App Home ------------------------------------------------------------------


def open_upload(ack: Ack, body: dict[str, Any], client: WebClient, services: Services) -> None:
    ack()
    if not services.roles.is_slt(body["user"]["id"]):
        return  # the button is only on SLT's Home tab
    client.views_open(trigger_id=body["trigger_id"], view=upload_modal())


def submit_upload(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    """The form closes at once; the preview (or why there is none) comes in our DM."""
    files = (view["state"]["values"].get(FILE, {}).get(FILE) or {}).get("files") or []
    if not files:
        ack(response_action="errors", errors={FILE: present.NO_FILE})
        return
    ack()
    user = body["user"]["id"]
    reply = _preview(files, user, client, services)
    channel = client.conversations_open(users=user)["channel"]["id"]
    client.chat_postMessage(channel=channel, **reply)


# The preview's buttons, and Roll back ----------------------------------------------------


def _version(action: dict[str, Any]) -> int:
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() and len(value) < 10 else 0


def confirm(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    user = body["user"]["id"]
    try:
        switched = actions.confirm(
            services, services.roles, user=user, front_end=FRONT_END, version_id=_version(action)
        )
    except PolicyChangeError as refused:
        respond(**_said(str(refused)), response_type="ephemeral", replace_original=False)
        return
    respond(**render.render(_live_card(switched, user, client, services)), replace_original=True)


def cancel(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    try:
        name = actions.cancel(
            services, services.roles, user=body["user"]["id"], version_id=_version(action)
        )
    except PolicyChangeError as refused:
        respond(**_said(str(refused)), response_type="ephemeral", replace_original=False)
        return
    respond(**render.render(present.cancelled_card(name)), replace_original=True)


def roll_back(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    user = body["user"]["id"]
    try:
        switched = actions.roll_back(
            services, services.roles, user=user, front_end=FRONT_END, version_id=_version(action)
        )
    except PolicyChangeError as refused:
        respond(**_said(str(refused)), response_type="ephemeral", replace_original=False)
        return
    card = _live_card(switched, user, client, services)
    respond(**render.render(card), response_type="ephemeral", replace_original=False)


def _live_card(switched: Switched, user: str, client: WebClient, services: Services) -> Card:
    """Live now: with how many staff have still to confirm they have read this version."""
    try:
        everyone = staff(client)
    except (SlackApiError, SlackClientError, OSError) as error:
        logger.warning("could not list staff after a policy change: %s", error)
        everyone = []
    missing = knowledge.not_acknowledged(
        services, services.roles, user=user, staff=everyone, front_end=FRONT_END
    )
    return present.live_card(switched, missing=len(missing), total=len(everyone))

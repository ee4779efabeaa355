"""The two ways a listener answers one person: privately where they are, or by direct message."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from handlers.slack.views.common import ephemeral_text


def private(respond: Respond, text: str) -> None:
    """A reply only the person who acted can see, leaving the original message as it was."""
    respond(**ephemeral_text(text), response_type="ephemeral", replace_original=False)


def direct_message(client: WebClient, user: str, payload: dict[str, Any]) -> None:
    channel = client.conversations_open(users=user)["channel"]["id"]
    client.chat_postMessage(channel=channel, **payload)

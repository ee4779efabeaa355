"""Slack payloads against `slack_sdk.models` (which encode Block Kit's limits) and the limits
Slack documents for messages and views."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50  # chat.postMessage: "up to 50 blocks"
MESSAGE_TEXT = 40_000  # longer text is truncated by Slack
MODAL_TITLE = 24
PRIVATE_METADATA = 3_000
# Broadcast mentions the bot never means to send: user text that produced one was not escaped.
BROADCAST = re.compile(r"<!(channel|here|everyone)(\|[^>]*)?>")
MESSAGE_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"}
VIEW_METHODS = {"views.open", "views.update", "views.push", "views.publish"}


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def _block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for raw in blocks:
        block = Block.parse(raw)
        if block is None:
            found.append(f"unknown block type {raw.get('type')!r}")
            continue
        try:
            block.to_dict()  # validates the block and every element in it
        except SlackObjectFormationError as error:
            found.append(f"{raw.get('type')} block: {error}")
    return found


def markup_texts(payload: Any) -> list[str]:
    """Every text Slack reads as markup: mrkdwn objects and a message's own `text`
    (plain_text objects are shown as written, so they cannot ping)."""
    if isinstance(payload, dict):
        if payload.get("type") == "plain_text":
            return []
        return [
            t
            for key, v in payload.items()
            for t in ([v] if key == "text" and isinstance(v, str) else markup_texts(v))
        ]
    if isinstance(payload, list):
        return [t for item in payload for t in markup_texts(item)]
    return []


def message_problems(params: dict[str, Any]) -> list[str]:
    blocks = _decoded(params.get("blocks")) or []
    found = _block_problems(blocks)
    if len(blocks) > MESSAGE_BLOCKS:
        found.append(f"{len(blocks)} blocks in a message (at most {MESSAGE_BLOCKS})")
    if len(str(params.get("text") or "")) > MESSAGE_TEXT:
        found.append(f"message text over {MESSAGE_TEXT} characters")
    return found


def view_problems(view: dict[str, Any]) -> list[str]:
    found = _block_problems(view.get("blocks") or [])
    try:
        View(**view).validate_json()
    except SlackObjectFormationError as error:
        found.append(f"view: {error}")
    title = (view.get("title") or {}).get("text", "")
    if len(title) > MODAL_TITLE:
        found.append(f"view title {title!r} over {MODAL_TITLE} characters")
    if len(view.get("private_metadata") or "") > PRIVATE_METADATA:
        found.append(f"private_metadata over {PRIVATE_METADATA} characters")
    return found


def problems(method: str, params: dict[str, Any]) -> list[str]:
    """Everything wrong with one Web API call's payload, as Slack would see it."""
    if method in MESSAGE_METHODS:
        found = message_problems(params)
    elif method in VIEW_METHODS:
        found = view_problems(_decoded(params.get("view")) or {})
    else:
        return []
    found += [f"broadcast mention in {t!r}" for t in markup_texts(params) if BROADCAST.search(t)]
    return found

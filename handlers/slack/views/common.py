"""Small pieces every view uses: escaping, clipping to Slack's limits, message payloads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

SECTION_TEXT_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50


def mention(user_id: str) -> str:
    """How Slack names a person in a message."""
    return f"<@{user_id}>"


def slt_mention(usergroup: str | None, users: list[str]) -> str:
    """How a message addresses SLT: their user group, else each member, else the words."""
    if usergroup:
        return f"<!subteam^{usergroup}>"
    return " ".join(mention(u) for u in users) or "SLT:"


def escape(text: str) -> str:
    """Make user or document text inert: no @channel, no <@U…> mention, no fake link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Cut text to a limit at a word boundary, saying that it was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def quote(text: str) -> str:
    return "\n".join(f">{line}" for line in text.splitlines() or [""])


def markdown(text: str, **kwargs: Any) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_TEXT_LIMIT)), **kwargs)


def note(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, SECTION_TEXT_LIMIT))])


def chunked_markdown(lines: Iterable[str]) -> list[SectionBlock]:
    """Lines packed into as few section blocks as Slack's per-block limit allows."""
    blocks: list[SectionBlock] = []
    current = ""
    for line in lines:
        line = clip(line, SECTION_TEXT_LIMIT)
        if current and len(current) + 1 + len(line) > SECTION_TEXT_LIMIT:
            blocks.append(markdown(current))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(markdown(current))
    return blocks


def message(text: str, blocks: Sequence[Block]) -> dict[str, Any]:
    """A message payload: blocks for display, `text` for notifications and screen readers."""
    kept = list(blocks)
    if len(kept) > MESSAGE_BLOCK_LIMIT:
        kept = [*kept[: MESSAGE_BLOCK_LIMIT - 1], note("_…more in the policy document._")]
    return {"text": clip(text, 3000), "blocks": [b.to_dict() for b in kept]}


def ephemeral_text(text: str) -> dict[str, Any]:
    """A one-line reply: shown only to the person who acted."""
    return message(text, [markdown(text)])

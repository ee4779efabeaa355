"""View models (`handlers.present.model`) as Block Kit: the one place Slack markup is written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, HeaderBlock

from handlers.present.model import Button, Card, Command, Group, Line, Link, Person, Place, Strong
from handlers.slack.ids import COMMAND
from handlers.slack.views.common import (
    chunked_markdown,
    clip,
    escape,
    markdown,
    message,
    note,
    quote,
)

HEADER_LIMIT = 150


def text(spans: Line) -> str:
    """A line in Slack mrkdwn, user text escaped so it can never ping or link."""
    out: list[str] = []
    for span in spans:
        if isinstance(span, str):
            out.append(escape(span))
        elif isinstance(span, Strong):
            out.append(f"*{escape(span.text)}*")
        elif isinstance(span, Person):
            out.append(f"<@{span.user_id}>")
        elif isinstance(span, Command):
            out.append(f"`{COMMAND} {escape(span.words)}`")
        elif isinstance(span, Group):
            out.append(span.markup or escape(span.words))
        elif isinstance(span, Link):
            out.append(f"<{escape(span.url).replace('|', '%7C')}|{escape(span.label)}>")
        elif isinstance(span, Place):
            out.append(f"<#{span.conversation_id}>")
    return "".join(out)


def button_value(button: Button) -> str:
    """The ref as the button's value, e.g. "12:3" for a record's id and version."""
    return ":".join(str(v) for v in button.ref.values())


def button(item: Button) -> ButtonElement:
    return ButtonElement(
        text=item.label,
        action_id=str(item.verb),
        value=button_value(item) or None,
        style=item.style.value if item.style else None,
    )


def blocks(card: Card) -> list[Block]:
    built: list[Block] = []
    if card.title:
        built.append(HeaderBlock(text=clip(card.title, HEADER_LIMIT)))
    if card.alert:
        built.append(markdown(text(card.alert)))
    if card.lines:
        built += chunked_markdown(text(spans) for spans in card.lines)
    if card.quote is not None:
        built.append(markdown(quote(escape(card.quote))))
    if card.note:
        built.append(note(text(card.note)))
    if card.buttons:
        built.append(ActionsBlock(elements=[button(b) for b in card.buttons]))
    return built


def render(card: Card) -> dict[str, Any]:
    """A whole message payload: blocks, and the summary for notifications."""
    return message(escape(card.summary), blocks(card))


def render_many(cards: Sequence[Card]) -> dict[str, Any]:
    """Cards one after another in one message, summed up by the first's summary."""
    return message(escape(cards[0].summary), [b for card in cards for b in blocks(card)])

"""One bot serving Slack and Teams at once, and what each front end showed reduced to the same
plain words, so parity tests can compare them with each other and with the view model."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handlers.present.model import Card, Command, Line, Link, Person, Strong
from handlers.teams.render import dialog_name
from tests.conftest import RunningBot
from tests.teams_bot import APP_ID, MODERATOR, MODS_CONVERSATION, SLT, SLT_CONVERSATION, STAFF
from tests.teams_standin import BotConnectorStandIn, TeamsSender

SLACK_MODERATOR = "U0MOD0001"
SLACK_SLT = "U0SLT0001"
SLACK_STAFF = "U0STAFF01"
MODS_CHANNEL = "C0MODS001"
SLT_CHANNEL = "C0SLT0001"
ACCOUNT = "Facebook: @ourschool"

# Each person as a role, whichever front end (and whichever way it names them).
ROLES = {
    SLACK_MODERATOR: "MODERATOR",
    SLACK_SLT: "SLT",
    SLACK_STAFF: "STAFF",
    MODERATOR: "MODERATOR",
    SLT: "SLT",
    STAFF: "STAFF",
    MODERATOR.title(): "MODERATOR",
    SLT.title(): "SLT",
    STAFF.title(): "STAFF",
}
_RECORD_ID = re.compile(r"#\d+")


@dataclass
class TwoFrontEnds:
    bot: RunningBot
    teams: TeamsSender
    connector: BotConnectorStandIn

    def teams_card(self, conversation: str, method: str | None = None) -> dict[str, Any]:
        """The last card the bot sent to a Teams conversation."""
        content: dict[str, Any] = self.connector.to(conversation, method)[-1].body["attachments"][
            0
        ]["content"]
        return content


def start(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> TwoFrontEnds:
    bot = bot_factory(
        moderators_channel=MODS_CHANNEL,
        moderator_users=[SLACK_MODERATOR],
        slt_users=[SLACK_SLT],
        school_accounts=[ACCOUNT],
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
        teams_slt_users=[SLT],
        teams_moderator_users=[MODERATOR],
        teams_slt_conversation=SLT_CONVERSATION,
        teams_moderators_conversation=MODS_CONVERSATION,
    )
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
    for conversation in (SLT_CONVERSATION, MODS_CONVERSATION):
        teams.install(user=SLT, conversation=conversation, conversation_type="channel")
    for user in (SLT, MODERATOR, STAFF):
        teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
    return TwoFrontEnds(bot, teams, connector)


@dataclass(frozen=True)
class Shown:
    """What a person reads, line by line, and the buttons offered as (label, what it does)."""

    lines: tuple[str, ...]
    buttons: tuple[tuple[str, str], ...]


def _words(text: str) -> str:
    text = _RECORD_ID.sub("#N", text)
    for name, role in ROLES.items():
        text = text.replace(name, role)
    return text.strip()


def _split(texts: list[str]) -> tuple[str, ...]:
    return tuple(_words(part) for text in texts for part in text.split("\n") if part.strip())


def model_shown(card: Card, *, teams: bool) -> Shown:
    """The view model as the plain words both front ends should show."""

    def words(spans: Line) -> str:
        out: list[str] = []
        for span in spans:
            if isinstance(span, str):
                out.append(span)
            elif isinstance(span, Strong):
                out.append(span.text)
            elif isinstance(span, Person):
                out.append(ROLES[span.user_id])
            elif isinstance(span, Command):
                out.append(f"«{span.words}»")
            elif isinstance(span, Link):
                out.append(span.label)
        return "".join(out)

    texts = [card.title or "", words(card.alert or ())]
    texts += [words(spans) for spans in card.lines]
    texts += [card.quote or "", words(card.note or ())]
    buttons = tuple(
        (b.label, f"dialog:{dialog_name(b.verb)}" if teams and b.opens_form else str(b.verb))
        for b in card.buttons
    )
    return Shown(_split(texts), buttons)


def _slack_words(text: str) -> str:
    text = re.sub(r"<@([^>]+)>", lambda m: m.group(1), text)
    text = re.sub(r"<[^|>]+\|([^>]+)>", lambda m: m.group(1), text)
    text = re.sub(r"`/socialpolicy ([^`]+)`", lambda m: f"«{m.group(1)}»", text)
    text = re.sub(r"^>", "", text, flags=re.MULTILINE).replace("*", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_shown(payload: dict[str, Any]) -> Shown:
    """A Slack message or modal's blocks, as plain words and buttons."""
    texts: list[str] = []
    buttons: list[tuple[str, str]] = []
    for block in payload.get("blocks") or payload.get("view", {}).get("blocks", []):
        if block["type"] in ("header", "section"):
            texts.append(_slack_words(block["text"]["text"]))
        elif block["type"] == "context":
            texts += [_slack_words(e["text"]) for e in block["elements"]]
        elif block["type"] == "actions":
            buttons += [(e["text"]["text"], e["action_id"]) for e in block["elements"]]
    return Shown(_split(texts), tuple(buttons))


def _teams_words(text: str) -> str:
    text = re.sub(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)", lambda m: m.group(1), text)
    text = text.replace("**", "")
    text = re.sub(r'"([^"]+)"', lambda m: f"«{m.group(1)}»", text)
    return re.sub(r"\\(.)", lambda m: m.group(1), text)


def teams_shown(card: dict[str, Any]) -> Shown:
    """An Adaptive Card's text blocks, as plain words, and its actions."""
    texts = [_teams_words(b["text"]) for b in card["body"] if b["type"] == "TextBlock"]
    buttons = []
    for action in card.get("actions", []):
        data = action.get("data", {})
        if isinstance(data.get("msteams"), dict):
            buttons.append((action["title"], f"dialog:{data['dialog']}"))
        else:
            buttons.append((action["title"], action["verb"]))
    return Shown(_split(texts), tuple(buttons))


def same_offer(slack: Shown, teams: Shown) -> bool:
    """The same buttons, in the same order, with the same labels."""
    return [label for label, _ in slack.buttons] == [label for label, _ in teams.buttons]

"""App Home: what the bot does and the policy's sections, for everyone."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
)
from slack_sdk.models.views import View

from bot.policy.document import Section
from handlers.present.verbs import Action
from handlers.slack.ids import COMMAND, Callback
from handlers.slack.views.answers import section_blocks
from handlers.slack.views.common import clip, escape, markdown, note

HOME_BLOCK_LIMIT = 100
BUTTONS_PER_ROW = 5  # readable rows; Slack allows up to 25


def _section_buttons(sections: list[Section], room: int) -> list[Block]:
    rows: list[Block] = []
    for start in range(0, len(sections), BUTTONS_PER_ROW):
        if len(rows) == room:
            break
        rows.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=clip(s.title, 75), action_id=f"{Action.HOME_SECTION}.{i}", value=s.key
                    )
                    for i, s in enumerate(sections[start : start + BUTTONS_PER_ROW])
                ]
            )
        )
    return rows


def home_view(*, sections: list[Section], version: str, extra: list[Block] | None = None) -> View:
    blocks: list[Block] = [
        HeaderBlock(text="Social networking policy"),
        markdown(
            "I answer questions about the school's social networking policy, quoting the policy "
            f"itself and the section it comes from.\nAsk anywhere with `{COMMAND} <question>` — "
            "for example `/socialpolicy can I post photos of pupils from the trip?`"
        ),
        note(f"Policy in force: {escape(version)}"),
        *(extra or []),
        DividerBlock(),
        markdown("*Read a section*"),
    ]
    blocks += _section_buttons(sections, max(HOME_BLOCK_LIMIT - len(blocks), 0))
    return View(type="home", blocks=blocks[:HOME_BLOCK_LIMIT])  # Slack refuses a longer one


def section_modal(section: Section, *, version: str) -> View:
    return View(
        type="modal",
        callback_id=Callback.SECTION_MODAL,
        title=clip(section.title, 24),
        close="Close",
        blocks=section_blocks(section, version=version)[:100],
    )

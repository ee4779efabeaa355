"""Policy sections in Block Kit, for App Home's section modal: the view model of
`handlers.present.answers`, rendered."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.policy.document import Section
from handlers.present import answers as present
from handlers.slack import render


def section_blocks(section: Section, *, version: str) -> list[Block]:
    return render.blocks(present.section_card(section, version=version))

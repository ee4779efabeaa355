"""The weekly digest for SLT."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.reports.figures import Figures
from handlers.present.digest import digest_lines, render
from handlers.slack.views.common import clip, escape, markdown, message, note


def digest_message(figures: Figures) -> dict[str, Any]:
    lines = [render(line, "*") for line in digest_lines(figures)]
    blocks: list[Block] = [
        HeaderBlock(text="Social media policy: the week in figures"),
        markdown("\n".join(lines)),
    ]
    if figures.top_unanswered:
        asked = "\n".join(
            f"• {q.times}× “{escape(clip(q.text, 150))}”" for q in figures.top_unanswered
        )
        blocks.append(markdown(f"*Questions the policy could not answer*\n{asked}"))
    blocks.append(note(f"{figures.start:%-d %b} to {figures.end:%-d %b %Y}"))
    return message("Social media policy: the week in figures", blocks)

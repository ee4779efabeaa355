"""The weekly digest for SLT, in the words of `handlers.present.digest`."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.reports.figures import Figures
from handlers.present import digest
from handlers.present.rota import digest_coverage_lines
from handlers.slack import render
from handlers.slack.views.common import chunked_markdown, escape, markdown, message, note


def digest_message(figures: Figures) -> dict[str, Any]:
    lines = [digest.render(line, "*") for line in digest.digest_lines(figures)]
    blocks: list[Block] = [HeaderBlock(text=digest.TITLE), markdown("\n".join(lines))]
    asked = digest.unanswered(figures)
    if asked:
        listed = "\n".join(f"• {times} “{escape(text)}”" for times, text in asked)
        blocks.append(markdown(f"*{digest.UNANSWERED}*\n{listed}"))
    blocks += chunked_markdown(
        render.text(line) for line in digest_coverage_lines(figures.coverage)
    )
    schools = digest.trust_lines(figures)
    if schools:
        each = [f"• *{escape(name)}*: {said}" for name, said in schools]
        blocks += chunked_markdown([f"*{digest.TRUST}*", *each])
    blocks.append(note(digest.period(figures)))
    return message(digest.TITLE, blocks)

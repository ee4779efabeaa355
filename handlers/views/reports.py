"""The weekly digest for SLT."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.incidents.options import KINDS
from bot.reports.figures import Figures
from handlers.views.common import clip, escape, markdown, message, note
from handlers.views.time import duration


def _span(value: timedelta | None) -> str:
    return duration(value) if value is not None else "–"


def _by_kind(counts: dict[str, int]) -> str:
    return ", ".join(f"{KINDS.get(k, k)} {n}" for k, n in sorted(counts.items())) or "none"


def digest_message(figures: Figures) -> dict[str, Any]:
    share = figures.answered_in_time_share
    lines = [
        f"*Comments logged:* {figures.comments_logged} · *answered within 24 hours:* "
        f"{figures.answered_in_time}" + (f" ({share:.0%})" if share is not None else ""),
        f"*Response time:* median {_span(figures.median_response)}, 90th percentile "
        f"{_span(figures.p90_response)} · *breaches:* {figures.breaches}",
        f"*Incidents opened:* {_by_kind(figures.incidents_opened)}",
        f"*Incidents closed:* {_by_kind(figures.incidents_closed)}",
        f"*Average time to acknowledge a case:* {_span(figures.mean_time_to_acknowledge)}",
        f"*Open account handovers:* {figures.open_handovers} · *drafts awaiting a second "
        f"opinion:* {figures.pending_reviews}",
    ]
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

"""Acknowledging the policy, who has not, the review date, and what the policy fails to answer."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.knowledge.service import Unanswered
from handlers.present.time import local
from handlers.present.verbs import KnowledgeAction
from handlers.slack.ids import COMMAND
from handlers.slack.views.common import clip, escape, markdown, mention, message, note
from store.models import PolicyAcknowledgement

ACKNOWLEDGE_BUTTON = ButtonElement(
    text="I have read the policy", action_id=KnowledgeAction.ACKNOWLEDGE, style="primary"
)


def acknowledged_message(ack: PolicyAcknowledgement, *, zone: ZoneInfo) -> dict[str, Any]:
    text = (
        f"Thank you: recorded that you have read the policy ({escape(ack.version)}) on "
        f"{local(ack.acknowledged_at, zone)}."
    )
    return message(text, [markdown(text)])


def home_blocks(ack: PolicyAcknowledgement | None, *, zone: ZoneInfo) -> list[Block]:
    if ack is not None:
        return [
            note(
                f"✅ You confirmed you have read this version on "
                f"{local(ack.acknowledged_at, zone)}."
            )
        ]
    return [
        markdown("Please confirm you have read the current version of the policy."),
        ActionsBlock(elements=[ACKNOWLEDGE_BUTTON]),
    ]


def outstanding_message(missing: list[str], *, total: int, version: str) -> dict[str, Any]:
    if not missing:
        text = f"Everyone ({total}) has confirmed the current policy ({escape(version)})."
        return message(text, [markdown(text)])
    shown = " ".join(mention(u) for u in missing[:60])
    more = f" and {len(missing) - 60} more" if len(missing) > 60 else ""
    blocks: list[Block] = [
        markdown(
            f"*{len(missing)} of {total} staff have not confirmed the current policy* "
            f"({escape(version)}):\n{shown}{more}"
        ),
        ActionsBlock(elements=[ButtonElement(text="Nudge them", action_id=KnowledgeAction.NUDGE)]),
    ]
    return message(f"{len(missing)} staff have not confirmed the policy", blocks)


def nudge_message(*, version: str) -> dict[str, Any]:
    blocks: list[Block] = [
        markdown(
            f"SLT ask every member of staff to read the school's social networking policy "
            f"({escape(version)}) and confirm it. Read it with `{COMMAND} topics`, or ask "
            f"`{COMMAND} <question>`."
        ),
        ActionsBlock(elements=[ACKNOWLEDGE_BUTTON]),
    ]
    return message("Please confirm you have read the social networking policy", blocks)


def nudged_message(count: int) -> dict[str, Any]:
    text = f"Nudged {count} member{'s' if count != 1 else ''} of staff."
    return message(text, [markdown(text)])


def unanswered_message(rows: list[Unanswered], *, zone: ZoneInfo) -> dict[str, Any]:
    if not rows:
        text = "No unanswered questions so far."
        return message(text, [markdown(text)])
    lines = [
        f"• *{row.times}×* “{escape(clip(row.text, 200))}” (last {local(row.last_asked, zone)})"
        for row in rows
    ]
    blocks: list[Block] = [
        markdown("*Questions the policy could not answer confidently, most asked first*"),
        markdown("\n".join(lines)),
        note("Consider adding the answers to the policy or its FAQ."),
    ]
    return message("Questions the policy could not answer", blocks)


def review_reminder(*, due: date, today: date, mention: str) -> dict[str, Any]:
    if today >= due:
        text = (
            f"📅 {mention} the social networking policy was due for review on "
            f"{due:%-d %B %Y} and is now overdue."
        )
    else:
        text = (
            f"📅 {mention} the social networking policy is due for review on "
            f"{due:%-d %B %Y} ({(due - today).days} days from now)."
        )
    return message("The social networking policy is due for review", [markdown(text)])

"""The policy's messages in Slack: `handlers.present.knowledge`'s cards, and the review
reminder addressed as Slack pings SLT."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.present import knowledge as present
from handlers.slack.views.common import markdown, message


def review_reminder(*, due: date, today: date, mention: str) -> dict[str, Any]:
    """`mention` is mrkdwn: SLT's user group, or each member."""
    text = f"📅 {mention} {present.policy_review(due=due, today=today)}"
    return message("The social networking policy is due for review", [markdown(text)])

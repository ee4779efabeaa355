"""Text from people and from the policy document is inert wherever it is shown in Slack: no
broadcast, no mention, no link it did not mean, whichever surface shows it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningBot
from tests.contracts.slack_payloads import markup_texts
from tests.slack_requests import text_input
from tests.test_comments import MODERATOR, MODS_CHANNEL, comment_form

STAFF = "U0STAFF01"
SLT = "U0SLT0001"
HOSTILE = ("<!channel>", "<!here>", "<@U0VICTIM1>", "<https://evil.example|")
POLICY = """# Social networking policy

## Staff <!channel> conduct & <@U0VICTIM1>

Staff must not befriend pupils on social media <!here>. Read <https://evil.example|this> first.

## Responding to comments

Comments on school accounts are answered within 24 hours.
"""


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot], tmp_path: Path) -> RunningBot:
    policy = tmp_path / "policy.md"
    policy.write_text(POLICY, encoding="utf-8")
    return bot_factory(
        policy_path=policy,
        moderator_users=[MODERATOR],
        moderators_channel=MODS_CHANNEL,
        slt_users=[SLT],
    )


def _raw(found: list[Any]) -> list[str]:
    """Hostile markup left as markup in any text Slack would read as mrkdwn."""
    return [t for t in markup_texts(found) if any(marker in t for marker in HOSTILE)]


def test_hostile_text_is_shown_escaped_everywhere(bot: RunningBot) -> None:
    acks: list[Any] = []
    answer = bot.slack.command("can staff befriend pupils on social media", user=STAFF).json()
    acks.append(answer)
    acks.append(bot.slack.command("topics", user=STAFF).json())
    acks.append(bot.slack.command("section Staff", user=STAFF).json())
    share = next(
        element["value"]
        for block in answer["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == "answer.share"
    )
    bot.slack.click("answer.share", share, user=STAFF)
    summary = text_input("<!channel> parents say <@U0VICTIM1> & <https://evil.example|click>")
    bot.modals.submit("comment.log", comment_form(bot.clock.now(), summary=summary), user=MODERATOR)
    bot.settle()
    acks.append(bot.slack.command("pending", user=MODERATOR).json())
    for user in (STAFF, MODERATOR, SLT):
        bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    bot.stand_in.wait_for("views.publish", count=3)
    bot.settle()

    sent = [call.params for call in bot.stand_in.calls]
    assert any("&lt;!channel&gt;" in json.dumps(p, ensure_ascii=False) for p in sent)
    assert _raw(acks) == []
    assert _raw(sent) == []

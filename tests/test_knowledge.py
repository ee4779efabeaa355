"""Keeping staff's knowledge current: acknowledgements, the review date, unanswered questions."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app.jobs import REVIEW_SWEEP_JOB
from store.db import session_scope
from store.models import PolicyAcknowledgement
from tests.conftest import RunningBot
from tests.policy_versions import publish

SLT = "U0SLT0001"
STAFF = "U0STAFF01"
OTHER = "U0STAFF02"
POLICY = """# Staff social media policy

## Contact with pupils

- Staff must not follow or befriend current or former pupils on personal accounts.
"""


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.md"
    path.write_text(POLICY, encoding="utf-8")
    return path


@pytest.fixture
def start(bot_factory: Callable[..., RunningBot], policy_file: Path) -> Callable[[], RunningBot]:
    return lambda: bot_factory(
        slt_users=[SLT], policy_path=policy_file, policy_review_due=date(2026, 12, 20)
    )


def acknowledged(bot: RunningBot) -> list[tuple[str, str]]:
    with session_scope(bot.runtime.services.sessions) as session:
        return [(a.user_id, a.version_key) for a in session.scalars(select(PolicyAcknowledgement))]


def test_staff_acknowledge_and_a_new_version_asks_again(
    start: Callable[[], RunningBot], policy_file: Path
) -> None:
    bot = start()
    first = bot.slack.command("acknowledge", user=STAFF).json()
    again = bot.slack.command("acknowledge", user=STAFF).json()

    assert "recorded that you have read the policy" in first["text"]
    assert first == again and len(acknowledged(bot)) == 1
    bot.slack.event({"type": "app_home_opened", "user": STAFF, "tab": "home"})
    assert (
        "You confirmed you have read this version" in bot.stand_in.wait_for("views.publish")[0].text
    )

    bot.stand_in.members = [
        {"id": STAFF},
        {"id": OTHER},
        {"id": "UBOT00001", "is_bot": True},
        {"id": "UGUEST001", "is_restricted": True},
    ]
    bot.slack.command("acknowledgements", user=SLT)
    listing = bot.stand_in.wait_for("response_url")[0].text
    assert "1 of 2 staff have not confirmed" in listing
    assert f"<@{OTHER}>" in listing and f"<@{STAFF}>" not in listing

    publish(bot.runtime, (POLICY + "- Keep your settings private.\n").encode(), user=SLT)
    bot.stand_in.calls.clear()
    revised = start()
    revised.stand_in.members = bot.stand_in.members
    revised.slack.command("acknowledgements", user=SLT)
    assert "2 of 2 staff have not confirmed" in revised.stand_in.wait_for("response_url")[0].text


def test_slt_nudge_those_who_have_not_and_others_are_refused(
    start: Callable[[], RunningBot],
) -> None:
    bot = start()
    bot.stand_in.members = [{"id": STAFF}, {"id": OTHER}]
    bot.slack.command("acknowledge", user=STAFF)

    assert "Only SLT" in bot.slack.command("acknowledgements", user=STAFF).text
    bot.slack.click("knowledge.nudge", "", user=SLT)
    bot.settle()

    assert [c.params["users"] for c in bot.stand_in.to("conversations.open")] == [OTHER]
    nudge = bot.stand_in.to("chat.postMessage")[-1]
    assert "I have read the policy" in nudge.text
    assert "Nudged 1 member of staff" in bot.stand_in.to("response_url")[-1].text

    bot.slack.click("knowledge.acknowledge", "", user=OTHER)
    bot.settle()
    assert {user for user, _ in acknowledged(bot)} == {STAFF, OTHER}


def test_unanswered_questions_most_asked_first(start: Callable[[], RunningBot]) -> None:
    bot = start()
    for question in (
        "whats the wifi password",
        "Whats the wifi password ",
        "where is the car park",
        "can i befriend a former pupil",
    ):
        bot.slack.command(question, user=STAFF)

    assert "Only SLT" in bot.slack.command("unanswered", user=STAFF).text
    listing = json.dumps(bot.slack.command("unanswered", user=SLT).json(), ensure_ascii=False)
    assert "2×" in listing and listing.index("wifi") < listing.index("car park")
    assert "befriend" not in listing


def test_review_reminders_a_month_before_then_weekly_once_overdue(
    start: Callable[[], RunningBot],
) -> None:
    bot = start()  # the clock says Wednesday 25 November 2026; review due 20 December

    def reminders() -> list[str]:
        return [c.text for c in bot.stand_in.to("chat.postMessage") if "for review" in c.text]

    assert bot.tick(REVIEW_SWEEP_JOB) == 1
    assert bot.tick(REVIEW_SWEEP_JOB) == 0
    assert "due for review on 20 December 2026 (25 days from now)" in reminders()[0]
    bot.clock.advance(timedelta(days=26))  # 21 December: overdue
    assert bot.tick(REVIEW_SWEEP_JOB) == 1
    bot.clock.advance(timedelta(days=3))
    assert bot.tick(REVIEW_SWEEP_JOB) == 0
    bot.clock.advance(timedelta(days=4))
    assert bot.tick(REVIEW_SWEEP_JOB) == 1
    assert len(reminders()) == 3 and "now overdue" in reminders()[-1]

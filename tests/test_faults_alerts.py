"""Alerts under faults at Slack: a person who cannot be sent a DM, a card that cannot be
redrawn, a message Slack took but answered too late. Each recipient is its own delivery: one
failure never holds up or repeats another's, and nothing is posted twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from store.db import session_scope
from store.models import IncidentNotice
from tests.conftest import RunningBot
from tests.slack_requests import checkboxes
from tests.test_comments import MODERATOR, MODS_CHANNEL, log_comment, notices, posts_to
from tests.test_incidents import (
    REPORTER,
    SLT,
    SLT_2,
    SLT_CHANNEL,
    case,
    click,
    dms_to,
    posts,
    submit_report,
)

AT_RISK = "a child may be at risk"
UNREACHED = "could not be sent to"
SETTINGS = {
    "slt_users": [SLT, SLT_2],
    "moderators_channel": MODS_CHANNEL,
    "moderator_users": [MODERATOR],
    "school_accounts": ["Facebook: @ourschool"],
}


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(**SETTINGS)


def sweeps(bot: RunningBot, times: int) -> None:
    """Several incident sweeps, a few seconds apart, as the scheduler runs them."""
    for _ in range(times):
        bot.clock.advance(timedelta(seconds=5))
        bot.tick_incidents()


def opens_for(bot: RunningBot, user: str) -> int:
    return len([c for c in bot.stand_in.to("conversations.open") if c.params["users"] == user])


def unreached_reports(bot: RunningBot) -> list[str]:
    return [p.text for p in posts(bot, SLT_CHANNEL) if UNREACHED in p.text]


def test_a_reporter_who_cannot_be_sent_a_dm_never_holds_up_the_urgent_alerts(
    bot: RunningBot,
) -> None:
    bot.stand_in.unreachable.add(REPORTER)  # a guest, say
    submit_report(bot, at_risk=checkboxes("at_risk"))

    assert len([t for t in dms_to(bot, SLT) if AT_RISK in t]) == 1
    assert len([t for t in dms_to(bot, SLT_2) if AT_RISK in t]) == 1

    sweeps(bot, 6)
    assert len([t for t in dms_to(bot, SLT) if AT_RISK in t]) == 1
    assert len([t for t in dms_to(bot, SLT_2) if AT_RISK in t]) == 1
    assert opens_for(bot, REPORTER) == 3  # tried, then given up: not retried for ever
    reports = unreached_reports(bot)
    assert len(reports) == 1  # SLT told once, in the case's thread
    assert f"<@{REPORTER}>" in reports[0] and "confirmation" in reports[0]
    thread = posts(bot, SLT_CHANNEL, thread=True)
    assert any(UNREACHED in p.text for p in thread)
    assert case(bot).next_notice_at is None or case(bot).next_notice_at > bot.clock.now()


def test_one_slt_member_who_cannot_be_reached_never_repeats_the_others_alerts(
    bot: RunningBot,
) -> None:
    bot.stand_in.unreachable.add(SLT_2)  # account deactivated
    submit_report(bot, at_risk=checkboxes("at_risk"))
    sweeps(bot, 6)

    assert len([t for t in dms_to(bot, SLT) if AT_RISK in t]) == 1
    assert opens_for(bot, SLT_2) == 3
    reports = unreached_reports(bot)
    assert len(reports) == 1 and f"<@{SLT_2}>" in reports[0] and "urgent alert" in reports[0]
    assert "Your report" in dms_to(bot, REPORTER)[0]
    with session_scope(bot.runtime.services.sessions) as session:
        rows = {n.kind: n for n in session.scalars(select(IncidentNotice))}
    assert rows[f"urgent-dm:{SLT}"].sent_at is not None
    assert rows[f"urgent-dm:{SLT_2}"].sent_at is None
    assert rows[f"urgent-dm:{SLT_2}"].given_up_at is not None
    assert rows[f"urgent-dm:{SLT_2}"].attempts == 3


def test_an_overdue_comment_escalates_when_its_card_cannot_be_redrawn(bot: RunningBot) -> None:
    comment = log_comment(bot, received=bot.clock.now())
    bot.stand_in.refusals["chat.update"] = "message_not_found"  # someone deleted the card

    bot.clock.set(comment.due_at - timedelta(hours=3))
    assert bot.tick() == 1
    assert "left to reply" in posts_to(bot, MODS_CHANNEL)[-1].text

    bot.clock.set(comment.due_at + timedelta(minutes=1))
    assert bot.tick() == 1
    escalations = [p for p in posts_to(bot, SLT_CHANNEL) if "was not answered" in p.text]
    assert len(escalations) == 1
    assert "escalation" in notices(bot)
    bot.clock.advance(timedelta(minutes=5))
    assert bot.tick() == 0


def test_a_card_that_cannot_be_redrawn_never_stops_the_reporters_news(bot: RunningBot) -> None:
    submit_report(bot)
    bot.stand_in.refusals["chat.update"] = "message_not_found"
    click(bot, "incident.take_lead")
    assert any("in hand" in t for t in dms_to(bot, REPORTER))
    assert len(posts(bot, SLT_CHANNEL, thread=True)) == 1  # the step, in the case's thread


def short_timeout(bot: RunningBot) -> None:
    """The client gives up after half a second (Slack's answer will come later)."""
    assert bot.runtime.slack is not None
    bot.runtime.slack.client.timeout = 0.5


def test_an_escalation_slack_took_but_answered_late_is_not_posted_again(
    bot: RunningBot,
) -> None:
    comment = log_comment(bot, received=bot.clock.now())
    short_timeout(bot)
    bot.stand_in.slow("chat.postMessage", 1.5)
    bot.clock.set(comment.due_at + timedelta(minutes=1))
    bot.tick()  # Slack has it, but the client gave up waiting
    for _ in range(3):
        bot.clock.advance(timedelta(seconds=5))
        bot.tick()

    escalations = [p for p in posts_to(bot, SLT_CHANNEL) if "was not answered" in p.text]
    assert len(escalations) == 1
    assert "escalation" in notices(bot)
    assert bot.stand_in.to("conversations.history")  # it looked before posting again


def test_a_reminder_taken_late_is_not_posted_again_after_a_restart(
    bot: RunningBot, bot_factory: Callable[..., RunningBot]
) -> None:
    comment = log_comment(bot, received=bot.clock.now())
    short_timeout(bot)
    bot.stand_in.slow("chat.postMessage", 1.5)
    bot.clock.set(comment.due_at - timedelta(hours=3))
    bot.tick()

    restarted = bot_factory(**SETTINGS)
    restarted.clock.advance(timedelta(minutes=3))  # past any claim a stopped instance held
    restarted.tick()
    reminders = [p for p in posts_to(bot, MODS_CHANNEL) if "left to reply" in p.text]
    assert len(reminders) == 1
    assert bot.stand_in.to("conversations.replies")  # it looked in the card's thread
    assert "reminder-14400" in notices(restarted)


def test_a_reminder_is_recorded_before_the_assignees_dm_is_tried(bot: RunningBot) -> None:
    """Stopped while the DM is under way, the bot already knows the thread reminder went."""
    comment = log_comment(bot, received=bot.clock.now())
    bot.slack.click("comment.assign", str(comment.id), user=MODERATOR)
    bot.stand_in.wait_for("response_url")
    bot.settle()
    bot.stand_in.slow("conversations.open", 2.0)  # the DM is under way for a while
    bot.clock.set(comment.due_at - timedelta(hours=3))
    sweep = threading.Thread(target=bot.tick)
    sweep.start()
    bot.stand_in.wait_for("conversations.open")
    # What a restart would find if the bot were killed now (a reader that takes no lock).
    reader = create_engine(bot.runtime.settings.database_url)
    with reader.connect() as connection:
        recorded = connection.execute(
            text("SELECT kind FROM comment_notices WHERE sent_at IS NOT NULL")
        ).scalars()
        assert "reminder-14400" in set(recorded)
    reader.dispose()
    sweep.join(timeout=30)
    assert len([p for p in posts_to(bot, MODS_CHANNEL) if "left to reply" in p.text]) == 1

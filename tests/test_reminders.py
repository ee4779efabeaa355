"""The reminder sweep under stress: restarts, Slack failures, bursts, and two instances."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from sqlalchemy import func, select

from store.db import session_scope
from store.models import CommentNotice
from tests.conftest import RunningBot
from tests.test_comments import MODERATOR, MODS_CHANNEL, log_comment, notices, posts_to


@pytest.fixture
def start_bot(bot_factory: Callable[..., RunningBot]) -> Callable[[], RunningBot]:
    return lambda: bot_factory(
        moderators_channel=MODS_CHANNEL,
        moderator_users=[MODERATOR],
        slt_users=["U0SLT0001"],
        school_accounts=["Facebook: @ourschool"],
    )


def thread_replies(bot: RunningBot) -> list[str]:
    return [c.text for c in posts_to(bot, MODS_CHANNEL) if c.params.get("thread_ts")]


def run_scheduler_once(bot: RunningBot) -> None:
    """Start the bot's real scheduler, whose jobs run at once on start, and stop it again."""
    finished = threading.Event()
    errors: list[BaseException] = []

    def on_event(event: JobExecutionEvent) -> None:
        if event.exception:
            errors.append(event.exception)
        finished.set()

    scheduler = bot.runtime.scheduler
    scheduler.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        assert finished.wait(10), "the scheduler never ran its job"
    finally:
        scheduler.shutdown(wait=True)
    assert not errors, errors


def test_restart_sends_one_late_reminder_and_nothing_twice(
    start_bot: Callable[[], RunningBot],
) -> None:
    bot = start_bot()
    comment = log_comment(bot, received=bot.clock.now())
    assert bot.tick() == 0

    # The bot is stopped; both the 4h and the 1h moments pass while it is down.
    bot.clock.set(comment.due_at - timedelta(minutes=30))
    restarted = start_bot()
    run_scheduler_once(restarted)

    replies = thread_replies(restarted)
    assert len(replies) == 1
    assert "30m left to reply" in replies[0]
    assert "This reminder is late: it fell due at Thu 26 Nov, 09:00" in replies[0]
    assert restarted.tick() == 0
    assert len(thread_replies(restarted)) == 1
    assert notices(restarted) == ["card", "reminder-3600"]


@pytest.mark.parametrize("status", [429, 500])
def test_a_failed_call_is_retried_and_recorded_once(
    start_bot: Callable[[], RunningBot], status: int
) -> None:
    bot = start_bot()
    comment = log_comment(bot, received=bot.clock.now())
    bot.clock.set(comment.due_at - timedelta(hours=3))
    bot.stand_in.fail("chat.postMessage", status, times=1, Retry_After="0")

    assert bot.tick() == 1

    assert len(bot.stand_in.to(f"chat.postMessage!{status}")) == 1
    assert len(thread_replies(bot)) == 1
    assert notices(bot) == ["card", "reminder-14400"]


def test_a_call_that_keeps_failing_is_not_recorded_and_goes_next_sweep(
    start_bot: Callable[[], RunningBot],
) -> None:
    bot = start_bot()
    comment = log_comment(bot, received=bot.clock.now())
    bot.clock.set(comment.due_at - timedelta(hours=3))
    bot.stand_in.fail("chat.postMessage", 503, times=3, Retry_After="0")

    assert bot.tick() == 0
    assert notices(bot) == ["card"]
    assert thread_replies(bot) == []

    bot.clock.advance(timedelta(minutes=1))
    assert bot.tick() == 1
    assert len(thread_replies(bot)) == 1
    assert notices(bot) == ["card", "reminder-14400"]


def test_a_burst_of_reminders_is_paced_and_none_is_dropped(
    start_bot: Callable[[], RunningBot],
) -> None:
    bot = start_bot()
    received = bot.clock.now()
    for _ in range(6):
        log_comment(bot, received=received)
    slept_logging = bot.time.slept
    bot.clock.advance(timedelta(hours=20, minutes=30))

    assert bot.tick() == 6

    assert len(thread_replies(bot)) == 6
    # Each reminder redraws its card and posts in its thread: 12 calls to one channel,
    # spaced a second apart, so the sweep waited about 11 seconds (of fake time).
    assert bot.time.slept - slept_logging >= 11.0 - 1e-6


def test_two_instances_never_send_the_same_reminder(
    start_bot: Callable[[], RunningBot], database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL; run one bot per SQLite")
    first, second = start_bot(), start_bot()
    for _ in range(20):
        log_comment(first, received=first.clock.now())
    first.clock.advance(timedelta(hours=20, minutes=30))
    # The two bots share neither pacing nor memory, only the database.
    first.time.sleep = second.time.sleep = lambda seconds: None  # type: ignore[method-assign]

    barrier = threading.Barrier(2)
    sent: list[int] = []

    def sweep(bot: RunningBot) -> None:
        barrier.wait()
        sent.append(bot.tick())

    threads = [threading.Thread(target=sweep, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(sent) == 20
    assert len(thread_replies(first)) == 20
    with session_scope(first.runtime.services.sessions) as session:
        kinds = session.execute(
            select(CommentNotice.kind, func.count())
            .where(CommentNotice.sent_at.is_not(None))
            .group_by(CommentNotice.kind)
        ).all()
    assert dict(kinds) == {"card": 20, "reminder-14400": 20}

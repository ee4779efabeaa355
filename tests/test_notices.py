"""One-off notices (the weekly digest, the policy review reminder) go out exactly once: across
two instances on one database, after a failed send, and after a crash mid-send."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app.jobs import DIGEST_JOB, REVIEW_SWEEP_JOB
from bot.notices import CLAIM_LEASE, Ledger, Outcome
from store.db import session_scope
from store.models import Comment, CommentNotice, PolicyNotice
from tests.conftest import START, RunningBot
from tests.report_data import MONDAY_8AM

SLT = "U0SLT0001"
DIGEST_KEY = f"digest-{MONDAY_8AM.date().isoformat()}:slack"


def digests(bot: RunningBot) -> int:
    return sum("in figures" in c.text for c in bot.stand_in.to("chat.postMessage"))


def review_notices(bot: RunningBot) -> int:
    return sum("due for review" in c.text for c in bot.stand_in.to("chat.postMessage"))


@pytest.fixture
def start_bot(bot_factory: Callable[..., RunningBot]) -> Callable[[], RunningBot]:
    return lambda: bot_factory(
        slt_users=[SLT],
        digest_day="Monday",
        digest_time="08:00",
        policy_review_due=date(2026, 12, 20),
    )


def test_two_instances_send_one_digest_and_one_review_notice(
    start_bot: Callable[[], RunningBot],
) -> None:
    first, second = start_bot(), start_bot()
    first.clock.set(MONDAY_8AM - timedelta(minutes=1))
    assert first.tick(DIGEST_JOB) == 0  # the install's first tick, before the digest's moment
    first.clock.set(MONDAY_8AM + timedelta(minutes=1))
    barrier = threading.Barrier(4)
    sent: list[int] = []

    def tick(bot: RunningBot, job: str) -> None:
        barrier.wait()
        sent.append(bot.tick(job))

    runs = [(b, job) for b in (first, second) for job in (DIGEST_JOB, REVIEW_SWEEP_JOB)]
    threads = [threading.Thread(target=tick, args=run) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(sent) == 2
    assert digests(first) == 1 and review_notices(first) == 1
    assert all(b.tick(job) == 0 for b, job in runs)


def test_a_new_install_sends_no_digest_for_a_week_before_it(
    start_bot: Callable[[], RunningBot],
) -> None:
    bot = start_bot()
    bot.clock.set(START)  # a Wednesday: this week's digest moment (Monday) has passed
    assert bot.tick(DIGEST_JOB) == 0
    assert digests(bot) == 0

    bot.clock.set(MONDAY_8AM + timedelta(weeks=1, minutes=1))
    assert bot.tick(DIGEST_JOB) == 1


def test_a_failed_send_gives_the_claim_back_and_is_retried(
    start_bot: Callable[[], RunningBot],
) -> None:
    bot = start_bot()
    bot.clock.set(MONDAY_8AM - timedelta(minutes=1))
    bot.tick(DIGEST_JOB)
    bot.clock.set(MONDAY_8AM + timedelta(minutes=1))
    bot.stand_in.fail("chat.postMessage", 500, times=3)  # past the client's two retries

    assert bot.tick(DIGEST_JOB) == 0
    assert bot.tick(DIGEST_JOB) == 1
    assert digests(bot) == 1


def test_a_claim_left_by_a_crash_lapses_and_the_notice_goes_out(
    start_bot: Callable[[], RunningBot],
) -> None:
    bot = start_bot()
    bot.clock.set(MONDAY_8AM - timedelta(minutes=1))
    bot.tick(DIGEST_JOB)
    crashed_at = MONDAY_8AM + timedelta(minutes=1)
    with session_scope(bot.runtime.services.sessions) as session:
        session.add(PolicyNotice(kind=DIGEST_KEY, claimed_at=crashed_at))  # claimed, never sent

    bot.clock.set(crashed_at + timedelta(minutes=1))
    assert bot.tick(DIGEST_JOB) == 0  # another instance may still be sending it
    bot.clock.set(crashed_at + CLAIM_LEASE + timedelta(minutes=1))
    assert bot.tick(DIGEST_JOB) == 1
    assert digests(bot) == 1


def test_a_failed_chart_never_posts_the_digest_twice(start_bot: Callable[[], RunningBot]) -> None:
    bot = start_bot()
    bot.clock.set(MONDAY_8AM - timedelta(minutes=1))
    bot.tick(DIGEST_JOB)
    bot.clock.set(MONDAY_8AM + timedelta(minutes=1))
    bot.stand_in.fail("files.getUploadURLExternal", 500, times=3)

    assert bot.tick(DIGEST_JOB) == 1
    assert bot.tick(DIGEST_JOB) == 0
    assert digests(bot) == 1


def test_a_delivery_another_instance_claimed_meanwhile_is_left_to_it(bot: RunningBot) -> None:
    """One instance delivers a comment's messages one by one, letting go of the comment's lock
    while each is sent; another instance may claim the next in that gap. The first then finds
    that claim, under the lock again, instead of making a second row for it."""
    now = bot.clock.now()
    sessions = bot.runtime.services.sessions
    with session_scope(sessions) as session:
        comment = Comment(
            platform="instagram",
            account="Instagram: @school",
            kind="comment",
            author="parent",
            summary="When is the trip?",
            received_at=now,
            due_at=now + timedelta(hours=24),
            logged_by="U0MOD0001",
            logged_at=now,
        )
        session.add(comment)
        session.flush()
        comment_id = comment.id
    with session_scope(sessions) as session:  # the other instance's claim
        session.add(
            CommentNotice(comment_id=comment_id, kind="reminder:4h", attempts=1, claimed_at=now)
        )
    sent: list[str] = []
    with session_scope(sessions) as session:
        ledger = Ledger(
            session=session,
            now=now,
            rows={},  # as read before the other instance's claim was committed
            new=lambda kind: CommentNotice(comment_id=comment_id, kind=kind, attempts=0),
            find=lambda kind: session.scalars(
                select(CommentNotice).where(
                    CommentNotice.comment_id == comment_id, CommentNotice.kind == kind
                )
            ).first(),
            relock=lambda: None,
            marker_prefix=f"comment-{comment_id}",
        )
        assert ledger.send("reminder:4h", lambda: sent.append("again")) is Outcome.SKIPPED
    assert sent == []
    with session_scope(sessions) as session:
        assert len(session.scalars(select(CommentNotice)).all()) == 1

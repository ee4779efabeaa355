"""The health view for SLT and the account administrators: each sweep's last run, recorded by
the scheduler's own jobs; deliveries Slack refuses, shown as retried and then given up; what
is not configured and what fixes it; the policy's review date. Everyone else is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.app.jobs import COMMENT_SWEEP_JOB, INCIDENT_SWEEP_JOB, RETENTION_JOB
from bot.clock import ManualClock
from bot.health.actions import NOT_ALLOWED
from bot.health.runs import JobRuns
from bot.health.service import kind_of
from store.db import make_engine, make_session_factory, session_scope
from store.models import IncidentNotice, JobRun
from tests.conftest import START, RunningBot
from tests.slack_requests import checkboxes
from tests.test_incidents import REPORTER, SLT, submit_report

ADMIN = "U0ADMIN01"
STAFF = "U0TEACH01"
SETTINGS: dict[str, Any] = {
    "slt_users": [SLT],
    "admin_users": [ADMIN],
    "moderator_users": ["U0MOD0001"],
    "moderators_channel": "C0MODS001",
    "school_accounts": ["Facebook: @ourschool"],
}


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(**SETTINGS)


def health(bot: RunningBot, user: str = SLT) -> str:
    """`/socialpolicy health` as `user` sees it: the ack's text, blocks and all."""
    return json.dumps(bot.slack.command("health", user=user).json(), ensure_ascii=False)


def runs(bot: RunningBot) -> dict[str, JobRun]:
    with session_scope(bot.runtime.services.sessions) as session:
        return {run.job: run for run in session.scalars(select(JobRun))}


# Sweeps -------------------------------------------------------------------------------------


def test_each_sweep_is_listed_from_the_start_and_records_its_runs(bot: RunningBot) -> None:
    listed = runs(bot)
    assert COMMENT_SWEEP_JOB in listed and RETENTION_JOB in listed
    assert all(run.started_at is None for run in listed.values())  # registered, not yet run

    bot.clock.advance(timedelta(minutes=1))
    ran_at = bot.clock.now()
    bot.tick(COMMENT_SWEEP_JOB)
    bot.tick(INCIDENT_SWEEP_JOB)

    comment_run = runs(bot)[COMMENT_SWEEP_JOB]
    assert comment_run.started_at == comment_run.succeeded_at == ran_at
    assert comment_run.failed_at is None and comment_run.error is None
    assert comment_run.every_seconds == 60
    shown = health(bot)
    assert "Comment reminders" in shown and "ran Wed 25 Nov, 10:01" in shown
    assert "overdue" not in shown


def test_a_sweep_that_stops_running_shows_as_overdue(bot: RunningBot) -> None:
    bot.tick(COMMENT_SWEEP_JOB)
    bot.tick(INCIDENT_SWEEP_JOB)
    bot.clock.advance(timedelta(minutes=5))  # more than 3 × the minute between sweeps
    bot.tick(COMMENT_SWEEP_JOB)  # only the comment sweep carries on

    shown = health(bot)
    assert "Comment reminders* — ran Wed 25 Nov, 10:05" in shown
    assert "Incident reminders* — overdue: no run has finished for 5m" in shown
    assert "Retention* — not run yet" in shown  # its day has not passed
    assert "to look at" in shown


def test_a_failed_run_is_recorded_by_its_exception_class_only(database_url: str) -> None:
    engine = make_engine(database_url)
    clock = ManualClock(START)
    recorder = JobRuns(make_session_factory(engine), clock)

    def fails() -> None:
        raise ValueError("Jane Doe's report could not be sent")  # a message with a name in it

    with pytest.raises(ValueError):
        recorder.recorded("example", 60, fails)()
    with session_scope(make_session_factory(engine)) as session:
        run = session.get(JobRun, "example")
        assert run is not None
        assert run.failed_at == START and run.succeeded_at is None and run.error == "ValueError"
    clock.advance(timedelta(minutes=1))
    assert recorder.recorded("example", 60, lambda: 7)() == 7
    with session_scope(make_session_factory(engine)) as session:
        run = session.get(JobRun, "example")
        assert run is not None and run.succeeded_at == START + timedelta(minutes=1)
        assert run.failed_at == START  # the last failure is kept, and is now behind a success
    engine.dispose()


def test_recording_never_makes_a_sweep_fail(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'no-tables.db'}")  # job_runs does not exist
    recorder = JobRuns(make_session_factory(engine), ManualClock(START))
    recorder.register({"example": 60})
    assert recorder.recorded("example", 60, lambda: 3)() == 3
    engine.dispose()


def test_healthz_mentions_a_sweep_badly_overdue_but_stays_ok(bot: RunningBot) -> None:
    assert httpx.get(f"{bot.base_url}/healthz").json() == {"status": "ok"}
    bot.clock.advance(timedelta(minutes=11))  # ten minutes without a run
    for job in bot.runtime.scheduler.get_jobs():
        if job.id != INCIDENT_SWEEP_JOB:
            bot.tick(job.id)

    answer = httpx.get(f"{bot.base_url}/healthz")
    assert answer.status_code == 200  # a restart would not mend it: the bot still answers
    assert answer.json() == {"status": "ok", "sweeps_overdue": [INCIDENT_SWEEP_JOB]}
    bot.tick(INCIDENT_SWEEP_JOB)
    assert httpx.get(f"{bot.base_url}/healthz").json() == {"status": "ok"}


# Deliveries ---------------------------------------------------------------------------------


def test_a_dm_slack_refuses_shows_as_being_retried_then_given_up(bot: RunningBot) -> None:
    bot.stand_in.unreachable.add(REPORTER)  # Slack refuses to open a DM with them
    submit_report(bot, at_risk=checkboxes("at_risk"))
    failed_at = bot.clock.now()

    shown = health(bot)
    assert "1 × confirmation to the reporter, failing since Wed 25 Nov, 10:00" in shown
    with session_scope(bot.runtime.services.sessions) as session:
        confirm = session.scalars(
            select(IncidentNotice).where(IncidentNotice.kind == "confirm")
        ).one()
        assert confirm.first_failed_at == failed_at and confirm.given_up_at is None

    for _ in range(3):
        bot.clock.advance(timedelta(seconds=30))
        bot.tick(INCIDENT_SWEEP_JOB)
    shown = health(bot)
    assert "confirmation to the reporter, failing" not in shown
    assert "Given up on in the last 30 days" in shown
    assert "1 × confirmation to the reporter, last Wed 25 Nov, 10:01" in shown
    assert REPORTER not in shown  # counts and kinds, never who


def test_kinds_are_shown_without_the_ids_in_them() -> None:
    assert kind_of("urgent-dm:U0SLT0001") == "urgent-dm"
    assert kind_of("reminder-14400-dm") == "reminder-dm"
    assert kind_of("idle-1764064800-2") == "idle"
    assert kind_of("digest-2026-11-30:slack") == "digest"


# Configuration and the policy ---------------------------------------------------------------


def test_a_missing_slt_channel_shows_what_it_breaks_and_how_to_fix_it(
    bot_factory: Callable[..., RunningBot],
) -> None:
    bot = bot_factory(**{**SETTINGS, "slt_channel": None})
    shown = health(bot)
    assert "No SLT channel" in shown
    assert "escalations and incident alerts have nowhere to go" in shown
    assert "To fix: Set it in the bot's settings (App Home in Slack" in shown
    assert "No moderators" not in shown and "No school accounts" not in shown


def test_nothing_configured_but_the_administrators_lists_each_problem(
    bot_factory: Callable[..., RunningBot],
) -> None:
    bot = bot_factory(slt_channel=None, admin_users=[ADMIN])
    shown = health(bot, ADMIN)
    for problem in (
        "No SLT channel",
        "No moderators' channel",
        "No SLT named",
        "No moderators named",
        "No school accounts listed",
    ):
        assert problem in shown
    assert "No account administrators" not in shown


def test_a_policy_review_date_in_the_past_shows(bot_factory: Callable[..., RunningBot]) -> None:
    bot = bot_factory(**SETTINGS, policy_review_due=date(2026, 9, 1))
    assert "its review was due on 1 September 2026 and is overdue" in health(bot)


def test_a_review_within_30_days_is_flagged(bot_factory: Callable[..., RunningBot]) -> None:
    bot = bot_factory(**SETTINGS, policy_review_due=date(2026, 12, 10))
    assert "review due on 10 December 2026, in 15 days" in health(bot)


def test_a_review_far_off_is_not(bot_factory: Callable[..., RunningBot]) -> None:
    bot = bot_factory(**SETTINGS, policy_review_due=date(2027, 9, 1))
    bot.tick(COMMENT_SWEEP_JOB)
    shown = health(bot)
    assert "✅ Live policy: version " in shown and "— review due on 1 September 2027" in shown


# Who sees it --------------------------------------------------------------------------------


def home(bot: RunningBot, user: str) -> str:
    before = len(bot.stand_in.to("views.publish"))
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    published = bot.stand_in.wait_for("views.publish", before + 1)[-1]
    assert published.params["user_id"] == user
    return json.dumps(published.params["view"], ensure_ascii=False)


def test_only_slt_and_administrators_see_it(bot: RunningBot) -> None:
    refused = health(bot, STAFF)
    assert NOT_ALLOWED in refused and "Sweeps" not in refused
    assert "Sweeps" in health(bot, ADMIN)
    assert "Bot health" in home(bot, SLT)
    assert "Bot health" in home(bot, ADMIN)
    assert "Bot health" not in home(bot, STAFF)


def test_help_lists_the_command(bot: RunningBot) -> None:
    assert "/socialpolicy health" in json.dumps(bot.slack.command("help").json())


def test_when_is_shown_in_the_schools_time(bot: RunningBot) -> None:
    bot.clock.set(datetime(2026, 7, 1, 9, 0, tzinfo=UTC))  # British Summer Time
    bot.tick(COMMENT_SWEEP_JOB)
    assert "ran Wed 1 Jul, 10:00" in health(bot)

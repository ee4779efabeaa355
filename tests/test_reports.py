"""The weekly digest and the CSV report, checked against a known week of records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.app.jobs import DIGEST_JOB
from tests.conftest import RunningBot
from tests.report_data import MONDAY_8AM, SECRET, record_a_week

SLT = "U0SLT0001"
STAFF = "U0STAFF01"


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    bot = bot_factory(slt_users=[SLT], digest_day="Monday", digest_time="08:00")
    record_a_week(bot.runtime.services, staff=STAFF, slt=SLT)
    return bot


def test_weekly_digest_with_figures_and_a_real_chart(bot: RunningBot) -> None:
    bot.clock.set(MONDAY_8AM - timedelta(minutes=1))
    assert bot.tick(DIGEST_JOB) == 0
    bot.clock.set(MONDAY_8AM + timedelta(minutes=1))

    assert bot.tick(DIGEST_JOB) == 1
    assert bot.tick(DIGEST_JOB) == 0

    digest = next(c for c in bot.stand_in.to("chat.postMessage") if "in figures" in c.text)
    assert digest.params["channel"] == "C0SLT0001"
    text = digest.text
    assert "*Comments logged:* 4 · *answered within 24 hours:* 2 (50%)" in text
    assert "median 10h 00m, 90th percentile 1d 2h" in text and "*breaches:* 2" in text
    assert "*Incidents opened:* Bullying or harassment 1, Copyright 1" in text
    assert "*Incidents closed:* Bullying or harassment 1" in text
    assert "acknowledge a case:* 30m" in text
    assert "*Open account handovers:* 0 · *drafts awaiting a second opinion:* 0" in text
    assert SECRET not in text
    chart = bot.stand_in.to("file_upload")[0].params["bytes"]
    assert chart.startswith(b"\x89PNG\r\n\x1a\n") and len(chart) > 5000
    assert bot.stand_in.to("files.completeUploadExternal")[0].params

    bot.clock.advance(timedelta(weeks=1))
    assert bot.tick(DIGEST_JOB) == 1


def test_report_csv_by_dm_for_slt_only(bot: RunningBot) -> None:
    assert "Only SLT" in bot.slack.command("report-csv 2026-11-16 2026-11-22", user=STAFF).text
    assert "Give two dates" in bot.slack.command("report-csv last week", user=SLT).text

    bot.slack.command("report-csv 2026-11-16 2026-11-22", user=SLT)
    bot.settle()

    assert bot.stand_in.to("conversations.open")[-1].params["users"] == SLT
    csv_text = bot.stand_in.to("file_upload")[0].params["bytes"].decode()
    assert "comments logged,4" in csv_text and "breaches,2" in csv_text
    assert "INC-2026-0001,bullying" in csv_text
    assert SECRET not in csv_text

    bot.slack.command("report-csv 16/11/2026 to 22/11/2026", user=SLT)  # as UK staff write
    bot.settle()
    assert bot.stand_in.to("file_upload")[1].params["bytes"].decode() == csv_text

"""Retention: what is past its period goes (audited, content-free); held cases stay; and a
subject-access export of one person."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app.cli import main
from bot.app.jobs import RETENTION_JOB
from bot.submissions import KEPT
from store.db import session_scope
from store.models import (
    AuditEvent,
    Comment,
    DraftReview,
    Incident,
    Question,
    RetentionEvent,
    Submission,
)
from tests.conftest import RunningBot
from tests.slack_requests import radio, text_input
from tests.slack_requests import select as choose
from tests.test_comments import MODERATOR, MODS_CHANNEL, comment_form, posts_to
from tests.test_comments import log_comment as log_one
from tests.test_incidents import DETAILS, REPORTER, SLT, click, submit_report


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(
        slt_users=[SLT],
        moderators_channel=MODS_CHANNEL,
        moderator_users=[MODERATOR],
        school_accounts=["Facebook: @ourschool"],
        retention_comments_days=30,
        retention_questions_days=30,
        retention_reviews_days=30,
        retention_incidents_days=60,
    )


def rows(bot: RunningBot, model: type) -> list:  # type: ignore[type-arg]
    with session_scope(bot.runtime.services.sessions) as session:
        return list(session.scalars(select(model).order_by(*model.__table__.primary_key)))


def resolve_case(bot: RunningBot, view_id: str) -> None:
    submit_report(bot, view_id=view_id)
    incident = rows(bot, Incident)[-1]
    bot.modals.submit(
        "incident.resolve_submit",
        {"outcome": choose("nfa"), "note": text_input("")},
        user=SLT,
        private_metadata=f"{incident.id}:{incident.version}",
    )
    bot.settle()


def test_retention_removes_what_is_past_its_period_but_not_held_cases(bot: RunningBot) -> None:
    answered = log_one(bot, received=bot.clock.now())
    log_one(bot, received=bot.clock.now())  # still open: kept however old
    bot.modals.submit(
        "comment.responded",
        {"response": radio("answered"), "note": text_input("")},
        user=MODERATOR,
        private_metadata=str(answered.id),
    )
    bot.slack.command("where is the staff car park", user=REPORTER)
    draft = {"account": "Facebook: @ourschool", "context": "", "draft": "Trip on Friday"}
    bot.modals.submit("review.submit", {k: text_input(v) for k, v in draft.items()}, user=REPORTER)
    bot.settle()
    review = rows(bot, DraftReview)[0]
    bot.slack.click("review.approve", f"{review.id}:{review.version}", user=SLT)
    bot.settle()
    resolve_case(bot, "V0CASE001")
    resolve_case(bot, "V0CASE002")
    held = rows(bot, Incident)[-1]
    click(bot, "incident.legal_hold", value=f"{held.id}:{held.version}")
    assert "On legal hold" in bot.stand_in.to("chat.update")[-1].text

    bot.clock.advance(timedelta(days=31))
    assert bot.tick(RETENTION_JOB) == 3  # the answered comment, the question, the review
    assert [c.status for c in rows(bot, Comment)] == ["open"]
    assert rows(bot, Question) == [] and rows(bot, DraftReview) == []

    bot.clock.advance(timedelta(days=30))
    assert bot.tick(RETENTION_JOB) == 1  # the unheld resolved case
    first, kept = rows(bot, Incident)
    assert first.details is None and first.reporter == "(removed)"
    assert first.reference == "INC-2026-0001" and first.kind == "image_shared"
    assert kept.details == DETAILS and kept.legal_hold
    assert bot.tick(RETENTION_JOB) == 0

    logged = [(e.record_type, e.record, e.action) for e in rows(bot, RetentionEvent)]
    assert logged == [
        ("comment", f"#{answered.id}", "deleted"),
        ("question", "1 questions", "deleted"),
        ("review", f"#{review.id}", "deleted"),
        ("incident", "INC-2026-0001", "anonymised"),
    ]
    assert all(
        "car park" not in e.rule and DETAILS not in e.rule for e in rows(bot, RetentionEvent)
    )
    assert "anonymised" in [e.action for e in rows(bot, AuditEvent)]


def test_export_of_everything_held_about_one_person(
    bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    submit_report(bot)
    click(bot, "incident.take_lead")
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["export", "--user", SLT]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["incident_cases"][0]["reference"] == "INC-2026-0001"
    assert exported["incident_cases"][0]["role"] == "lead"
    assert [a["action"] for a in exported["case_actions"]] == ["took_lead"]
    assert DETAILS not in json.dumps(exported)
    assert main(["export", "--user", REPORTER]) == 0
    assert json.loads(capsys.readouterr().out)["incident_cases"][0]["role"] == "reporter"


def test_form_keys_are_forgotten_once_no_copy_can_arrive(bot: RunningBot) -> None:
    """A replay inside the window is still known; a day and more later the key is gone, and the
    comment it made stays."""
    form = comment_form(bot.clock.now())
    bot.modals.submit("comment.log", form, user=MODERATOR, view_id="V0LOG0001")
    bot.settle()
    assert len(rows(bot, Submission)) == 1

    bot.clock.advance(KEPT - timedelta(minutes=1))
    bot.tick(RETENTION_JOB)
    assert len(rows(bot, Submission)) == 1
    bot.modals.submit("comment.log", form, user=MODERATOR, view_id="V0LOG0001")
    bot.settle()
    assert len(rows(bot, Comment)) == 1  # still answered from the key

    bot.clock.advance(timedelta(minutes=2))
    bot.tick(RETENTION_JOB)
    assert rows(bot, Submission) == []
    assert len(rows(bot, Comment)) == 1
    assert len(posts_to(bot, MODS_CHANNEL)) == 1  # its card, once

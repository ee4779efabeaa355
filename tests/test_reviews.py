"""Second opinions before posting: a draft, reviewers decide, the author is told, all recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app.cli import main
from bot.app.jobs import REVIEW_JOB
from store.db import session_scope
from store.models import DraftReview, ReviewEvent
from tests.conftest import RunningBot
from tests.slack_requests import text_input
from tests.test_comments import MODERATOR, MODS_CHANNEL, log_comment

AUTHOR = "U0STAFF01"
REVIEWER = "U0REVIEW1"
SLT = "U0SLT0001"


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(
        slt_users=[SLT],
        reviewers=[REVIEWER],
        moderators_channel=MODS_CHANNEL,
        moderator_users=[MODERATOR],
        school_accounts=["Facebook: @ourschool"],
    )


def draft(**changes: str) -> dict:  # type: ignore[type-arg]
    fields = {
        "account": "Facebook: @ourschool",
        "context": "Parents asked about the trip",
        "draft": "The trip goes ahead on Friday; kit lists are on the website.",
    }
    fields.update(changes)
    return {k: text_input(v) for k, v in fields.items()}


def stored(bot: RunningBot) -> DraftReview:
    with session_scope(bot.runtime.services.sessions) as session:
        return session.scalars(select(DraftReview)).one()


def card_posts(bot: RunningBot) -> list:  # type: ignore[type-arg]
    return [c for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == "C0SLT0001"]


def dm(bot: RunningBot, user: str) -> str:
    return [
        c.text for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == "D" + user[1:]
    ][-1]


def send_back(bot: RunningBot, review: DraftReview, notes: str) -> None:
    bot.modals.submit(
        "review.send_back_submit",
        {"notes": text_input(notes)},
        user=SLT,
        private_metadata=f"{review.id}:{review.version}",
    )
    bot.settle()


def test_submit_and_approve(bot: RunningBot) -> None:
    bot.slack.command("review", user=AUTHOR)
    assert bot.stand_in.wait_for("views.open")[0].params["view"]["callback_id"] == "review.submit"
    empty = bot.modals.submit("review.submit", draft(draft=" "), user=AUTHOR).json()
    assert "Paste the draft" in empty["errors"]["draft"]

    assert not bot.modals.submit("review.submit", draft(), user=AUTHOR).content
    bot.settle()
    card = card_posts(bot)[0]
    assert f"<@{REVIEWER}>" in card.text and "The trip goes ahead on Friday" in card.text
    review = stored(bot)

    bot.slack.click("review.approve", f"{review.id}:{review.version}", user=AUTHOR)
    bot.settle()
    assert "Only the named reviewers" in bot.stand_in.to("response_url")[-1].text
    bot.slack.click("review.approve", f"{review.id}:{review.version}", user=REVIEWER)
    bot.settle()
    assert "Approved by <@U0REVIEW1>" in bot.stand_in.to("chat.update")[-1].text
    assert "was approved" in dm(bot, AUTHOR)
    bot.slack.click("review.approve", f"{review.id}:{review.version}", user=SLT)
    bot.settle()
    assert "already approved" in bot.stand_in.to("response_url")[-1].text


def test_send_back_with_notes_and_the_record_is_kept(bot: RunningBot) -> None:
    bot.modals.submit("review.submit", draft(), user=AUTHOR)
    bot.settle()
    review = stored(bot)
    missing = bot.modals.submit(
        "review.send_back_submit",
        {"notes": text_input("")},
        user=SLT,
        private_metadata=f"{review.id}:{review.version}",
    )
    assert "Say what should change" in missing.json()["errors"]["notes"]

    send_back(bot, review, "Add the date")
    assert "sent back" in dm(bot, AUTHOR) and "Add the date" in dm(bot, AUTHOR)
    with session_scope(bot.runtime.services.sessions) as session:
        steps = [(e.actor, e.action) for e in session.scalars(select(ReviewEvent))]
    assert steps == [(AUTHOR, "submitted"), (SLT, "returned")]


def test_a_subject_access_export_holds_drafts_and_decisions(
    bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot.modals.submit("review.submit", draft(), user=AUTHOR)
    bot.settle()
    review = stored(bot)
    send_back(bot, review, "Add the date")
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["export", "--user", AUTHOR]) == 0
    [mine] = json.loads(capsys.readouterr().out)["draft_reviews"]
    assert (mine["role"], mine["status"], mine["notes"]) == ("author", "returned", "Add the date")
    assert "The trip goes ahead" in mine["draft"]
    assert main(["export", "--user", SLT]) == 0
    [decided] = json.loads(capsys.readouterr().out)["draft_reviews"]
    assert decided["role"] == "reviewer" and "draft" not in decided


def test_pending_drafts_are_reminded_until_decided(bot: RunningBot) -> None:
    bot.modals.submit("review.submit", draft(), user=AUTHOR)
    bot.settle()
    assert bot.tick(REVIEW_JOB) == 0
    bot.clock.advance(timedelta(hours=4, minutes=1))
    assert bot.tick(REVIEW_JOB) == 1
    assert "still waiting for review" in card_posts(bot)[-1].text
    assert card_posts(bot)[-1].params["thread_ts"] == stored(bot).card_ts

    review = stored(bot)
    bot.slack.click("review.approve", f"{review.id}:{review.version}", user=REVIEWER)
    bot.settle()
    bot.clock.advance(timedelta(hours=5))
    assert bot.tick(REVIEW_JOB) == 0


def test_draft_a_reply_from_a_comment_card(bot: RunningBot) -> None:
    comment = log_comment(bot, received=bot.clock.now())
    bot.slack.click("review.open", str(comment.id), user=MODERATOR)
    bot.settle()

    view = bot.stand_in.to("views.open")[-1].params["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["account"]["element"]["initial_value"] == "Facebook: @ourschool"
    assert "Parent unhappy" in blocks["context"]["element"]["initial_value"]
    assert view["private_metadata"] == str(comment.id)

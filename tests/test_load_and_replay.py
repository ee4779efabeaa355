"""Bursts and replays: every submission acknowledged, and each stored exactly once however often
it arrives; a replay is answered as the first time; two people never share a submission."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.models import Comment, DraftReview, Incident, SchoolAccount
from tests.conftest import RunningBot
from tests.slack_requests import checkboxes
from tests.test_accounts import application
from tests.test_comments import comment_form
from tests.test_incidents import report_form
from tests.test_reviews import draft

MODERATORS = [f"U0MOD000{n}" for n in range(1, 5)]
SLT = "U0SLT0001"
MODS_CHANNEL = "C0MODS001"
SLT_CHANNEL = "C0SLT0001"


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(
        moderators_channel=MODS_CHANNEL,
        moderator_users=MODERATORS,
        slt_users=[SLT],
        school_accounts=["Facebook: @ourschool", "Instagram: @ourschool_pe"],
    )


def count(bot: RunningBot, model: type[Any]) -> int:
    with session_scope(bot.runtime.services.sessions) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def submission(bot: RunningBot, kind: str, n: int) -> tuple[str, dict[str, Any], str]:
    """Form `kind` as person n submits it: callback id, fields, user."""
    now = bot.clock.now()
    if kind == "comment":
        return "comment.log", comment_form(now), MODERATORS[n % len(MODERATORS)]
    if kind == "incident":
        return "incident.report", report_form(now), f"U0STAFF{n:02d}"
    if kind == "account":
        return "account.apply", application(), f"U0TEACH{n:02d}"
    return "review.submit", draft(), f"U0STAFF{n:02d}"


KINDS = ("comment", "incident", "account", "review")
MODELS = {"comment": Comment, "incident": Incident, "account": SchoolAccount, "review": DraftReview}


def test_a_burst_of_mixed_submissions_each_sent_twice_is_stored_exactly_once(
    bot: RunningBot,
) -> None:
    def send(n: int) -> httpx.Response:
        callback, fields, user = submission(bot, KINDS[n % 4], n // 2)
        return bot.modals.submit(callback, fields, user=user, view_id=f"V0BURST{n // 2:02d}")

    # 16 submissions, each arriving twice at once (Slack's retry, a double click).
    with ThreadPoolExecutor(32) as pool:
        responses = list(pool.map(send, [n for n in range(16) for _ in range(2)]))
    bot.settle()

    assert [r.status_code for r in responses] == [200] * 32
    assert {kind: count(bot, model) for kind, model in MODELS.items()} == {
        "comment": 4,
        "incident": 4,
        "account": 4,
        "review": 4,
    }
    cards = [c for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == MODS_CHANNEL]
    assert len(cards) == 4  # one card per comment
    slt = [c for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == SLT_CHANNEL]
    assert len(slt) == 4 + 4 + 4  # each case, application and draft shown to SLT once


@pytest.mark.parametrize("kind", KINDS)
def test_a_replayed_submission_creates_nothing_new_and_gets_the_same_answer(
    bot: RunningBot, kind: str
) -> None:
    callback, fields, user = submission(bot, kind, 1)
    if kind == "comment":  # an answer with content: the "report it to SLT?" view
        fields["offensive"] = checkboxes("offensive")
    first = bot.modals.submit(callback, fields, user=user, view_id="V0REPLAY1")
    bot.settle()
    posted = len(bot.stand_in.to("chat.postMessage"))

    again = bot.modals.submit(callback, fields, user=user, view_id="V0REPLAY1")
    bot.settle()

    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert count(bot, MODELS[kind]) == 1
    assert len(bot.stand_in.to("chat.postMessage")) == posted  # nothing sent again


@pytest.mark.parametrize("kind", KINDS)
def test_two_people_whose_forms_share_a_view_id_each_get_their_own_record(
    bot: RunningBot, kind: str
) -> None:
    answers = []
    for n in (1, 2):
        callback, fields, user = submission(bot, kind, n)
        answers.append(bot.modals.submit(callback, fields, user=user, view_id="V0SAMEID1"))
        bot.settle()

    assert count(bot, MODELS[kind]) == 2
    if kind == "incident":  # each reporter is shown their own case's reference
        with session_scope(bot.runtime.services.sessions) as session:
            references = list(session.scalars(select(Incident.reference).order_by(Incident.id)))
        assert [r for r in references if r in answers[0].text] == [references[0]]
        assert [r for r in references if r in answers[1].text] == [references[1]]


def test_with_slack_taking_4_seconds_a_question_and_a_form_are_acknowledged_within_3(
    bot: RunningBot,
) -> None:
    bot.slack.command("help")  # Bolt checks its token (auth.test) once, on the first request
    bot.stand_in.delay = 4.0
    callback, fields, user = submission(bot, "comment", 1)
    started = time.monotonic()
    submitted = bot.modals.submit(callback, fields, user=user, view_id="V0SLOW001")
    form_ack = time.monotonic() - started

    # Asked while the comment's card is still being posted: the question is stored meanwhile.
    started = time.monotonic()
    asked = bot.slack.command("can I friend a former pupil?")
    question_ack = time.monotonic() - started

    assert submitted.status_code == asked.status_code == 200
    assert "pupil" in asked.text.lower()
    assert form_ack < 3.0 and question_ack < 3.0
    bot.settle()
    assert count(bot, Comment) == 1


def test_a_burst_to_one_channel_leaves_cards_to_the_sweep_and_never_holds_a_listener(
    bot_factory: Callable[..., RunningBot],
) -> None:
    """Slack takes one message a second per channel. Eight comments logged in the same instant:
    the listeners post the cards the channel can take within a couple of seconds and leave the
    rest owed (a listener sleeping for minutes would starve the next person's acknowledgement);
    the next sweep posts those, each card once."""
    bot = bot_factory(
        burst=True,
        moderators_channel=MODS_CHANNEL,
        moderator_users=MODERATORS,
        school_accounts=["Facebook: @ourschool"],
    )

    def log(n: int) -> httpx.Response:
        fields = comment_form(bot.clock.now())
        return bot.modals.submit("comment.log", fields, user=MODERATORS[n % 4], view_id=f"V{n}")

    responses = [log(n) for n in range(8)]
    bot.settle()

    assert [r.status_code for r in responses] == [200] * 8
    assert count(bot, Comment) == 8

    def cards() -> list[Any]:
        return [
            c for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == MODS_CHANNEL
        ]

    assert len(cards()) == 3  # this second's slot and the next two; the rest wait for the sweep
    assert bot.time.slept <= 3 * 2.0

    bot.tick()

    assert len(cards()) == 8
    with session_scope(bot.runtime.services.sessions) as session:
        posted = session.scalars(select(Comment.card_ts)).all()
    assert len(set(posted)) == 8 and None not in posted

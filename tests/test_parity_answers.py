"""The policy's answers through both front ends at once: the same answer, sections, topics,
help and replies in Slack and Teams, all drawn from one view model; Ask SLT goes once however
often it is clicked, and an answer never waits on the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.questions.actions import ALREADY_WITH_SLT, Answered
from handlers.present import answers as present
from handlers.present.verbs import Action
from store.db import session_scope
from store.models import Question
from tests.conftest import RunningBot
from tests.teams_bot import SLT_CONVERSATION, STAFF
from tests.teams_standin import BotConnectorStandIn
from tests.two_front_ends import (
    SLACK_STAFF,
    SLT_CHANNEL,
    TwoFrontEnds,
    model_shown,
    same_offer,
    slack_shown,
    start,
    teams_shown,
)

QUESTION = "can i follow an ex student on insta"


@pytest.fixture
def both(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> TwoFrontEnds:
    return start(bot_factory, connector)


def _ask(both: TwoFrontEnds, words: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same words asked in Slack and in Teams: each front end's answer."""
    slack = both.bot.slack.command(words, user=SLACK_STAFF).json()
    both.teams.message(words, user=STAFF)
    return slack, both.teams_card(f"a:{STAFF}")


def _questions(both: TwoFrontEnds) -> list[Question]:
    with session_scope(both.bot.runtime.services.sessions) as session:
        return list(session.scalars(select(Question).order_by(Question.asked_at)))


def _model(both: TwoFrontEnds, words: str, *, teams: bool) -> Any:
    services = both.bot.runtime.services
    answered = Answered(
        asked=services.policy.ask(words),
        question_id="-",
        version=services.policy.version,
    )
    return model_shown(
        present.answer_card(answered, can_ask_slt=True, can_share=not teams), teams=teams
    )


@pytest.mark.parametrize("words", [QUESTION, "where do i order whiteboard pens"])
def test_an_answer_is_the_same_on_both(both: TwoFrontEnds, words: str) -> None:
    slack_payload, teams_card = _ask(both, words)
    slack, teams = slack_shown(slack_payload), teams_shown(teams_card)

    assert slack == _model(both, words, teams=False)
    assert teams == _model(both, words, teams=True)
    assert slack.lines == teams.lines
    # Sharing in a channel is Slack's: a Teams answer is already where it was asked.
    shared = [b for b in slack.buttons if b[1] == Action.SHARE]
    assert [b for b in slack.buttons if b not in shared] == list(teams.buttons)
    assert len(_questions(both)) == 2


def test_help_topics_and_sections_are_the_same_on_both(both: TwoFrontEnds) -> None:
    policy = both.bot.runtime.services.policy
    section = policy.find_section("photographs")
    assert section is not None
    for words, card in (
        ("help", present.help_card()),
        ("topics", present.topics_card(policy.topics(), version=policy.version)),
        ("section photographs", present.section_card(section, version=policy.version)),
        ("section quantum physics", present.section_not_found_card("quantum physics")),
    ):
        slack_payload, teams_card = _ask(both, words)
        slack, teams = slack_shown(slack_payload), teams_shown(teams_card)
        assert slack == model_shown(card, teams=False), words
        assert teams == model_shown(card, teams=True), words
        assert slack.lines == teams.lines and same_offer(slack, teams), words
    assert _questions(both) == []


def test_the_answers_buttons_reply_the_same_on_both(both: TwoFrontEnds) -> None:
    bot = both.bot
    slack_payload, teams_card = _ask(both, QUESTION)
    slack_values = {
        e["action_id"]: e.get("value")
        for b in slack_payload["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }
    teams_data = {a["verb"]: a["data"] for a in teams_card["actions"]}

    bot.slack.click(Action.WHOLE_SECTION, slack_values[Action.WHOLE_SECTION], user=SLACK_STAFF)
    teams_section = both.teams.execute(
        Action.WHOLE_SECTION, teams_data[Action.WHOLE_SECTION], user=STAFF
    ).json()["value"]
    slack_section = slack_shown(bot.stand_in.wait_for("response_url")[0].params)
    assert slack_section.lines == teams_shown(teams_section).lines
    assert any("Pupils and former pupils" in line for line in slack_section.lines)

    for verb, helpful in ((Action.HELPFUL, True), (Action.NOT_HELPFUL, False)):
        bot.slack.click(verb, slack_values[verb], user=SLACK_STAFF)
        teams_reply = both.teams.execute(verb, teams_data[verb], user=STAFF).json()["value"]
        reply = present.feedback_reply(helpful=helpful, found=True)
        assert bot.stand_in.to("response_url")[-1].params["text"] == reply
        assert teams_shown(teams_reply).lines == (reply,)
    assert {q.feedback for q in _questions(both)} == {-1}


def test_ask_slt_goes_once_whichever_front_end(both: TwoFrontEnds) -> None:
    bot = both.bot
    slack_payload, teams_card = _ask(both, "where do i order whiteboard pens")
    slack_value = next(
        e["value"]
        for b in slack_payload["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.ASK_SLT
    )
    teams_data = next(a["data"] for a in teams_card["actions"] if a["verb"] == Action.ASK_SLT)

    replies: list[str] = []
    for count in (1, 2):
        bot.slack.click(Action.ASK_SLT, slack_value, user=SLACK_STAFF)
        replies.append(bot.stand_in.wait_for("response_url", count)[-1].params["text"])
    teams_replies = [
        teams_shown(both.teams.execute(Action.ASK_SLT, teams_data, user=STAFF).json()["value"])
        for _ in (1, 2)
    ]
    assert replies == [present.SENT_TO_SLT, ALREADY_WITH_SLT]
    assert [r.lines for r in teams_replies] == [(present.SENT_TO_SLT,), (ALREADY_WITH_SLT,)]

    slack_posts = [
        c.params for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == SLT_CHANNEL
    ]
    teams_posts = both.connector.to(SLT_CONVERSATION)
    assert len(slack_posts) == 1 and len(teams_posts) == 1
    slack_question = slack_shown(slack_posts[0])
    assert slack_question.lines == teams_shown(both.teams_card(SLT_CONVERSATION)).lines
    assert slack_question.lines[0] == "STAFF asked a policy question the bot couldn't settle:"
    assert {q.asked_by for q in _questions(both)} == {SLACK_STAFF, STAFF}


def test_an_answer_goes_out_when_the_question_cannot_be_kept(both: TwoFrontEnds) -> None:
    with both.bot.runtime.engine.begin() as connection:
        connection.execute(text("DROP TABLE questions"))

    slack_payload, teams_card = _ask(both, QUESTION)

    slack, teams = slack_shown(slack_payload), teams_shown(teams_card)
    assert slack == _model(both, QUESTION, teams=False)
    assert teams == _model(both, QUESTION, teams=True)
    assert any("Pupils and former pupils" in line for line in teams.lines)

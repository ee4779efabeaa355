"""The rules every payload in the suite is checked against (by the Slack and Teams stand-ins and
senders) catch what the platforms refuse: each rule shown failing on a payload that breaks it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from slack_sdk import WebClient

from handlers.present.model import Button, Card, Strong, line
from handlers.present.verbs import IncidentAction
from handlers.slack import render as slack_render
from handlers.teams import render as teams_render
from handlers.teams.account_cards import people_picker
from handlers.teams.cards import card, text_input
from tests.contracts import adaptive_cards, slack_payloads
from tests.slack_standin import SlackStandIn


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


GOOD_MESSAGE: dict[str, Any] = {"text": "hello", "blocks": [section("hello")]}


@pytest.mark.parametrize(
    "params",
    [
        {"text": "x", "blocks": [section("x" * 3001)]},
        {
            "text": "x",
            "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
        },
        {
            "text": "x",
            "blocks": [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "b" * 76},
                            "action_id": "a",
                        }
                    ],
                }
            ],
        },
        {"text": "x", "blocks": [section("x")] * 51},
        {"text": "x", "blocks": [{"type": "no_such_block"}]},
        {"text": "hi <!channel>", "blocks": [section("x")]},
    ],
    ids=["section text", "header text", "button text", "51 blocks", "unknown block", "broadcast"],
)
def test_a_message_slack_would_refuse_is_caught(params: dict[str, Any]) -> None:
    assert slack_payloads.problems("chat.postMessage", GOOD_MESSAGE) == []
    assert slack_payloads.problems("chat.postMessage", params)


def test_a_view_slack_would_refuse_is_caught() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Report"},
        "blocks": [section("x")],
    }
    assert slack_payloads.problems("views.open", {"view": view}) == []
    long_title = copy.deepcopy(view)
    long_title["title"]["text"] = "A title far over the limit"
    assert slack_payloads.problems("views.open", {"view": long_title})
    assert slack_payloads.problems("views.open", {"view": {**view, "private_metadata": "m" * 3001}})


def test_the_slack_stand_in_records_what_slack_would_refuse() -> None:
    stand_in = SlackStandIn()
    try:
        client = WebClient(token="xoxb-test", base_url=stand_in.api_url)
        client.chat_postMessage(channel="C0000000001", text="ok", blocks=[section("ok")])
        assert stand_in.violations == []
        client.chat_postMessage(channel="C0000000001", text="x", blocks=[section("x" * 3001)])
        assert len(stand_in.violations) == 1
    finally:
        stand_in.close()


def test_user_text_in_a_view_model_never_pings() -> None:
    hostile = Card(
        summary="<!channel> hi", lines=(line("<!channel> <@U123> & ", Strong("<!here>")),)
    )
    assert slack_payloads.problems("chat.postMessage", slack_render.render(hostile)) == []


def good_card() -> dict[str, Any]:
    return card({"type": "TextBlock", "text": "hello", "wrap": True})


@pytest.mark.parametrize(
    "break_it",
    [
        lambda c: c["body"].append({"type": "NoSuchElement"}),
        lambda c: c.update(
            actions=[{"type": "Action.Execute", "title": f"b{i}", "verb": "v"} for i in range(7)]
        ),
        lambda c: c.update(actions=[{"type": "Action.Execute", "title": "No verb"}]),
        lambda c: c["body"].append({"type": "Input.Text", "id": "x", "isRequired": True}),
        lambda c: c["body"].append({"type": "TextBlock", "text": "use `code`"}),
        lambda c: c.update(version="2.0"),
    ],
    ids=[
        "schema",
        "seven actions",
        "execute without verb",
        "no errorMessage",
        "code span",
        "version",
    ],
)
def test_a_card_teams_would_refuse_is_caught(break_it: Any) -> None:
    assert adaptive_cards.problems(good_card()) == []
    broken = good_card()
    break_it(broken)
    assert adaptive_cards.problems(broken)


def test_a_people_picker_needs_version_1_6_and_gets_it() -> None:
    picked = card(people_picker("lead", "Lead", required=True))
    assert picked["version"] == "1.6"
    assert adaptive_cards.problems(picked) == []
    assert adaptive_cards.problems({**picked, "version": "1.5"})


def test_required_inputs_say_what_is_missing() -> None:
    built = card(text_input("summary", "Summary", limit=100, required=True))
    assert built["body"][0]["errorMessage"] == "Summary: please fill this in."


def test_buttons_beyond_what_teams_shows_go_to_its_overflow_menu() -> None:
    many = Card(
        summary="A case",
        buttons=tuple(Button(IncidentAction.TAKE_LEAD, f"Step {i}") for i in range(8)),
    )
    rendered = teams_render.render(many, lambda user: user)
    assert adaptive_cards.problems(rendered) == []
    assert [a.get("mode") for a in rendered["actions"]] == [None] * 5 + ["secondary"] * 3


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("task/fetch", {"task": {"type": "continue", "value": {"title": "x"}}}),
        ("task/submit", {"status": "ok"}),
        ("adaptiveCard/action", {"statusCode": 500, "value": "oops"}),
        ("adaptiveCard/action", {"statusCode": 200, "type": "text/plain", "value": "hi"}),
    ],
    ids=["continue without card", "no task", "not 200", "unknown type"],
)
def test_an_invoke_answer_teams_does_not_take_is_caught(name: str, body: Any) -> None:
    good = {
        "task/fetch": {"task": {"type": "message", "value": "Done."}},
        "task/submit": {"task": {"type": "message", "value": "Done."}},
        "adaptiveCard/action": {
            "statusCode": 200,
            "type": adaptive_cards.CARD_TYPE,
            "value": good_card(),
        },
    }
    assert adaptive_cards.invoke_problems(name, good[name]) == []
    assert adaptive_cards.invoke_problems(name, body)

"""The comment log through both front ends at once: the same card, reminders, escalation,
pending list and refusals in Slack and Teams, all drawn from one view model."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.comments.actions import NOT_A_MODERATOR
from bot.comments.service import CommentFacts
from handlers.present import comments as present
from handlers.present.verbs import CommentAction
from store.db import session_scope
from store.models import Comment
from tests.conftest import RunningBot
from tests.slack_requests import checkboxes, datetime_input, radio, text_input
from tests.slack_requests import select as choose
from tests.teams_bot import MODERATOR, MODS_CONVERSATION, SLT_CONVERSATION, STAFF
from tests.teams_standin import BotConnectorStandIn
from tests.two_front_ends import (
    ACCOUNT,
    MODS_CHANNEL,
    SLACK_MODERATOR,
    SLACK_STAFF,
    SLT_CHANNEL,
    TwoFrontEnds,
    model_shown,
    same_offer,
    slack_shown,
    start,
    teams_shown,
)


@pytest.fixture
def both(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> TwoFrontEnds:
    return start(bot_factory, connector)


def _stored(both: TwoFrontEnds) -> dict[str, Comment]:
    with session_scope(both.bot.runtime.services.sessions) as session:
        return {c.front_end: c for c in session.scalars(select(Comment))}


def _facts(both: TwoFrontEnds) -> dict[str, CommentFacts]:
    return {front: CommentFacts.of(c) for front, c in _stored(both).items()}


def _log_on_both(both: TwoFrontEnds) -> None:
    received = both.bot.clock.now() - timedelta(hours=1)
    local = received.astimezone(both.bot.runtime.services.zone)
    slack_form = {
        "platform": choose("facebook"),
        "account": choose(ACCOUNT),
        "account_other": text_input(None),
        "kind": choose("complaint"),
        "author": choose("parent"),
        "link": text_input("https://facebook.com/ourschool/posts/123"),
        "received_at": datetime_input(int(received.timestamp())),
        "summary": text_input("Parent unhappy that the trip photos are not up yet"),
        "offensive": checkboxes(),
    }
    assert not both.bot.modals.submit("comment.log", slack_form, user=SLACK_MODERATOR).content
    both.bot.settle()
    teams_form = {
        "dialog": "log",
        "platform": "facebook",
        "account": ACCOUNT,
        "kind": "complaint",
        "author": "parent",
        "link": "https://facebook.com/ourschool/posts/123",
        "received_at_date": local.strftime("%Y-%m-%d"),
        "received_at_time": local.strftime("%H:%M"),
        "summary": "Parent unhappy that the trip photos are not up yet",
        "offensive": "false",
    }
    done = both.teams.submit_dialog(teams_form, user=MODERATOR).json()
    assert done["task"]["value"] == present.logged(_facts(both)["teams"])


def _card_now(both: TwoFrontEnds, front: str) -> Any:
    services = both.bot.runtime.services
    return present.comment_card(_facts(both)[front], zone=services.zone, now=services.clock.now())


def _assert_card_parity(both: TwoFrontEnds, slack_payload: dict[str, Any], teams_card: Any) -> None:
    slack, teams = slack_shown(slack_payload), teams_shown(teams_card)
    assert slack == model_shown(_card_now(both, "slack"), teams=False)
    assert teams == model_shown(_card_now(both, "teams"), teams=True)
    assert slack.lines == teams.lines
    assert same_offer(slack, teams)


def test_the_tracking_card_is_the_same_through_its_life(both: TwoFrontEnds) -> None:
    bot = both.bot
    _log_on_both(both)

    posted = bot.stand_in.to("chat.postMessage")[0].params
    _assert_card_parity(both, posted, both.teams_card(MODS_CONVERSATION, "POST"))
    assert (
        posted["text"]
        == present.comment_card(
            _facts(both)["slack"], zone=bot.runtime.services.zone, now=bot.clock.now()
        ).summary
    )
    opened = slack_shown(posted)
    assert [verb for _, verb in opened.buttons][:2] == [CommentAction.RESPOND, CommentAction.ASSIGN]
    assert "dialog:respond" in [
        verb for _, verb in teams_shown(both.teams_card(MODS_CONVERSATION)).buttons
    ]

    comments = _stored(both)
    bot.slack.click("comment.assign", str(comments["slack"].id), user=SLACK_MODERATOR)
    reply = bot.stand_in.wait_for("response_url")[0].params["text"]
    assert reply == present.assigned(_facts(both)["slack"])
    answered = both.teams.execute(
        "comment.assign",
        {"verb": "comment.assign", "comment": comments["teams"].id},
        user=MODERATOR,
        conversation=MODS_CONVERSATION,
    ).json()
    updated = bot.stand_in.wait_for("chat.update")[-1].params
    _assert_card_parity(both, updated, both.teams_card(MODS_CONVERSATION, "PUT"))
    _assert_card_parity(both, updated, answered["value"])  # the invoke's answer is the card too
    assert any("taken on by MODERATOR" in line for line in slack_shown(updated).lines)

    services = bot.runtime.services
    left = timedelta(hours=3, minutes=59)  # just past the four-hour reminder's moment
    bot.clock.set(comments["slack"].due_at - left)
    assert bot.tick() == 4  # each front end: the card's thread, and the assignee directly
    for front, thread, dm in (
        (
            "slack",
            slack_shown(_posts(bot, MODS_CHANNEL)[-1]),
            slack_shown(_posts(bot, "D0MOD0001")[-1]),
        ),
        (
            "teams",
            teams_shown(
                both.teams_card(f"{MODS_CONVERSATION};messageid={comments['teams'].card_ts}")
            ),
            teams_shown(both.teams_card(f"a:{MODERATOR}")),
        ),
    ):
        facts = _facts(both)[front]
        for shown, to_assignee in ((thread, False), (dm, True)):
            expected = present.reminder_card(
                facts,
                left=left,
                late_since=None,
                zone=services.zone,
                to_assignee=to_assignee,
            )
            assert shown == model_shown(expected, teams=front == "teams")
    assert any("3h 59m left to reply" in line for line in thread.lines)

    bot.clock.set(comments["slack"].due_at + timedelta(minutes=1))
    assert bot.tick() == 2
    slack_alert = slack_shown(_posts(bot, SLT_CHANNEL)[-1])
    teams_alert = teams_shown(both.teams_card(SLT_CONVERSATION))
    link = bot.stand_in.to("chat.getPermalink")[-1]
    assert link  # Slack links to the card; Teams has no link to a channel message to give
    for front, shown, card_link in (
        ("slack", slack_alert, "https://example"),
        ("teams", teams_alert, None),
    ):
        expected = present.escalation_card(
            _facts(both)[front],
            late_since=None,
            card_link=card_link,
            zone=services.zone,
            now=bot.clock.now(),
        )
        lines = shown.lines[1:] if front == "slack" else shown.lines  # Slack's SLT mention first
        assert lines == model_shown(expected, teams=front == "teams").lines
    assert slack_alert.lines[1].replace(" See the card.", "") == teams_alert.lines[0]
    overdue_slack = bot.stand_in.to("chat.update")[-1].params
    _assert_card_parity(both, overdue_slack, both.teams_card(MODS_CONVERSATION, "PUT"))

    assert not bot.modals.submit(
        "comment.responded",
        {"response": radio("answered"), "note": text_input("Replied with the upload date")},
        user=SLACK_MODERATOR,
        private_metadata=str(comments["slack"].id),
    ).content
    done = both.teams.submit_dialog(
        {
            "dialog": "respond",
            "comment": comments["teams"].id,
            "response": "answered",
            "note": "Replied with the upload date",
        },
        user=MODERATOR,
    ).json()
    assert done["task"]["value"] == present.responded(_facts(both)["teams"])
    closed = bot.stand_in.wait_for("chat.update", 3)[-1].params
    _assert_card_parity(both, closed, both.teams_card(MODS_CONVERSATION, "PUT"))
    assert slack_shown(closed).buttons == ()
    assert any("Responded (Answered)" in line for line in slack_shown(closed).lines)


def _posts(bot: RunningBot, channel: str) -> list[dict[str, Any]]:
    return [c.params for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == channel]


def test_the_pending_list_and_refusals_say_the_same(both: TwoFrontEnds) -> None:
    bot = both.bot
    services = bot.runtime.services
    empty_slack = slack_shown(bot.slack.command("pending", user=SLACK_MODERATOR).json())
    both.teams.message("pending", user=MODERATOR)
    empty_teams = teams_shown(both.teams_card(f"a:{MODERATOR}"))
    empty = present.pending_card([], zone=services.zone, now=bot.clock.now())
    assert empty_slack == model_shown(empty, teams=False)
    assert empty_teams == model_shown(empty, teams=True)
    assert empty_slack.lines == empty_teams.lines and same_offer(empty_slack, empty_teams)

    _log_on_both(both)
    listed_slack = slack_shown(bot.slack.command("pending", user=SLACK_MODERATOR).json())
    both.teams.message("pending", user=MODERATOR)
    listed_teams = teams_shown(both.teams_card(f"a:{MODERATOR}"))
    waiting = sorted(_facts(both).values(), key=lambda c: (c.due_at, c.id))
    listing = present.pending_card(waiting, zone=services.zone, now=bot.clock.now())
    assert listed_slack == model_shown(listing, teams=False)
    assert listed_teams == model_shown(listing, teams=True)
    assert listed_slack.lines == listed_teams.lines and len(listed_slack.lines) == 3

    refused_slack = bot.slack.command("pending", user=SLACK_STAFF).json()
    both.teams.message("pending", user=STAFF)
    assert NOT_A_MODERATOR in refused_slack["text"]
    assert NOT_A_MODERATOR in teams_shown(both.teams_card(f"a:{STAFF}")).lines
    comment = _stored(both)["teams"]
    refused = both.teams.execute(
        "comment.assign", {"verb": "comment.assign", "comment": comment.id}, user=STAFF
    ).json()
    bot.slack.click("comment.assign", str(_stored(both)["slack"].id), user=SLACK_STAFF)
    assert NOT_A_MODERATOR in bot.stand_in.wait_for("response_url")[0].text
    assert NOT_A_MODERATOR in json.dumps(refused)
    assert {c.assignee for c in _stored(both).values()} == {None}


def test_the_cards_form_buttons_open_their_forms_on_both(both: TwoFrontEnds) -> None:
    _log_on_both(both)
    card = both.teams_card(MODS_CONVERSATION, "POST")
    forms = {a["title"]: a["data"] for a in card["actions"] if "msteams" in a["data"]}
    for title in ("Mark responded", "Report incident", "Draft a reply for review"):
        opened = both.teams.open_dialog(forms[title], user=MODERATOR).json()
        assert opened["task"]["type"] == "continue", title

    bot = both.bot
    posted = slack_shown(bot.stand_in.to("chat.postMessage")[0].params)
    comment_id = str(_stored(both)["slack"].id)
    for count, (_, verb) in enumerate(b for b in posted.buttons if b[1] != CommentAction.ASSIGN):
        bot.slack.click(verb, comment_id, user=SLACK_MODERATOR)
        assert len(bot.stand_in.wait_for("views.open", count + 1)) == count + 1, verb


def test_log_a_comment_from_help_is_refused_alike(both: TwoFrontEnds) -> None:
    bot = both.bot
    help_buttons = slack_shown(bot.slack.command("help", user=SLACK_STAFF).json()).buttons
    assert (present.LOG_TITLE, CommentAction.LOG) in help_buttons
    bot.slack.click(CommentAction.LOG, "", user=SLACK_STAFF)
    refused = both.teams.open_dialog({"dialog": "log"}, user=STAFF).json()

    assert bot.stand_in.wait_for("response_url")[0].params["text"] == NOT_A_MODERATOR
    assert refused["task"]["value"] == NOT_A_MODERATOR
    assert bot.stand_in.to("views.open") == []


def test_an_offensive_comment_gets_the_same_advice(both: TwoFrontEnds) -> None:
    now = both.bot.clock.now()
    local = now.astimezone(both.bot.runtime.services.zone)
    slack_form = {
        "platform": choose("facebook"),
        "account": choose(ACCOUNT),
        "account_other": text_input(None),
        "kind": choose("comment"),
        "author": choose("public"),
        "link": text_input(None),
        "received_at": datetime_input(int(now.timestamp())),
        "summary": text_input("Abusive reply under the sports day post"),
        "offensive": checkboxes("offensive"),
    }
    slack = both.bot.modals.submit("comment.log", slack_form, user=SLACK_MODERATOR).json()
    teams = both.teams.submit_dialog(
        {
            "dialog": "log",
            "platform": "facebook",
            "account": ACCOUNT,
            "kind": "comment",
            "author": "public",
            "link": "",
            "received_at_date": local.strftime("%Y-%m-%d"),
            "received_at_time": local.strftime("%H:%M"),
            "summary": "Abusive reply under the sports day post",
            "offensive": "true",
        },
        user=MODERATOR,
    ).json()

    facts = _facts(both)
    assert slack_shown(slack["view"]) == model_shown(
        present.logged_offensive_card(facts["slack"]), teams=False
    )
    assert teams["task"]["value"] == present.logged_note(facts["teams"])
    assert present.OFFENSIVE_ADVICE in teams["task"]["value"]

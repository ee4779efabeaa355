"""A plain member of staff presses every button and submits every form that shows or changes a
record, in Slack and in Teams: they are refused privately, see nothing of the record, and
nothing changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from handlers.present.verbs import (
    AccountAction,
    CommentAction,
    IncidentAction,
    KnowledgeAction,
    ReviewAction,
)
from handlers.teams.render import dialog_name
from store.db import session_scope
from store.models import Comment, DraftReview, Incident, SchoolAccount
from tests.conftest import RunningBot
from tests.slack_requests import text_input
from tests.teams_bot import MODERATOR, STAFF
from tests.teams_standin import BotConnectorStandIn
from tests.test_accounts import application
from tests.test_comments import comment_form
from tests.test_incidents import report_form
from tests.two_front_ends import SLACK_MODERATOR, SLACK_SLT, SLACK_STAFF, TwoFrontEnds, start

SECRETS = ("SECRET-SUMMARY", "instagram.com/p/secret", "SECRET-DETAILS", "SECRET-DRAFT")
EVERYONE_MAY = {
    IncidentAction.AT_RISK,  # the report form's own tick box
    AccountAction.APPLY,  # anyone applies for an account
}
MODELS = (Comment, Incident, DraftReview, SchoolAccount)


@pytest.fixture
def both(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> TwoFrontEnds:
    """One of each record, made by those allowed to."""
    both = start(bot_factory, connector)
    bot = both.bot
    now = bot.clock.now() - timedelta(hours=1)
    form = comment_form(
        now,
        summary=text_input("SECRET-SUMMARY from a parent"),
        link=text_input("https://instagram.com/p/secret"),
    )
    assert not bot.modals.submit("comment.log", form, user=SLACK_MODERATOR).content
    report = report_form(now, details=text_input("SECRET-DETAILS about a pupil"))
    bot.modals.submit("incident.report", report, user=SLACK_MODERATOR)
    draft = {
        "account": text_input("Facebook: @ourschool"),
        "context": text_input("Parents asked"),
        "draft": text_input("SECRET-DRAFT reply"),
    }
    bot.modals.submit("review.submit", draft, user=SLACK_MODERATOR)
    bot.modals.submit("account.apply", application(), user=SLACK_MODERATOR)
    bot.settle()
    return both


def _snapshot(bot: RunningBot) -> dict[str, list[dict[str, Any]]]:
    with session_scope(bot.runtime.services.sessions) as session:
        return {
            model.__tablename__: [
                {c.name: getattr(row, c.key) for c in model.__table__.columns}
                for row in session.scalars(select(model))
            ]
            for model in MODELS
        }


def _ids(bot: RunningBot) -> dict[str, str]:
    with session_scope(bot.runtime.services.sessions) as session:
        comment = session.scalars(select(Comment)).one()
        incident = session.scalars(select(Incident)).one()
        review = session.scalars(select(DraftReview)).one()
        account = session.scalars(select(SchoolAccount)).one()
        return {
            "comment": str(comment.id),
            "incident": f"{incident.id}:{incident.version}",
            "review": f"{review.id}:{review.version}",
            "account": f"{account.id}:{account.version}",
        }


GUARDED = [
    verb
    for group in (CommentAction, IncidentAction, KnowledgeAction, AccountAction, ReviewAction)
    for verb in group
    if verb not in EVERYONE_MAY and verb != KnowledgeAction.ACKNOWLEDGE
]


def _record_of(verb: str) -> str:
    """Which record a verb's button carries: the comment for forms started from its card."""
    if verb in (IncidentAction.OPEN_REPORT, ReviewAction.OPEN):
        return "comment"
    return verb.partition(".")[0].replace("knowledge", "comment")


def _check_nothing_shown_or_changed(
    both: TwoFrontEnds, before: dict[str, Any], shown: list[str]
) -> None:
    assert _snapshot(both.bot) == before
    leaked = [s for s in SECRETS for text in shown if s in text]
    assert leaked == []


@pytest.mark.parametrize("verb", GUARDED, ids=str)
def test_slack_staff_press_every_button(both: TwoFrontEnds, verb: str) -> None:
    bot = both.bot
    value = _ids(bot)[_record_of(verb)]
    before = _snapshot(bot)
    calls = len(bot.stand_in.calls)
    response = bot.slack.click(verb, value, user=SLACK_STAFF)
    assert response.status_code == 200
    bot.settle()
    after = bot.stand_in.calls[calls:]
    assert not [c for c in after if c.method in ("views.open", "views.push", "chat.update")]
    shown = [response.text, *(c.text for c in after)]
    _check_nothing_shown_or_changed(both, before, shown)


SLACK_FORMS: dict[str, tuple[str, dict[str, Any]]] = {
    "comment.responded": (
        "comment",
        {"response": {"type": "radio_buttons", "selected_option": {"value": "answered"}}},
    ),
    "incident.assess_submit": ("incident", {"note": text_input("x")}),
    "incident.escalate_submit": ("incident", {"note": text_input("x")}),
    "incident.platform_outcome_submit": ("incident", {"note": text_input("x")}),
    "incident.resolve_submit": ("incident", {"note": text_input("x")}),
    "incident.hand_off_submit": (
        "incident",
        {"staff": {"type": "users_select", "selected_user": SLACK_STAFF}},
    ),
    "review.send_back_submit": ("review", {"notes": text_input("x")}),
    "account.decline_submit": ("account", {"reason": text_input("x")}),
    "account.created_submit": ("account", {"handle": text_input("@x")}),
}


@pytest.mark.parametrize("callback", SLACK_FORMS, ids=str)
def test_slack_staff_submit_every_form(both: TwoFrontEnds, callback: str) -> None:
    bot = both.bot
    record, fields = SLACK_FORMS[callback]
    before = _snapshot(bot)
    calls = len(bot.stand_in.calls)
    response = bot.modals.submit(
        callback, fields, user=SLACK_STAFF, private_metadata=_ids(bot)[record]
    )
    assert response.status_code == 200
    bot.settle()
    after = bot.stand_in.calls[calls:]
    assert not [c for c in after if c.method in ("views.open", "views.push", "chat.update")]
    _check_nothing_shown_or_changed(both, before, [response.text, *(c.text for c in after)])


def _teams_data(both: TwoFrontEnds, record: str) -> dict[str, Any]:
    ref, _, version = _ids(both.bot)[record].partition(":")
    return {record: ref, "version": version or "0"}


@pytest.mark.parametrize("verb", GUARDED, ids=str)
def test_teams_staff_press_every_button_and_open_every_dialog(
    both: TwoFrontEnds, verb: str
) -> None:
    data = _teams_data(both, _record_of(verb))
    before = _snapshot(both.bot)
    sent = len(both.connector.sent)
    pressed = both.teams.execute(verb, data, user=STAFF)
    opened = both.teams.open_dialog({"dialog": dialog_name(verb), **data}, user=STAFF)
    assert pressed.status_code == 200 and opened.status_code == 200
    assert opened.json()["task"]["type"] != "continue"
    shown = [pressed.text, opened.text, *(json.dumps(s.body) for s in both.connector.sent[sent:])]
    _check_nothing_shown_or_changed(both, before, shown)


TEAMS_FORMS: dict[str, tuple[str, dict[str, Any]]] = {
    "respond": ("comment", {"response": "answered"}),
    "assess": ("incident", {"severity": "low", "note": "x"}),
    "escalate": ("incident", {"note": "x"}),
    "platform_outcome": ("incident", {"note": "x"}),
    "resolve": ("incident", {"note": "x", "outcome": "x"}),
    "hand_off": ("incident", {"staff": STAFF}),
    "send_back": ("review", {"notes": "x"}),
    "decline": ("account", {"reason": "x"}),
    "mark_created": ("account", {"handle": "@x"}),
}


@pytest.mark.parametrize("dialog", TEAMS_FORMS, ids=str)
def test_teams_staff_submit_every_dialog(both: TwoFrontEnds, dialog: str) -> None:
    record, fields = TEAMS_FORMS[dialog]
    before = _snapshot(both.bot)
    sent = len(both.connector.sent)
    data = {"dialog": dialog, **_teams_data(both, record), **fields}
    response = both.teams.submit_dialog(data, user=STAFF)
    assert response.status_code == 200
    assert response.json()["task"]["type"] == "message"  # a refusal, not the form again
    shown = [response.text, *(json.dumps(s.body) for s in both.connector.sent[sent:])]
    _check_nothing_shown_or_changed(both, before, shown)


def test_moderators_still_get_the_forms_started_from_a_comment(both: TwoFrontEnds) -> None:
    bot = both.bot
    comment = _ids(bot)["comment"]
    for verb in (ReviewAction.OPEN, IncidentAction.OPEN_REPORT):
        bot.slack.click(verb, comment, user=SLACK_SLT)
    bot.settle()
    opened = [c.text for c in bot.stand_in.to("views.open")]
    assert any("SECRET-SUMMARY" in t for t in opened)
    assert any("instagram.com/p/secret" in t for t in opened)
    teams = [
        both.teams.open_dialog({"dialog": dialog_name(verb), "comment": comment}, user=MODERATOR)
        for verb in (ReviewAction.OPEN, IncidentAction.OPEN_REPORT)
    ]
    assert "SECRET-SUMMARY" in teams[0].text and "instagram.com/p/secret" in teams[1].text

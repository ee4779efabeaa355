"""Requests no real Slack or Teams would send, and text no database can keep: each is refused
with a 4xx or a polite answer, never a 500 or a logged traceback, and nothing is stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import select

from store.db import session_scope
from store.models import Comment, Incident, Question
from tests.conftest import SIGNING_SECRET, RunningBot
from tests.slack_requests import TEAM, text_input
from tests.teams_bot import MODERATOR, SLT, STAFF, TeamsBot
from tests.teams_standin import BOT, TENANT
from tests.test_comments import comment_form

SLACK_MODERATOR = "U0MOD0001"


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert errors == []


def _rows(bot: RunningBot, model: type[Any]) -> list[Any]:
    with session_scope(bot.runtime.services.sessions) as session:
        return list(session.scalars(select(model)))


# Slack ------------------------------------------------------------------------------------


def _raw(bot: RunningBot, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return bot.slack.http.post(bot.slack.events_url, content=body, headers=headers)


def _signature(stamp: str, body: bytes) -> str:
    """Slack's v0 signature over the raw bytes (the SDK's own helper decodes them first)."""
    base = b"v0:" + stamp.encode() + b":" + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


def _signed(bot: RunningBot, body: bytes, content_type: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    signature = _signature(stamp, body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


FORM = "application/x-www-form-urlencoded"
COMMAND = urlencode({"command": "/socialpolicy", "text": "help", "user_id": "U0STAFF01"}).encode()


def _unsigned(_: RunningBot, body: bytes) -> dict[str, str]:
    return {"Content-Type": FORM}


def _bad_signature(bot: RunningBot, body: bytes) -> dict[str, str]:
    return {**_signed(bot, body, FORM), "X-Slack-Signature": "v0=" + "0" * 64}


def _stale(bot: RunningBot, body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()) - 3600)
    signature = _signature(stamp, body)
    return {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def _no_timestamp(bot: RunningBot, body: bytes) -> dict[str, str]:
    headers = _signed(bot, body, FORM)
    del headers["X-Slack-Request-Timestamp"]
    return headers


def _timestamp_not_a_number(bot: RunningBot, body: bytes) -> dict[str, str]:
    return {**_signed(bot, body, FORM), "X-Slack-Request-Timestamp": "soon"}


@pytest.mark.parametrize(
    "headers",
    [_unsigned, _bad_signature, _stale, _no_timestamp, _timestamp_not_a_number],
    ids=lambda f: f.__name__.strip("_"),
)
@pytest.mark.parametrize(
    "body", [COMMAND, b"payload=%7Bnot json", b"{not json", b"\xff\xfe"], ids=str
)
def test_slack_unsigned_requests_are_refused_401(
    bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
    headers: Callable[[RunningBot, bytes], dict[str, str]],
    body: bytes,
) -> None:
    response = _raw(bot, body, headers(bot, body))
    assert response.status_code == 401
    assert _rows(bot, Question) == []
    _no_tracebacks(caplog)


SLACK_MALFORMED = {
    "payload not JSON": (b"payload=%7Bnot json", FORM),
    "payload a list": (b"payload=%5B1%2C2%5D", FORM),
    "payload a string": (b"payload=%22hello%22", FORM),
    "JSON body not JSON": (b"{not json", "application/json"),
    "JSON body a list": (b"[1, 2]", "application/json"),
    "JSON body a number": (b"42", "application/json"),
    "brace-led form": (b"{text=help", FORM),
    "not UTF-8": (b"text=\xff\xfe", FORM),
    "plain text": (b"hello", "text/plain"),
    "no content type": (b"text=help", ""),
    "empty body": (b"", FORM),
}


@pytest.mark.parametrize("case", SLACK_MALFORMED, ids=str)
def test_slack_signed_malformed_bodies_are_refused_400(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type = SLACK_MALFORMED[case]
    response = _raw(bot, body, _signed(bot, body, content_type))
    assert response.status_code == 400
    _no_tracebacks(caplog)


# Teams ------------------------------------------------------------------------------------


def _post(teams_bot: TeamsBot, activity: dict[str, Any]) -> httpx.Response:
    """An activity as JSON text: escaped, so a lone surrogate travels as Teams would send it."""
    return teams_bot.teams.http.post(
        teams_bot.teams.messages_url,
        content=json.dumps(activity).encode(),
        headers={"Content-Type": "application/json"},
    )


# ------------------------------------------------------------------------------------


def _activity(teams_bot: TeamsBot, **changes: Any) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "type": "message",
        "id": "incoming-x",
        "timestamp": "2026-11-25T10:00:00.000Z",
        "channelId": "msteams",
        "serviceUrl": teams_bot.connector.url,
        "from": {"id": f"29:{STAFF}", "aadObjectId": STAFF, "name": "Staff"},
        "conversation": {"id": f"a:{STAFF}", "conversationType": "personal", "tenantId": TENANT},
        "recipient": BOT,
        "channelData": {"tenant": {"id": TENANT}},
        "text": "help",
    }
    for key, value in changes.items():
        if value is None:
            activity.pop(key, None)
        else:
            activity[key] = value
    return activity


def _invoke(name: str, value: Any) -> dict[str, Any]:
    return {"type": "invoke", "name": name, "value": value, "text": None}


TEAMS_MALFORMED: dict[str, Any] = {
    "no type": {"type": None},
    "type a number": {"type": 7},
    "no from": {"from": None},
    "from a string": {"from": "someone"},
    "from without id": {"from": {"name": "x"}},
    "no conversation": {"conversation": None},
    "conversation a list": {"conversation": ["a"]},
    "conversation without id": {"conversation": {"conversationType": "personal"}},
    "no serviceUrl": {"serviceUrl": None},
    "serviceUrl too long": {"serviceUrl": "https://x.example/" + "a" * 600},
    "conversation id too long": {"conversation": {"id": "a:" + "x" * 400}},
    "from id a surrogate": {"from": {"id": "29:\ud800"}},
    "no recipient": {"recipient": None},
    "text a list": {"text": ["help"]},
    "value a list": {"value": [1]},
    "unknown invoke": _invoke("composeExtension/query", {}),
    "invoke without name": _invoke("", {}),
    "invoke without value": {**_invoke("task/fetch", None), "value": "x"},
    "dialog data a list": _invoke("task/fetch", {"data": [1]}),
    "dialog submit data a string": _invoke("task/submit", {"data": "x"}),
    "card action without action": _invoke("adaptiveCard/action", {"trigger": "manual"}),
    "card action a string": _invoke("adaptiveCard/action", {"action": "go"}),
    "card action data a list": _invoke(
        "adaptiveCard/action", {"action": {"type": "Action.Execute", "verb": "x", "data": [1]}}
    ),
    "card action verb a number": _invoke(
        "adaptiveCard/action", {"action": {"type": "Action.Execute", "verb": 5}}
    ),
}


@pytest.mark.parametrize("case", TEAMS_MALFORMED, ids=str)
def test_teams_malformed_activities_are_refused_400(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    response = _post(teams_bot, _activity(teams_bot, **TEAMS_MALFORMED[case]))
    assert response.status_code == 400
    _no_tracebacks(caplog)


@pytest.mark.parametrize("body", [b"not json", b"[1]", b"", b"\xff"], ids=str)
def test_teams_bodies_that_are_not_an_activity_are_refused_400(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    response = teams_bot.teams.http.post(
        teams_bot.teams.messages_url, content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    _no_tracebacks(caplog)


BAD_IDS: list[Any] = ["abc", "9" * 40, ["1"], {"id": 1}, 10**30, "1.5"]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize(
    "verb,key,user",
    [
        ("incident.take_lead", "incident", SLT),
        ("incident.reopen", "incident", SLT),
        ("incident.legal_hold", "incident", SLT),
        ("comment.assign", "comment", MODERATOR),
        ("review.approve", "review", SLT),
        ("account.approve", "account", SLT),
    ],
)
def test_teams_ids_that_are_not_ids_are_no_longer_available(
    teams_bot: TeamsBot,
    caplog: pytest.LogCaptureFixture,
    verb: str,
    key: str,
    user: str,
    bad: Any,
) -> None:
    response = teams_bot.teams.execute(verb, {key: bad, "version": bad}, user=user)
    assert response.status_code == 200
    shown = json.dumps(response.json()).lower()
    assert "no longer" in shown or "not found" in shown or "isn't" in shown or "can't" in shown
    _no_tracebacks(caplog)


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize(
    "dialog,key,user",
    [
        ("report", "comment", MODERATOR),
        ("review", "comment", MODERATOR),
        ("respond", "comment", MODERATOR),
        ("assess", "incident", SLT),
        ("details", "incident", SLT),
        ("send_back", "review", SLT),
        ("decline", "account", SLT),
    ],
)
def test_teams_dialogs_with_ids_that_are_not_ids_open_without_a_500(
    teams_bot: TeamsBot,
    caplog: pytest.LogCaptureFixture,
    dialog: str,
    key: str,
    user: str,
    bad: Any,
) -> None:
    response = teams_bot.teams.open_dialog({"dialog": dialog, key: bad, "version": bad}, user=user)
    assert response.status_code == 200
    _no_tracebacks(caplog)


def _teams_log(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "dialog": "log",
        "platform": "facebook",
        "account": "Facebook: @ourschool",
        "kind": "complaint",
        "author": "parent",
        "link": "https://facebook.com/ourschool/posts/123",
        "received_at_date": "2026-11-25",
        "received_at_time": "09:00",
        "summary": "Parent unhappy that the trip photos are not up yet",
        "offensive": "false",
    }
    form.update(changes)
    return form


@pytest.mark.parametrize(
    "field,value",
    [("kind", ["complaint"]), ("platform", {"x": 1}), ("account", 12), ("summary", ["x"])],
)
def test_teams_form_values_of_the_wrong_kind_come_back_as_mistakes(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture, field: str, value: Any
) -> None:
    response = teams_bot.teams.submit_dialog(_teams_log(**{field: value}), user=MODERATOR)
    assert response.status_code == 200
    assert response.json()["task"]["type"] == "continue"  # the form again, with what to fix
    assert "Please check" in json.dumps(response.json())
    assert teams_bot.rows(Comment) == []
    _no_tracebacks(caplog)


# Text no database can keep ----------------------------------------------------------------

# Each piece of unsafe text, and what is left of it once cleaned.
CLEANED = {"\ud800": "", "a\udfffb": "ab", "nul\x00byte": "nulbyte", "bell\x07": "bell"}
UNSAFE = list(CLEANED)


@pytest.mark.parametrize("unsafe", UNSAFE, ids=repr)
def test_slack_form_with_unsafe_text_comes_back_with_the_field_marked(
    bot_factory: Callable[..., RunningBot], caplog: pytest.LogCaptureFixture, unsafe: str
) -> None:
    bot = bot_factory(moderator_users=[SLACK_MODERATOR], school_accounts=["Facebook: @ourschool"])
    received = bot.clock.now() - timedelta(hours=1)
    form = comment_form(received, summary=text_input(f"Parent {unsafe} unhappy"))
    response = bot.modals.submit("comment.log", form, user=SLACK_MODERATOR)
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "can't be stored" in answer["errors"]["summary"]
    bot.settle()
    assert _rows(bot, Comment) == []
    _no_tracebacks(caplog)


@pytest.mark.parametrize("unsafe", UNSAFE, ids=repr)
def test_slack_report_form_with_unsafe_text_is_refused(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, unsafe: str
) -> None:
    fields = {"details": text_input(f"Someone {unsafe} posted"), "link": text_input(unsafe)}
    response = bot.modals.submit("incident.report", fields)
    assert response.json()["response_action"] == "errors"
    assert set(response.json()["errors"]) >= {"details", "link"}
    assert _rows(bot, Incident) == []
    _no_tracebacks(caplog)


@pytest.mark.parametrize("unsafe", UNSAFE, ids=repr)
def test_slack_question_with_unsafe_text_is_answered_with_it_stripped(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, unsafe: str
) -> None:
    body = {
        "command": "/socialpolicy",
        "text": f"can I friend a {unsafe}pupil",
        "user_id": "U0STAFF01",
        "team_id": TEAM["id"],
        "channel_id": "C0GENERAL",
        "response_url": bot.slack.response_url,
        "trigger_id": "1.2.3",
    }
    # Slack's own form can't carry a lone surrogate; a JSON body can.
    response = bot.slack.post(json.dumps(body), "application/json")
    assert response.status_code == 200
    assert response.json()["blocks"]
    assert [q.text for q in _rows(bot, Question)] == [f"can I friend a {CLEANED[unsafe]}pupil"]
    _no_tracebacks(caplog)


@pytest.mark.parametrize("unsafe", UNSAFE, ids=repr)
def test_slack_button_with_unsafe_value_does_not_fail(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, unsafe: str
) -> None:
    for action in ("answer.helpful", "answer.whole_section", "review.open", "comment.assign"):
        assert bot.slack.click(action, unsafe).status_code == 200
    bot.settle()
    _no_tracebacks(caplog)


@pytest.mark.parametrize("unsafe", UNSAFE, ids=repr)
def test_teams_dialog_with_unsafe_text_is_refused_and_nothing_stored(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture, unsafe: str
) -> None:
    data = _teams_log(summary=f"Parent {unsafe} unhappy")
    response = _post(
        teams_bot,
        _activity(
            teams_bot,
            **{"from": {"id": f"29:{MODERATOR}", "aadObjectId": MODERATOR, "name": "Moderator"}},
            conversation={"id": f"a:{MODERATOR}", "conversationType": "personal"},
            **_invoke("task/submit", {"data": data}),
        ),
    )
    assert response.status_code == 200
    assert "can't be stored" in json.dumps(response.json())
    assert teams_bot.rows(Comment) == []
    _no_tracebacks(caplog)


@pytest.mark.parametrize("unsafe", UNSAFE, ids=repr)
def test_teams_question_with_unsafe_text_is_answered_with_it_stripped(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture, unsafe: str
) -> None:
    response = _post(teams_bot, _activity(teams_bot, text=f"can I friend a {unsafe}pupil"))
    assert response.status_code in (200, 201)
    kept = f"can I friend a {CLEANED[unsafe]}pupil"
    assert [q.text for q in teams_bot.rows(Question)] == [kept]
    _no_tracebacks(caplog)


@pytest.mark.parametrize("unsafe", UNSAFE, ids=repr)
def test_teams_unsafe_text_anywhere_in_an_activity_does_not_fail(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture, unsafe: str
) -> None:
    activity = _activity(
        teams_bot,
        text=f"help{unsafe}",
        **{"from": {"id": f"29:{STAFF}", "aadObjectId": STAFF, "name": f"Sta{unsafe}ff"}},
    )
    assert _post(teams_bot, activity).status_code in (200, 201)
    action = {"action": {"type": "Action.Execute", "verb": "answer.helpful", "data": {}}}
    action["action"]["data"] = {"question": unsafe}
    response = _post(teams_bot, _activity(teams_bot, **_invoke("adaptiveCard/action", action)))
    assert response.status_code == 200
    _no_tracebacks(caplog)


# When the platform fails ------------------------------------------------------------------


def _ask_slt_button(payload: dict[str, Any]) -> str:
    return next(
        e["value"]
        for b in payload["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "answer.ask_slt"
    )


@pytest.mark.parametrize("status", [500, 400, 403, 404])
def test_slack_ask_slt_when_slack_fails_tells_the_asker_and_records_nothing(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    answer = bot.slack.command("where do i order whiteboard pens").json()
    bot.stand_in.fail("chat.postMessage", status, times=3)
    assert bot.slack.click("answer.ask_slt", _ask_slt_button(answer)).status_code == 200
    bot.settle()
    told = bot.stand_in.wait_for("response_url")[-1].params["text"]
    assert "couldn't" in told.lower() or "could not" in told.lower()
    assert [q.sent_to_slt_at for q in _rows(bot, Question)] == [None]
    _no_tracebacks(caplog)


@pytest.mark.parametrize("status", [500, 400, 403])
@pytest.mark.parametrize("verb", ["assign", "respond"])
def test_slack_assign_and_mark_responded_when_the_card_cannot_be_redrawn(
    bot_factory: Callable[..., RunningBot],
    caplog: pytest.LogCaptureFixture,
    status: int,
    verb: str,
) -> None:
    bot = bot_factory(
        moderator_users=[SLACK_MODERATOR],
        moderators_channel="C0MODS001",
        school_accounts=["Facebook: @ourschool"],
    )
    form = comment_form(bot.clock.now() - timedelta(hours=1))
    assert not bot.modals.submit("comment.log", form, user=SLACK_MODERATOR).content
    bot.settle()
    comment = _rows(bot, Comment)[0]
    bot.stand_in.fail("chat.update", status, times=3)
    if verb == "assign":
        response = bot.slack.click("comment.assign", str(comment.id), user=SLACK_MODERATOR)
        assert response.status_code == 200
        bot.settle()
        told = bot.stand_in.wait_for("response_url")[-1].params["text"]
        assert "something went wrong" not in told.lower()
        assert _rows(bot, Comment)[0].assignee == SLACK_MODERATOR
    else:
        fields = {"response": {"type": "radio_buttons", "selected_option": {"value": "answered"}}}
        fields["note"] = text_input(None)
        response = bot.modals.submit(
            "comment.responded", fields, user=SLACK_MODERATOR, private_metadata=str(comment.id)
        )
        assert response.status_code == 200 and not response.content
        bot.settle()
        assert _rows(bot, Comment)[0].responded_at is not None
    _no_tracebacks(caplog)


def test_teams_ask_slt_assign_and_respond_when_teams_cannot_be_reached(
    teams_bot: TeamsBot, caplog: pytest.LogCaptureFixture
) -> None:
    teams = teams_bot.teams
    answer = teams.message("where do i order whiteboard pens", user=STAFF)
    assert answer.status_code in (200, 201)
    ask = next(
        a["data"]
        for s in teams_bot.connector.to(f"a:{STAFF}")
        for att in s.body.get("attachments", [])
        for a in att["content"].get("actions", [])
        if a.get("verb") == "answer.ask_slt"
    )
    logged = teams.submit_dialog(_teams_log(), user=MODERATOR)
    assert logged.json()["task"]["type"] == "message"
    comment = teams_bot.rows(Comment)[0]
    teams_bot.connector.close()  # from here on, every call to Teams fails

    asked = teams.execute("answer.ask_slt", ask, user=STAFF)
    assert asked.status_code == 200
    assert "could not be reached" in json.dumps(asked.json())
    assert [q.sent_to_slt_at for q in teams_bot.rows(Question)] == [None]

    assigned = teams.execute("comment.assign", {"comment": comment.id}, user=MODERATOR)
    assert assigned.status_code == 200
    assert teams_bot.rows(Comment)[0].assignee == MODERATOR

    data = {"dialog": "respond", "comment": comment.id, "response": "answered"}
    responded = teams.submit_dialog(data, user=MODERATOR)
    assert responded.status_code == 200 and responded.json()["task"]["type"] == "message"
    assert teams_bot.rows(Comment)[0].responded_at is not None
    _no_tracebacks(caplog)

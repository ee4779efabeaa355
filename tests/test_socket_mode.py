"""Socket Mode end to end: the real bot connects to a loopback websocket server standing in for
Slack, takes commands, clicks, modals and events as envelopes and answers in its acks; it comes
back by itself when Slack drops or refreshes the socket, and /healthz says when it cannot."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.protocol import State

from bot.app.cli import main
from bot.app.startup import connect_socket_mode
from bot.clock import ManualClock
from store.db import session_scope
from store.models import Comment, Question
from tests.conftest import RunningBot
from tests.slack_requests import SlackModals
from tests.slack_standin import WAIT_SECONDS, SlackStandIn
from tests.socket_mode_standin import SocketModeSender, SocketModeStandIn
from tests.test_comments import comment_form

APP_TOKEN = "xapp-1-A0000001-1-socket"
MODERATOR = "U0MOD0001"
# The client checks its socket this often; Slack's own default (10 s) would slow the tests.
PING_SECONDS = 1.0
DOWN = {"status": "unavailable", "reason": "Slack Socket Mode connection is down"}


@pytest.fixture
def socket_server(stand_in: SlackStandIn) -> Iterator[SocketModeStandIn]:
    server = SocketModeStandIn()
    stand_in.socket_mode_url = server.url
    yield server
    server.close()


@pytest.fixture
def bot(
    bot_factory: Callable[..., RunningBot], socket_server: SocketModeStandIn
) -> Iterator[RunningBot]:
    """The bot in Socket Mode (no signing secret), connected as `serve` connects it; its
    `slack` and `modals` send envelopes down the socket instead of HTTP requests."""
    running = bot_factory(
        slack_app_token=APP_TOKEN,
        slack_signing_secret=None,
        moderators_channel="C0MODS001",
        moderator_users=[MODERATOR],
        school_accounts=["Facebook: @ourschool"],
    )
    handler = connect_socket_mode(running.runtime, ping_interval=PING_SECONDS)
    sender = SocketModeSender(socket_server, running.stand_in.response_url())
    yield replace(running, slack=sender, modals=SlackModals(sender))
    # Slack's end goes first: the client's close otherwise waits out its 3 s receive timeout.
    socket_server.close()
    # And its message loop polls a queue each second: wake it, already told to stop.
    handler.client.closed = True
    handler.client.message_queue.put(None)
    handler.close()


def _questions(bot: RunningBot) -> list[Question]:
    with session_scope(bot.runtime.services.sessions) as session:
        return list(session.scalars(select(Question)))


def _button_value(payload: dict[str, Any], action_id: str) -> str:
    for block in payload["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {payload}")


def _health(bot: RunningBot) -> httpx.Response:
    return httpx.get(f"{bot.base_url}/healthz", timeout=WAIT_SECONDS)


def test_a_question_is_answered_in_the_ack(bot: RunningBot, stand_in: SlackStandIn) -> None:
    payload = bot.slack.command("can i follow an ex student on insta?").json()

    assert "Pupils and former pupils" in json.dumps(payload["blocks"])
    assert payload.get("response_type", "ephemeral") == "ephemeral"
    assert [(q.text, q.confident) for q in _questions(bot)] == [
        ("can i follow an ex student on insta?", False)
    ]
    assert len(stand_in.to("apps.connections.open")) == 1


def test_slack_events_is_not_served_in_socket_mode(bot: RunningBot) -> None:
    response = httpx.post(f"{bot.base_url}/slack/events", content=b"{}", timeout=WAIT_SECONDS)

    assert response.status_code == 404
    assert _health(bot).json() == {"status": "ok"}


def test_a_button_is_acked_and_handled(bot: RunningBot, stand_in: SlackStandIn) -> None:
    payload = bot.slack.command("who approves a new school account").json()

    ack = bot.slack.click("answer.not_helpful", _button_value(payload, "answer.not_helpful"))

    assert ack.status_code == 200 and not ack.content
    assert "Thanks for saying" in stand_in.wait_for("response_url")[0].text
    assert _questions(bot)[0].feedback == -1


def test_a_modal_submission_is_stored(bot: RunningBot, clock: ManualClock) -> None:
    ack = bot.modals.submit("comment.log", comment_form(clock.now()), user=MODERATOR)
    bot.settle()

    assert ack.status_code == 200 and not ack.content
    with session_scope(bot.runtime.services.sessions) as session:
        comment = session.scalars(select(Comment)).one()
        assert (comment.platform, comment.logged_by) == ("facebook", MODERATOR)
    card = bot.stand_in.wait_for("chat.postMessage")[0]
    assert card.params["channel"] == "C0MODS001"


def test_app_home_opened_publishes_the_home_tab(bot: RunningBot, stand_in: SlackStandIn) -> None:
    ack = bot.slack.event({"type": "app_home_opened", "user": "U0STAFF01", "tab": "home"})

    assert ack.status_code == 200
    published = stand_in.wait_for("views.publish")[0]
    assert published.params["user_id"] == "U0STAFF01"
    assert "Photographs and video" in published.text


def _reconnects_and_handles_each_envelope_once(
    bot: RunningBot, server: SocketModeStandIn, stand_in: SlackStandIn, cut: Callable[[], None]
) -> None:
    sender = bot.slack
    assert isinstance(sender, SocketModeSender)
    sender.command("can i post pupil photos?")
    cut()
    server.wait_for_connections(2)
    sender.command("a reporter DMed me")
    sender.event({"type": "app_home_opened", "user": "U0STAFF01", "tab": "home"})
    bot.settle()

    assert sorted(q.text for q in _questions(bot)) == [
        "a reporter DMed me",
        "can i post pupil photos?",
    ]
    assert [len(server.acks_for(e)) for e in sender.envelopes] == [1, 1, 1]
    assert len(stand_in.wait_for("views.publish")) == 1
    assert len(stand_in.to("apps.connections.open")) == 2
    assert _health(bot).json() == {"status": "ok"}


def test_a_dropped_connection_is_reopened_and_nothing_is_lost_or_repeated(
    bot: RunningBot, socket_server: SocketModeStandIn, stand_in: SlackStandIn
) -> None:
    _reconnects_and_handles_each_envelope_once(bot, socket_server, stand_in, socket_server.drop)


def test_a_refresh_request_is_followed_and_nothing_is_lost_or_repeated(
    bot: RunningBot, socket_server: SocketModeStandIn, stand_in: SlackStandIn
) -> None:
    _reconnects_and_handles_each_envelope_once(bot, socket_server, stand_in, socket_server.refresh)
    assert socket_server.connections[0].state is State.CLOSED  # the app let the old one go


def test_healthz_says_unavailable_while_the_socket_is_down(
    bot: RunningBot, socket_server: SocketModeStandIn, stand_in: SlackStandIn
) -> None:
    assert _health(bot).json() == {"status": "ok"}
    stand_in.refusals["apps.connections.open"] = "internal_error"

    socket_server.drop()
    stand_in.wait_for("apps.connections.open", 2)  # a reconnect was tried, and refused
    down = _health(bot)
    del stand_in.refusals["apps.connections.open"]

    assert (down.status_code, down.json()) == (503, DOWN)
    socket_server.wait_for_connections(2)
    bot.slack.command("help")  # answered over the new connection, so it is in use
    up = _health(bot)
    assert (up.status_code, up.json()) == (200, {"status": "ok"})


def test_healthz_says_unavailable_while_the_database_is_unreachable(
    bot: RunningBot, database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("a SQLite file can be taken away; a server database cannot from here")
    database = tmp_path / "bot.db"
    bot.runtime.engine.dispose()
    database.rename(tmp_path / "away.db")
    database.mkdir()  # a folder where the database was: SQLite cannot open it

    down = _health(bot)
    database.rmdir()
    (tmp_path / "away.db").rename(database)

    assert (down.status_code, down.json()) == (
        503,
        {"status": "unavailable", "reason": "database unreachable"},
    )
    assert _health(bot).json() == {"status": "ok"}


def _socket_mode_environment(monkeypatch: pytest.MonkeyPatch, stand_in: SlackStandIn) -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for name, value in {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": stand_in.api_url,
        "DATABASE_URL": "sqlite:///bot.db",
        "SLT_CHANNEL": "C0SLT0001",
        "PORT": str(port),
    }.items():
        monkeypatch.setenv(name, value)
    return port


def test_an_app_token_slack_refuses_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
    stand_in: SlackStandIn,
    socket_server: SocketModeStandIn,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _socket_mode_environment(monkeypatch, stand_in)
    stand_in.refusals["apps.connections.open"] = "invalid_auth"

    status = main(["run"])

    assert status == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "socialpolicy-bot: SLACK_APP_TOKEN was refused by Slack (invalid_auth): create an "
        "app-level token with the connections:write scope under your Slack app's Basic "
        "Information page"
    ]
    assert socket_server.connections == []


def test_run_in_socket_mode_serves_healthz_on_port_and_stops_on_sigterm(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    stand_in: SlackStandIn,
    socket_server: SocketModeStandIn,
) -> None:
    """`socialpolicy-bot run` itself, in its own process, as a container would start it."""
    port = _socket_mode_environment(monkeypatch, stand_in)
    worktree = Path(__file__).resolve().parents[1]
    environment = {**os.environ, "PYTHONPATH": str(worktree)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    serving, copier = _follow_log(process, tmp_path / "bot.log", "Application startup complete")
    try:
        assert serving.wait(timeout=60), "the bot did not start serving"
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=WAIT_SECONDS)
        events = httpx.post(f"http://127.0.0.1:{port}/slack/events", timeout=WAIT_SECONDS)
        sender = SocketModeSender(socket_server, stand_in.response_url())
        answer = sender.command("can i follow an ex student on insta?").json()
    finally:
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=30)
        copier.join(timeout=WAIT_SECONDS)

    assert health.json() == {"status": "ok"}
    assert events.status_code == 404
    assert "Pupils and former pupils" in json.dumps(answer["blocks"])
    log = (tmp_path / "bot.log").read_text()
    assert "Finished server process" in log and "Traceback" not in log
    assert status == -signal.SIGTERM  # uvicorn re-raises the signal once it has shut down


def _follow_log(
    process: subprocess.Popen[str], log: Path, text: str
) -> tuple[threading.Event, threading.Thread]:
    """Copy the process's log to `log` as it comes; the event is set once a line has `text`,
    and the thread ends when the process has closed its side."""
    seen = threading.Event()

    def copy() -> None:
        assert process.stderr is not None
        with log.open("w") as out:
            for line in process.stderr:
                out.write(line)
                if text in line:
                    out.flush()
                    seen.set()

    copier = threading.Thread(target=copy, daemon=True)
    copier.start()
    return seen, copier

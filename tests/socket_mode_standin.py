"""A loopback stand-in for Slack's end of Socket Mode: a real websocket server.

As Slack does, it greets each connection with `hello`, sends each envelope down one connection
(the newest), and takes the app's acks (`{"envelope_id", "payload"}`) from any of them. A test
pushes envelopes, waits for an envelope's ack, drops a connection or asks the app to reconnect.
The SlackStandIn's apps.connections.open hands out its `url`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import httpx
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from tests.slack_requests import SlackSender
from tests.slack_standin import WAIT_SECONDS

T = TypeVar("T")
APP_ID = "A0000001"


class SocketModeStandIn:
    """The websocket server runs on its own event loop in a background thread; every method
    here is called from the test's thread and waits (with a deadline) for the loop to act."""

    def __init__(self) -> None:
        self.connections: list[ServerConnection] = []  # every one accepted, oldest first
        self.acks: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server = self._run(self._start())
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/link/?ticket=stand-in"

    async def _start(self) -> Server:
        return await serve(self._session, "127.0.0.1", 0)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(WAIT_SECONDS)

    async def _session(self, connection: ServerConnection) -> None:
        hello = {
            "type": "hello",
            "num_connections": 1,
            "connection_info": {"app_id": APP_ID},
            "debug_info": {"host": "stand-in", "approximate_connection_time": 18060},
        }
        await connection.send(json.dumps(hello))  # always first, as Slack sends it
        with self._changed:
            self.connections.append(connection)
            self._changed.notify_all()
        try:
            async for message in connection:
                with self._changed:
                    self.acks.append(json.loads(message))
                    self._changed.notify_all()
        except ConnectionClosed:  # the client closes its socket without a closing handshake
            pass

    def close(self) -> None:
        """Close every connection and stop; a second call does nothing."""
        if self._loop.is_closed():
            return
        self._server.close()
        self._run(self._server.wait_closed())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(WAIT_SECONDS)
        self._loop.close()

    def wait_for_connections(self, count: int) -> None:
        """Block until the app has opened `count` connections in all."""
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: len(self.connections) >= count, timeout=WAIT_SECONDS
            )
        assert arrived, f"expected {count} connection(s), got {len(self.connections)}"

    def _newest(self) -> ServerConnection:
        self.wait_for_connections(1)
        connection = self.connections[-1]
        assert connection.state is State.OPEN, "the app's newest connection is closed"
        return connection

    def send(self, message: dict[str, Any]) -> None:
        self._run(self._newest().send(json.dumps(message)))

    def push(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False
    ) -> str:
        """Send one envelope (`slash_commands`, `interactive` or `events_api`); its id."""
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope |= {"retry_attempt": 0, "retry_reason": ""}
        self.send(envelope)
        return envelope_id

    def acks_for(self, envelope_id: str) -> list[dict[str, Any]]:
        with self._changed:
            return [a for a in self.acks if a.get("envelope_id") == envelope_id]

    def wait_for_ack(self, envelope_id: str) -> dict[str, Any]:
        """Block until the app acks the envelope (it must within Slack's 3 seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: self.acks_for(envelope_id), timeout=WAIT_SECONDS)
        acks = self.acks_for(envelope_id)
        assert acks, f"no ack for envelope {envelope_id}: {self.acks}"
        return acks[0]

    def drop(self) -> None:
        """Close the newest connection from Slack's end, as Slack does now and then."""
        self._run(self._newest().close(code=1001, reason="going away"))

    def refresh(self) -> None:
        """Ask the app to reconnect, as Slack does a few seconds before it moves a socket."""
        self.send({"type": "disconnect", "reason": "refresh_requested", "debug_info": {}})


class SocketModeSender(SlackSender):
    """The requests `SlackSender` builds, sent as Slack sends them in Socket Mode: as an
    envelope down the websocket, answered by the ack rather than an HTTP response. So every
    command, click, modal and event a test can send over HTTP can go over the socket."""

    def __init__(self, server: SocketModeStandIn, response_url: str) -> None:
        super().__init__(server.url, "unused: nothing is signed in Socket Mode", response_url)
        self.server = server
        self.envelopes: list[str] = []  # the ids pushed, oldest first

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        """Push the request as an envelope and wait for its ack: 200 with the ack's payload."""
        if content_type == "application/json":
            kind, payload, respond = "events_api", json.loads(body), False
        else:
            form = dict(parse_qsl(body, keep_blank_values=True))
            if "payload" in form:
                payload = json.loads(form["payload"])
                kind = "interactive"
                respond = payload["type"] in {"view_submission", "block_suggestion"}
            else:
                kind, payload, respond = "slash_commands", form, True
        envelope_id = self.server.push(kind, payload, accepts_response_payload=respond)
        self.envelopes.append(envelope_id)
        ack = self.server.wait_for_ack(envelope_id)
        if "payload" in ack:
            return httpx.Response(200, json=ack["payload"])
        return httpx.Response(200)

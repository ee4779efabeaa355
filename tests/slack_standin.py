"""A loopback stand-in for Slack's Web API and response URLs.

It records every call so tests can assert what Slack was asked to show, answers the way Slack
does, and can be told to fail (429 with Retry-After, 5xx) to exercise retries, to refuse a
method a number of times (`refuse`), to refuse DMs to named people (`unreachable`), and to take
a call but answer it late (`slow`). It keeps what was posted, with its metadata, so
conversations.history and conversations.replies answer the way Slack does.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests.contracts import slack_payloads

WAIT_SECONDS = 10.0


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None = None  # the bearer token the call was made with

    @property
    def text(self) -> str:
        """Everything a person would read in the call: its text and every block's text."""
        parts = [str(self.params.get("text") or "")]
        blocks = self.params.get("blocks") or (self.params.get("view") or {}).get("blocks") or []
        parts += [json.dumps(b, ensure_ascii=False) for b in blocks]
        return "\n".join(parts)


@dataclass(frozen=True)
class Workspace:
    """A workspace (or, org-wide, a Grid organisation) the app is installed into by OAuth."""

    team_id: str | None
    name: str
    token: str
    enterprise_id: str | None = None
    org_wide: bool = False

    @property
    def key(self) -> str:
        """Its school's workspace: the organisation for an org-wide install, else the team."""
        key = self.enterprise_id if self.org_wide else self.team_id
        assert key is not None
        return key


@dataclass
class Failure:
    status: int
    headers: dict[str, str]
    remaining: int


@dataclass
class SlackStandIn:
    calls: list[Call] = field(default_factory=list)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    members: list[dict[str, Any]] = field(default_factory=list)
    workspace_admins: set[str] = field(default_factory=set)  # owners and admins (users.info)
    outside: set[str] = field(default_factory=set)  # channels the bot is not a member of
    private: set[str] = field(default_factory=set)  # private channels (it cannot join them)
    failures: dict[str, Failure] = field(default_factory=dict)
    refusals: dict[str, str] = field(default_factory=dict)  # method → Slack's error code
    violations: list[str] = field(default_factory=list)  # payloads Slack itself would refuse
    socket_mode_url: str = ""  # what apps.connections.open hands out (a SocketModeStandIn's)
    unreachable: set[str] = field(default_factory=set)  # people who cannot be sent a DM
    counted_refusals: dict[str, tuple[str, int]] = field(default_factory=dict)
    slowness: dict[str, tuple[float, int]] = field(default_factory=dict)  # method → (s, times)
    posted: list[dict[str, Any]] = field(default_factory=list)  # messages as Slack keeps them
    delay: float = 0.0  # seconds every Web API call takes to answer: a slow Slack
    files: dict[str, bytes] = field(default_factory=dict)  # what each file_url serves
    codes: dict[str, Workspace] = field(default_factory=dict)  # OAuth code → its install

    def install_code(self, code: str, workspace: Workspace) -> None:
        """oauth.v2.access will exchange `code` for `workspace`'s bot token."""
        self.codes[code] = workspace

    def workspace_of(self, token: str | None) -> Workspace | None:
        return next((w for w in self.codes.values() if w.token == token), None)

    def sent_with(self, token: str, method: str) -> list[Call]:
        """The calls of `method` made with `token`."""
        return [c for c in self.to(method) if c.token == token]

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.root}/api/"

    def file_url(self, name: str) -> str:
        """A file's `url_private_download`: served (to the bot's token only) from `files`."""
        return f"{self.root}/files/{name}"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.root}/response/{name}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, method: str, status: int, times: int = 1, **headers: str) -> None:
        self.failures[method] = Failure(status=status, headers=headers, remaining=times)

    def refuse(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with ok: false and `error`."""
        self.counted_refusals[method] = (error, times)

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """Take the next `times` calls of `method` (they happen), but answer `seconds` late."""
        self.slowness[method] = (seconds, times)

    def lateness(self, method: str) -> float:
        """How late this call of `method` is answered, as `slow` asked."""
        with self._changed:
            seconds, times = self.slowness.get(method, (0.0, 0))
            if times <= 0:
                return 0.0
            self.slowness[method] = (seconds, times - 1)
            return seconds

    def dm_channel(self, user: str) -> str:
        return "D" + user[1:]

    def _refusal(self, method: str, params: dict[str, Any]) -> str | None:
        if method in self.refusals:
            return self.refusals[method]
        with self._changed:
            error, times = self.counted_refusals.get(method, ("", 0))
            if times > 0:
                self.counted_refusals[method] = (error, times - 1)
                return error
        if method == "conversations.open" and params.get("users") in self.unreachable:
            return "user_not_found"
        if method == "chat.postMessage" and params.get("channel") in {
            self.dm_channel(u) for u in self.unreachable
        }:
            return "cannot_dm_bot"
        return None

    def _found(self, method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """conversations.history (top-level messages, newest first) or .replies (a thread,
        oldest first). The time bound `oldest` is not applied: the stand-in's ts are not
        the bot's clock."""
        with self._changed:
            here = [m for m in self.posted if m["channel"] == params.get("channel")]
        if method == "conversations.history":
            return [m for m in reversed(here) if not m.get("thread_ts")]
        thread = str(params.get("ts"))
        return [m for m in here if m["ts"] == thread or m.get("thread_ts") == thread]

    def record(self, call: Call) -> None:
        self.violations += [
            f"{call.method}: {p}" for p in slack_payloads.problems(call.method, call.params)
        ]
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def to(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1) -> list[Call]:
        """Block until `count` calls of `method` have arrived (the app works after its ack)."""
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: len([c for c in self.calls if c.method == method]) >= count,
                timeout=WAIT_SECONDS,
            )
            calls = [c for c in self.calls if c.method == method]
        assert arrived, f"expected {count} call(s) to {method}, got {len(calls)}: {self.calls}"
        return calls

    def _oauth_access(self, params: dict[str, Any]) -> dict[str, Any]:
        installed = self.codes.get(str(params.get("code")))
        if installed is None:
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            "app_id": "A0000001",
            "access_token": installed.token,
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": "UBOT" + installed.token[-6:].upper(),
            "team": None
            if installed.org_wide
            else {"id": installed.team_id, "name": installed.name},
            "enterprise": {"id": installed.enterprise_id, "name": installed.name}
            if installed.enterprise_id
            else None,
            "is_enterprise_install": installed.org_wide,
            "authed_user": {"id": "U0INSTALL1"},
        }

    def _auth_test(self, token: str | None) -> dict[str, Any]:
        installed = self.workspace_of(token)
        if installed is None:
            return {"user_id": "UBOT000001", "bot_id": "BBOT00001", "team_id": "T0000001"}
        return {
            "user_id": "UBOT" + installed.token[-6:].upper(),
            "bot_id": "B" + installed.token[-6:].upper(),
            "team_id": installed.team_id,
            "enterprise_id": installed.enterprise_id,
            "is_enterprise_install": installed.org_wide,
            "url": "https://school.slack.com/",
        }

    def answer(
        self, method: str, params: dict[str, Any], token: str | None = None
    ) -> dict[str, Any]:
        if method == "oauth.v2.access":
            return self._oauth_access(params)
        ts = f"1700000000.{next(self._ts):06d}"
        channel = params.get("channel", "C0000000000")
        answers: dict[str, dict[str, Any]] = {
            "auth.test": self._auth_test(token),
            "chat.postMessage": {"channel": channel, "ts": ts, "message": {"ts": ts}},
            "chat.postEphemeral": {"message_ts": ts},
            "chat.update": {"channel": channel, "ts": params.get("ts", ts)},
            "chat.getPermalink": {
                "channel": channel,
                "permalink": f"https://school.slack.com/archives/{channel}/"
                f"p{str(params.get('message_ts', ts)).replace('.', '')}",
            },
            "conversations.open": {"channel": {"id": "D" + str(params.get("users", "X"))[1:]}},
            "views.open": {"view": {"id": "V0000001"}},
            "views.update": {"view": {"id": "V0000001"}},
            "views.push": {"view": {"id": "V0000002"}},
            "views.publish": {"view": {"id": "V0000003"}},
            "usergroups.users.list": {"users": self.usergroups.get(params.get("usergroup"), [])},
            "usergroups.list": {
                "usergroups": [
                    {"id": group, "name": f"Group {group}", "handle": group.lower()}
                    for group in self.usergroups
                ]
            },
            "users.list": {"members": self.members, "response_metadata": {"next_cursor": ""}},
            "conversations.info": {
                "channel": {
                    "id": channel,
                    "is_member": channel not in self.outside,
                    "is_private": channel in self.private,
                }
            },
            "conversations.join": {"channel": {"id": channel, "is_member": True}},
            "users.info": {
                "user": {
                    "id": params.get("user"),
                    "is_admin": params.get("user") in self.workspace_admins,
                    "is_owner": False,
                }
            },
            "files.getUploadURLExternal": {
                "upload_url": f"{self.root}/upload/F{ts[-4:]}",
                "file_id": f"F{ts[-4:]}",
            },
            "files.completeUploadExternal": {"files": [{"id": "F0000001"}]},
            "apps.connections.open": {"url": self.socket_mode_url},
            "conversations.history": {"messages": self._found(method, params), "has_more": False},
            "conversations.replies": {"messages": self._found(method, params), "has_more": False},
        }
        refusal = self._refusal(method, params)
        if refusal is not None:
            return {"ok": False, "error": refusal}
        if method == "conversations.join":
            if channel in self.private:
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            self.outside.discard(channel)
        if method == "chat.postMessage":
            kept = {"channel": channel, "ts": ts, "text": params.get("text", "")}
            for key in ("thread_ts", "metadata"):
                if params.get(key):
                    kept[key] = params[key]
            with self._changed:
                self.posted.append(kept)
        return {"ok": True, **answers.get(method, {})}


def _parse(body: bytes, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(body or b"{}")
    params: dict[str, Any] = dict(parse_qsl(body.decode()))
    for key in ("blocks", "view", "attachments", "metadata"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


def _handler_for(stand_in: SlackStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # a shared file's url_private_download
            name = self.path.removeprefix("/files/")
            token = self.headers.get("Authorization", "")
            stand_in.record(Call("file_download", {"file": name, "authorization": token}))
            data = stand_in.files.get(name)
            if not self.path.startswith("/files/") or data is None or not token:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/upload/"):  # a file's bytes, for files_upload_v2
                stand_in.record(Call("file_upload", {"file": self.path[8:], "bytes": body}))
                self._reply(200, {"ok": True}, {})
                return
            params = _parse(body, self.headers.get("Content-Type", ""))
            if self.path.startswith("/response/"):
                method = "response_url"
            else:
                method = self.path.removeprefix("/api/").split("?")[0]
            if stand_in.delay and method != "response_url":
                time.sleep(stand_in.delay)
            failure = stand_in.failures.get(method)
            if failure and failure.remaining > 0:
                failure.remaining -= 1
                stand_in.record(Call(f"{method}!{failure.status}", params))
                self._reply(failure.status, {"ok": False, "error": "ratelimited"}, failure.headers)
                return
            bearer = self.headers.get("Authorization", "")
            token = bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else None
            stand_in.record(Call(method, params, token))
            reply = (
                {"ok": True} if method == "response_url" else stand_in.answer(method, params, token)
            )
            late = stand_in.lateness(method)
            if late:
                time.sleep(late)  # the fault itself: Slack took the call, and answers late
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._reply(200, reply, {})  # (the client may have given up waiting)

        def _reply(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler

"""A loopback stand-in for the Bot Connector service Teams replies through, and activities built
the way Teams sends them to /api/messages."""

from __future__ import annotations

import itertools
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from tests.contracts import adaptive_cards

# Made once: every client talks plain HTTP on loopback, and a TLS context costs 50 ms each.
LOOPBACK_TLS = ssl.create_default_context()
BOT = {"id": "28:bot-id", "name": "Social Policy"}
TENANT = "tenant-1"


@dataclass
class Sent:
    method: str  # POST (new activity) or PUT (update)
    conversation: str
    activity_id: str | None
    body: dict[str, Any]

    @property
    def text(self) -> str:
        return json.dumps(self.body, ensure_ascii=False)


@dataclass
class Upload:
    """A file the bot PUT to an upload URL (in Teams, a session in the user's OneDrive)."""

    name: str
    headers: dict[str, str]
    body: bytes


@dataclass
class BotConnectorStandIn:
    """Records what the bot sends; answers rosters from `rosters` (pages of members, or an HTTP
    status to fail with) and creates personal chats, refusing the accounts in `unreachable`.
    `fail` refuses the next sends (POST or PUT) to a conversation with an HTTP status; `slow`
    takes them but answers late."""

    sent: list[Sent] = field(default_factory=list)
    rosters: dict[str, list[list[dict[str, Any]]] | int] = field(default_factory=dict)
    roster_requests: list[tuple[str, str | None]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    uploads: list[Upload] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)  # cards Teams itself would refuse
    failures: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    slowness: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # what each file_url serves
    downloads: list[str] = field(default_factory=list)  # the files the bot fetched

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, conversation: str, status: int, times: int = 1, method: str = "POST") -> None:
        """Refuse the next `times` sends by `method` to `conversation` with `status`."""
        self.failures[(method, conversation)] = [status] * times

    def slow(self, conversation: str, seconds: float, times: int = 1, method: str = "POST") -> None:
        """Take the next `times` sends to `conversation`, answering each `seconds` late."""
        self.slowness[(method, conversation)] = [seconds] * times

    def _next(self, table: dict[tuple[str, str], list[Any]], key: tuple[str, str]) -> Any:
        with self._changed:
            waiting = table.get(key)
            return waiting.pop(0) if waiting else None

    def record(self, sent: Sent) -> str:
        self.violations += [
            p for card in cards_in(sent.body) for p in adaptive_cards.problems(card)
        ]
        with self._changed:
            self.sent.append(sent)
            self._changed.notify_all()
        return sent.activity_id or str(1_700_000_000_000 + next(self._ids))  # Teams ids are numeric

    def file_url(self, name: str) -> str:
        """A file's `downloadUrl`, as Teams hands a file sent to the bot: served from `files`."""
        return f"{self.url}files/{name}"

    def upload_url(self, name: str) -> str:
        """Where the bot may PUT a file, as the upload URL Teams hands over on consent."""
        return f"{self.url}upload/{name}"

    def wait_for(self, conversation: str, text: str, timeout: float = 15) -> Sent:
        """The first message to `conversation` containing `text`, once the bot has sent it (for
        work the bot finishes in the background)."""

        def found() -> Sent | None:
            return next((s for s in self.to(conversation) if text in s.text), None)

        with self._changed:
            sent = self._changed.wait_for(found, timeout)
        assert sent is not None, f"nothing with {text!r} reached {conversation}"
        return sent

    def to(self, conversation: str, method: str | None = None) -> list[Sent]:
        return [
            s
            for s in self.sent
            if s.conversation == conversation and (method is None or s.method == method)
        ]


def _handler_for(stand_in: BotConnectorStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, answer: Any, status: int = 200) -> None:
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/upload/"):  # the file itself: kept as bytes
                name = unquote(self.path.removeprefix("/upload/"))
                with stand_in._changed:
                    stand_in.uploads.append(
                        Upload(name, {k.lower(): v for k, v in self.headers.items()}, raw)
                    )
                self._reply({"id": f"item-{len(stand_in.uploads)}", "name": name}, status=201)
                return
            body = json.loads(raw or b"{}")
            parts = self.path.split("/")  # /v3/conversations/{id}/activities[/{activityId}]
            if len(parts) == 3:  # POST /v3/conversations: the bot starts a chat
                self._create(body)
                return
            conversation = unquote(parts[3]) if len(parts) > 3 else ""
            activity_id = unquote(parts[5]) if len(parts) > 5 else None
            status = stand_in._next(stand_in.failures, (self.command, conversation))
            if status is not None:
                self._reply({"error": {"code": "ServiceError"}}, status=status)
                return
            new_id = stand_in.record(Sent(self.command, conversation, activity_id, body))
            late = stand_in._next(stand_in.slowness, (self.command, conversation))
            if late:
                time.sleep(late)  # the fault itself: Teams took it, and answers late
            self._reply({"id": new_id})

        def _create(self, body: dict[str, Any]) -> None:
            stand_in.created.append(body)
            member = body["members"][0]["id"]
            if member in stand_in.unreachable:
                self._reply({"error": {"code": "Forbidden"}}, status=403)
            else:
                self._reply({"id": f"a:chat-with-{member}"})

        def do_GET(self) -> None:  # /v3/conversations/{id}/pagedMembers?continuationToken=…
            if self.path.startswith("/files/"):  # a file sent to the bot: its downloadUrl
                name = unquote(self.path.removeprefix("/files/"))
                stand_in.downloads.append(name)
                data = stand_in.files.get(name)
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")
                return
            url = urlsplit(self.path)
            parts = url.path.split("/")
            if len(parts) != 5 or parts[4].lower() != "pagedmembers":
                self._reply({"error": {"code": "NotFound"}}, status=404)
                return
            conversation = unquote(parts[3])
            token = parse_qs(url.query).get("continuationToken", [None])[0]
            stand_in.roster_requests.append((conversation, token))
            roster = stand_in.rosters.get(conversation, [])
            if isinstance(roster, int):
                self._reply({"error": {"code": "ServiceError"}}, status=roster)
                return
            page = int(token or 0)
            answer: dict[str, Any] = {"members": roster[page] if page < len(roster) else []}
            if page + 1 < len(roster):
                answer["continuationToken"] = str(page + 1)
            self._reply(answer)

        do_POST = _handle
        do_PUT = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class TeamsSender:
    """Posts activities to the bot as Teams does (unsigned: the local-testing switch is on)."""

    def __init__(
        self,
        messages_url: str,
        service_url: str,
        settle: Callable[[], None] | None = None,
        *,
        tenant: str | None = TENANT,
    ) -> None:
        """`settle`, if given, waits after each invoke for the deliveries the bot makes after
        answering it, for tests about what was delivered rather than when. `tenant`: the
        Microsoft Entra tenant every activity is from (None: named nowhere)."""
        self.tenant = tenant
        self.messages_url = messages_url
        self.service_url = service_url
        self.settle = settle
        self.http = httpx.Client(timeout=15, verify=LOOPBACK_TLS)
        self._ids = itertools.count(1)

    def activity(
        self,
        kind: str,
        *,
        user: str,
        conversation: str,
        conversation_type: str = "personal",
        activity_id: str | None = None,
        **extra: Any,
    ) -> httpx.Response:
        body = {
            "type": kind,
            "id": activity_id or f"incoming-{next(self._ids)}",
            "timestamp": "2026-11-25T10:00:00.000Z",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": f"29:{user}", "aadObjectId": user, "name": user.title()},
            "conversation": {
                "id": conversation,
                "conversationType": conversation_type,
                **({"tenantId": self.tenant} if self.tenant else {}),
            },
            "recipient": BOT,
            "channelData": {"tenant": {"id": self.tenant}} if self.tenant else {},
            **extra,
        }
        response = self.http.post(self.messages_url, json=body)
        if response.content and "json" in response.headers.get("content-type", ""):
            found = [p for card in cards_in(response.json()) for p in adaptive_cards.problems(card)]
            assert not found, f"the bot answered with a card Teams would refuse: {found}"
        return response

    def message(
        self,
        text: str,
        *,
        user: str,
        conversation: str | None = None,
        conversation_type: str = "personal",
        mention: bool = False,
    ) -> httpx.Response:
        extra: dict[str, Any] = {"text": text}
        if mention:
            extra["text"] = f"<at>{BOT['name']}</at> {text}"
            extra["entities"] = [
                {"type": "mention", "text": f"<at>{BOT['name']}</at>", "mentioned": BOT}
            ]
        return self.activity(
            "message",
            user=user,
            conversation=conversation or f"a:{user}",
            conversation_type=conversation_type,
            **extra,
        )

    def send_file(
        self, name: str, download_url: str, *, user: str, size: int | None = None
    ) -> httpx.Response:
        """A file sent to the bot in its personal chat, as Teams hands it over."""
        content: dict[str, Any] = {
            "downloadUrl": download_url,
            "uniqueId": "1234-abcd",
            "fileType": name.rpartition(".")[2],
        }
        if size is not None:
            content["size"] = size
        attachment = {
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "contentUrl": f"https://school.sharepoint.com/personal/{user}/Documents/{name}",
            "name": name,
            "content": content,
        }
        return self.activity(
            "message", user=user, conversation=f"a:{user}", text="", attachments=[attachment]
        )

    def install(self, *, user: str, conversation: str, conversation_type: str) -> httpx.Response:
        return self.activity(
            "conversationUpdate",
            user=user,
            conversation=conversation,
            conversation_type=conversation_type,
            membersAdded=[BOT],
        )

    def invoke(
        self,
        name: str,
        value: dict[str, Any],
        *,
        user: str,
        conversation: str | None = None,
        conversation_type: str = "personal",
        activity_id: str | None = None,
    ) -> httpx.Response:
        response = self.activity(
            "invoke",
            user=user,
            conversation=conversation or f"a:{user}",
            conversation_type=conversation_type,
            activity_id=activity_id,
            name=name,
            value=value,
        )
        if response.status_code == 200 and response.content:
            found = adaptive_cards.invoke_problems(name, response.json())
            assert not found, f"the bot answered an invoke in a shape Teams does not take: {found}"
        if self.settle is not None:
            self.settle()
        return response

    def open_dialog(self, data: dict[str, Any], *, user: str) -> httpx.Response:
        return self.invoke("task/fetch", {"data": data, "context": {"theme": "default"}}, user=user)

    def submit_dialog(
        self, data: dict[str, Any], *, user: str, activity_id: str | None = None
    ) -> httpx.Response:
        """`activity_id` sends the same activity again, as Teams resends an invoke."""
        return self.invoke(
            "task/submit",
            {"data": data, "context": {"theme": "default"}},
            user=user,
            activity_id=activity_id,
        )

    def execute(
        self,
        verb: str,
        data: dict[str, Any],
        *,
        user: str,
        conversation: str | None = None,
        conversation_type: str = "personal",
    ) -> httpx.Response:
        value = {
            "action": {"type": "Action.Execute", "verb": verb, "data": data},
            "trigger": "manual",
        }
        return self.invoke(
            "adaptiveCard/action",
            value,
            user=user,
            conversation=conversation,
            conversation_type=conversation_type,
        )


def cards_in(node: Any) -> list[dict[str, Any]]:
    """Every Adaptive Card inside an activity or an invoke response."""
    if isinstance(node, dict):
        if node.get("type") == "AdaptiveCard":
            return [node]
        return [card for value in node.values() for card in cards_in(value)]
    if isinstance(node, list):
        return [card for value in node for card in cards_in(value)]
    return []

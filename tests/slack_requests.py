"""Requests built and signed the way Slack builds and signs them."""

from __future__ import annotations

import json
import ssl
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from tests.contracts import slack_payloads

# Made once: every client talks plain HTTP on loopback, and a TLS context costs 50 ms each.
LOOPBACK_TLS = ssl.create_default_context()
TEAM = {"id": "T0000001", "domain": "school"}
FORM = "application/x-www-form-urlencoded"


class SlackSender:
    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        response_url: str,
        *,
        team: dict[str, str] = TEAM,
        enterprise: str | None = None,
    ) -> None:
        """`team`: the workspace every request is from; `enterprise`: the Grid organisation
        whose org-wide install it is, if any."""
        self.events_url = events_url
        self.team = team
        self.enterprise = enterprise
        self.verifier = SignatureVerifier(signing_secret)
        self.response_url = response_url
        self.http = httpx.Client(timeout=10, verify=LOOPBACK_TLS)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> httpx.Response:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature
            or self.verifier.generate_signature(timestamp=stamp, body=body),
        }
        response = self.http.post(self.events_url, content=body.encode(), headers=headers)
        _check_ack(response)
        return response

    def command(
        self,
        text: str,
        *,
        user: str = "U0STAFF01",
        channel: str = "C0GENERAL",
        command: str = "/socialpolicy",
        **kwargs: Any,
    ) -> httpx.Response:
        form = {
            "token": "legacy",
            "team_id": self.team["id"],
            "team_domain": self.team["domain"],
            **self._org_form(),
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0000001",
            "response_url": self.response_url,
            "trigger_id": "1337.42.abcd",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def _org_form(self) -> dict[str, str]:
        if self.enterprise is None:
            return {}
        return {"enterprise_id": self.enterprise, "is_enterprise_install": "true"}

    def _org(self) -> dict[str, Any]:
        if self.enterprise is None:
            return {}
        return {"enterprise": {"id": self.enterprise}, "is_enterprise_install": True}

    def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded")

    def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U0STAFF01",
        channel: str = "C0GENERAL",
        message_ts: str | None = None,
        container: dict[str, Any] | None = None,
        **extra: Any,
    ) -> httpx.Response:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": self.team,
            "user": {"id": user, "username": user.lower(), "team_id": self.team["id"]},
            **self._org(),
            "api_app_id": "A0000001",
            "trigger_id": "1337.42.abcd",
            "channel": {"id": channel, "name": "general"},
            "response_url": self.response_url,
            "container": container
            or {
                "type": "message",
                "message_ts": message_ts or "1.1",
                "channel_id": channel,
                "is_ephemeral": True,
            },
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b1",
                    "value": value,
                    "type": "button",
                    "action_ts": str(time.time()),
                }
            ],
            **extra,
        }
        if message_ts:
            payload["message"] = {"ts": message_ts, "type": "message"}
        return self.interaction(payload)

    def event(self, event: dict[str, Any]) -> httpx.Response:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": self.team["id"],
                "api_app_id": "A0000001",
                "type": "event_callback",
                **(
                    {
                        "enterprise_id": self.enterprise,
                        "authorizations": [
                            {
                                "enterprise_id": self.enterprise,
                                "team_id": None,
                                "is_enterprise_install": True,
                            }
                        ],
                    }
                    if self.enterprise
                    else {}
                ),
                "event_id": "Ev0001",
                "event_time": int(time.time()),
                "event": event,
            }
        )
        return self.post(body, "application/json")


def select(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def radio(value: str) -> dict[str, Any]:
    return {"type": "radio_buttons", "selected_option": {"value": value}}


def text_input(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def datetime_input(stamp: int) -> dict[str, Any]:
    return {"type": "datetimepicker", "selected_date_time": stamp}


def checkboxes(*values: str) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}


class SlackModals:
    """Modal submissions and shortcuts, for a `SlackSender`."""

    def __init__(self, sender: SlackSender) -> None:
        self.sender = sender

    def submit(
        self,
        callback_id: str,
        fields: dict[str, dict[str, Any]],
        *,
        user: str = "U0STAFF01",
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> httpx.Response:
        """Submit a modal whose block ids and action ids are both the field names. Each modal
        Slack opens has its own id: a fresh one unless `view_id` names the same modal again."""
        body = self.submission(
            callback_id,
            fields,
            user=user,
            private_metadata=private_metadata,
            view_id=view_id,
            team=self.sender.team,
        )
        return self.sender.post(body, FORM)

    @staticmethod
    def submission(
        callback_id: str,
        fields: dict[str, dict[str, Any]],
        *,
        user: str = "U0STAFF01",
        private_metadata: str = "",
        view_id: str | None = None,
        team: dict[str, str] = TEAM,
    ) -> str:
        """The body Slack posts for a modal submission, to send (or replay) as it is."""
        payload = {
            "type": "view_submission",
            "team": team,
            "user": {"id": user, "username": user.lower(), "team_id": team["id"]},
            "api_app_id": "A0000001",
            "trigger_id": "1337.42.abcd",
            "view": {
                "id": view_id or f"V{uuid.uuid4().hex[:10].upper()}",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": {k: {k: v} for k, v in fields.items()}},
            },
        }
        return urlencode({"payload": json.dumps(payload)})

    def message_shortcut(
        self, callback_id: str, text: str, *, user: str = "U0STAFF01"
    ) -> httpx.Response:
        team = self.sender.team
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            "team": team,
            "user": {"id": user, "username": user.lower(), "team_id": team["id"]},
            "channel": {"id": "C0GENERAL", "name": "general"},
            "message": {
                "type": "message",
                "text": text,
                "ts": "1700000000.000001",
                "user": "U0SOMEONE",
            },
            "message_ts": "1700000000.000001",
            "response_url": self.sender.response_url,
            "trigger_id": "1337.42.abcd",
        }
        return self.sender.interaction(payload)

    def global_shortcut(self, callback_id: str, *, user: str = "U0STAFF01") -> httpx.Response:
        team = self.sender.team
        payload = {
            "type": "shortcut",
            "callback_id": callback_id,
            "team": team,
            "user": {"id": user, "username": user.lower(), "team_id": team["id"]},
            "trigger_id": "1337.42.abcd",
            "action_ts": "1700000000.000001",
        }
        return self.sender.interaction(payload)


def _check_ack(response: httpx.Response) -> None:
    """What the bot answered in an ack must pass the same rules as what it posts."""
    if "application/json" not in response.headers.get("content-type", "") or not response.content:
        return
    body = response.json()
    if not isinstance(body, dict):
        return
    found = (
        slack_payloads.problems("views.update", {"view": body["view"]})
        if body.get("response_action") in ("update", "push")
        else slack_payloads.problems("response_url", body)
        if "blocks" in body or "text" in body
        else []
    )
    assert not found, f"the bot answered with a payload Slack would refuse: {found}"

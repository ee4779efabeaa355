"""`manifest.yaml` against Slack's published app-manifest schema, and against what the code
needs from it: every Web API method's scope, every event the listeners hear, every shortcut."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from handlers.slack.ids import COMMAND, CommentCallback, IncidentCallback
from handlers.slack.installations import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests/contracts/slack/manifest.schema.1.0.0.json").read_text())

# Every Web API method the Slack front end calls, and the bot scope Slack's docs say it needs.
SCOPES = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_getPermalink": None,
    "conversations_open": "im:write",
    # A channel chosen in the settings is checked (a private one with groups:read) and joined.
    "conversations_info": "channels:read",
    "conversations_join": "channels:join",
    # A retried delivery looks for its earlier try: in a channel, a private one or a DM (the
    # manifest grants groups:history and im:history too).
    "conversations_history": "channels:history",
    "conversations_replies": "channels:history",
    "views_open": None,
    "views_update": None,
    "views_push": None,
    "views_publish": None,
    "users_info": "users:read",
    "users_list": "users:read",
    "usergroups_users_list": "usergroups:read",
    "usergroups_list": "usergroups:read",
    "files_upload_v2": "files:write",
}
# The events the listeners subscribe to, and the scope each needs.
# (A message event is subscribed to by where it is said: `message.im`, the bot's DMs.)
EVENTS = {
    "app_home_opened": None,
    "user_change": "users:read",
    "message.im": "im:history",
    # Bolt's token revocation listeners (installs by OAuth), and the school marked uninstalled.
    "app_uninstalled": None,
    "tokens_revoked": None,
}
SUBSCRIBED_AS = {"message": "message.im"}


def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yaml").read_text())


def problems(candidate: dict[str, Any]) -> list[str]:
    return [error.message for error in Draft7Validator(SCHEMA).iter_errors(candidate)]


def test_the_shipped_manifest_passes_slacks_schema() -> None:
    assert problems(manifest()) == []


@pytest.mark.parametrize(
    "break_it",
    [
        lambda m: m["features"]["shortcuts"][0].update(name="Log as school-account comment"),
        lambda m: m["features"]["slash_commands"][0].update(command="socialpolicy"),
        lambda m: m["display_information"].update(description="x" * 141),
    ],
    ids=["shortcut name over 24", "command without slash", "description over 140"],
)
def test_the_schema_refuses_a_broken_manifest(break_it: Any) -> None:
    broken = copy.deepcopy(manifest())
    break_it(broken)
    assert problems(broken)


def _slack_source() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "handlers/slack").rglob("*.py"))


def _called_methods() -> set[str]:
    """Web API methods called on a client: `client.chat_postMessage(`, `self.client.x,` …"""
    found = set(re.findall(r"\bclient\.([a-z]+_\w+)\b", _slack_source()))
    return found - {"base_url"}  # the client's Web API address: an attribute, not a method


def missing_scopes(candidate: dict[str, Any], called: set[str]) -> set[str]:
    granted = set(candidate["oauth_config"]["scopes"]["bot"])
    needed = {SCOPES[m] for m in called} | set(EVENTS.values())
    return needed - {None} - granted


def test_every_web_api_call_has_its_scope_in_the_manifest() -> None:
    called = _called_methods()
    unknown = called - set(SCOPES)
    assert not unknown, f"add these Web API methods and their scopes to SCOPES: {unknown}"
    assert missing_scopes(manifest(), called) == set()


def test_a_call_without_its_scope_is_caught() -> None:
    without = copy.deepcopy(manifest())
    without["oauth_config"]["scopes"]["bot"].remove("files:write")
    assert missing_scopes(without, _called_methods()) == {"files:write"}


def test_every_event_listened_to_is_subscribed() -> None:
    heard = {
        SUBSCRIBED_AS.get(event, event)
        for event in re.findall(r"app\.event\(\"(\w+)\"\)", _slack_source())
    }
    assert heard <= set(EVENTS)
    assert heard <= set(manifest()["settings"]["event_subscriptions"]["bot_events"])


def test_the_command_and_shortcuts_match_the_listeners() -> None:
    features = manifest()["features"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert {s["callback_id"] for s in features["shortcuts"]} == {
        CommentCallback.FROM_MESSAGE,
        IncidentCallback.FROM_MESSAGE,
        IncidentCallback.GLOBAL,
    }


def test_an_oauth_install_asks_for_the_manifests_bot_scopes() -> None:
    assert sorted(BOT_SCOPES) == sorted(manifest()["oauth_config"]["scopes"]["bot"])


def test_the_uninstall_events_are_subscribed() -> None:
    events = manifest()["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events)
    redirects = manifest()["oauth_config"]["redirect_urls"]
    assert all(url.endswith("/slack/oauth_redirect") for url in redirects)

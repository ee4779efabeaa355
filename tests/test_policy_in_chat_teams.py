"""SLT manage the school's policy in Teams: a file sent to the bot in its personal chat is
previewed against the live version as an Adaptive Card, and once confirmed answers come from
it on every instance without a restart; staff are asked to confirm it again; `policy versions`
rolls back. Anyone else is refused, and a file that cannot be read changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app.jobs import POLICY_LIVE_JOB
from store.models import PolicySwitch, PolicyVersion
from tests.conftest import RunningBot
from tests.policy_files import NEW_PASSAGE, OLD_POLICY, QUESTION, new_policy_pdf
from tests.teams_bot import SLT, SLT_CONVERSATION, STAFF, TeamsBot
from tests.teams_standin import BotConnectorStandIn, TeamsSender


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.md"
    path.write_text(OLD_POLICY, encoding="utf-8")
    return path


@pytest.fixture
def start(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn, policy_file: Path
) -> Callable[..., TeamsBot]:
    def started(**overrides: Any) -> TeamsBot:
        bot = bot_factory(
            slack_bot_token=None,
            slack_signing_secret=None,
            slt_channel=None,
            teams_app_id="00000000-0000-0000-0000-0000000000aa",
            dangerously_allow_unauthenticated_requests=True,
            teams_slt_users=[SLT],
            teams_slt_conversation=SLT_CONVERSATION,
            policy_path=policy_file,
            **overrides,
        )
        teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
        teams.install(user=SLT, conversation=SLT_CONVERSATION, conversation_type="channel")
        for user in (SLT, STAFF):
            teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
        return TeamsBot(bot, teams, connector)

    return started


def _last(both: TeamsBot, user: str) -> str:
    return both.connector.to(f"a:{user}")[-1].text


def _say(both: TeamsBot, words: str, user: str) -> str:
    both.teams.message(words, user=user)
    return _last(both, user)


def _actions(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if str(node.get("type", "")).startswith("Action.") else []
        return found + [a for value in node.values() for a in _actions(value)]
    if isinstance(node, list):
        return [a for value in node for a in _actions(value)]
    return []


def _data(card: Any, title: str) -> dict[str, Any]:
    found = [a["data"] for a in _actions(card) if a.get("title") == title and "data" in a]
    assert found, f"no {title} button in {json.dumps(card)[:500]}"
    return dict(found[0])


def _send(both: TeamsBot, name: str, data: bytes, *, user: str = SLT, **kwargs: Any) -> Any:
    """The file sent in `user`'s personal chat: the card the bot answered with there."""
    both.connector.files[name] = data
    both.teams.send_file(name, both.connector.file_url(name), user=user, **kwargs)
    return both.connector.to(f"a:{user}")[-1].body


def _answer(both: TeamsBot) -> str:
    return _say(both, QUESTION, STAFF)


def test_slt_send_a_pdf_preview_it_confirm_and_every_instance_answers_from_it(
    start: Callable[..., TeamsBot],
) -> None:
    both = start()
    other_instance = start(policy_check_seconds=0)
    assert "recorded that you have read the policy" in _say(both, "acknowledge", STAFF)
    assert NEW_PASSAGE not in _answer(both)

    preview = _send(both, "policy-2027.pdf", new_policy_pdf())
    shown = json.dumps(preview, ensure_ascii=False)
    assert "New policy version: preview" in shown and "has 4 sections" in shown
    assert "1 September 2027" in shown
    assert "Added (1)" in shown and "Drones" in shown
    assert "Removed (1)" in shown and "Fax machines" in shown
    assert "Changed (2)" in shown and "Using social media" in shown
    assert both.connector.downloads == ["policy-2027.pdf"]
    assert NEW_PASSAGE not in _answer(both)

    live = both.teams.execute("policy_version.confirm", _data(preview, "Confirm"), user=SLT).text
    assert "is now the policy in force, for everyone" in live
    assert "have still to confirm they have read this version" in live and "Nudge them" in live
    assert NEW_PASSAGE in _answer(both)
    assert NEW_PASSAGE in _answer(other_instance)  # no restart
    assert "2 of 2 staff have not confirmed" in _say(both, "acknowledgements", SLT)
    assert both.bot.tick(POLICY_LIVE_JOB) == 1
    assert "confirmed a new policy version" in both.connector.to(SLT_CONVERSATION)[-1].text

    both.teams.message("policy versions", user=SLT)
    listing = both.connector.to(f"a:{SLT}")[-1].body
    assert "v2 policy-2027.pdf" in json.dumps(listing) and "in force" in json.dumps(listing)
    back = both.teams.execute(
        "policy_version.roll_back", _data(listing, "Roll back to v1"), user=SLT
    )
    assert "Rolled back" in back.text
    assert NEW_PASSAGE not in _answer(both)
    assert NEW_PASSAGE not in _answer(other_instance)
    history = _say(both, "policy versions", SLT)
    assert "confirmed by" in history and "rolled back to by" in history
    assert len(both.rows(PolicyVersion)) == 2 and len(both.rows(PolicySwitch)) == 3
    switches = [(s.kind, s.front_end) for s in both.rows(PolicySwitch)]
    assert switches == [("import", "setup"), ("confirm", "teams"), ("rollback", "teams")]


def test_staff_are_refused_privately_and_nothing_changes(start: Callable[..., TeamsBot]) -> None:
    both = start()
    refused = json.dumps(_send(both, "policy-2027.pdf", new_policy_pdf(), user=STAFF))
    assert "Only SLT can change the school's policy" in refused
    assert both.connector.downloads == []
    assert "Only SLT" in _say(both, "policy versions", STAFF)

    preview = _send(both, "policy-2027.pdf", new_policy_pdf())
    confirm = _data(preview, "Confirm")
    assert "Only SLT" in both.teams.execute("policy_version.confirm", confirm, user=STAFF).text
    assert NEW_PASSAGE not in _answer(both)
    assert "Cancelled" in both.teams.execute("policy_version.cancel", confirm, user=SLT).text
    again = both.teams.execute("policy_version.confirm", confirm, user=SLT).text
    assert "no longer waiting" in again
    assert NEW_PASSAGE not in _answer(both)
    assert len(both.rows(PolicySwitch)) == 1


def test_a_file_that_cannot_be_read_gets_a_plain_reason_and_nothing_changes(
    start: Callable[..., TeamsBot],
) -> None:
    both = start()
    broken = json.dumps(_send(both, "policy.pdf", b"%PDF-1.7\nthis is not really a PDF\n"))
    assert "not a readable PDF" in broken and "Nothing was changed" in broken
    assert "unsupported file type .odt" in json.dumps(_send(both, "policy.odt", b"PK\x03\x04 x"))
    huge = json.dumps(_send(both, "huge.pdf", b"%PDF-1.7\n", size=50 * 1024 * 1024))
    assert "the most I take is 10 MB" in huge
    assert "huge.pdf" not in both.connector.downloads
    both.teams.send_file("gone.pdf", both.connector.file_url("gone.pdf"), user=SLT)  # a 404
    assert "couldn't fetch that file from Teams" in _last(both, SLT)
    assert "the file is empty" in json.dumps(_send(both, "empty.md", b"  \n"))
    # A size Teams would never send is no reason to fail: the file is judged by what arrives.
    odd = json.dumps(_send(both, "odd.pdf", b"%PDF-1.7\nnot a PDF\n", size="lots"))
    assert "not a readable PDF" in odd
    assert len(both.rows(PolicyVersion)) == 1
    assert NEW_PASSAGE not in _answer(both)

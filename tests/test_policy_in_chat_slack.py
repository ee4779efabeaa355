"""SLT manage the school's policy in Slack: a file sent to the bot (or uploaded from App Home)
is previewed against the live version, and once confirmed answers come from it on every
instance without a restart; staff are asked to confirm it again; SLT can roll back. Anyone else
is refused, and a file that cannot be read changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app.jobs import POLICY_LIVE_JOB
from bot.setup.service import verify
from store.db import session_scope
from store.models import PolicySwitch, PolicyVersion, SchoolSettingChange
from tests.conftest import RunningBot
from tests.policy_files import NEW_PASSAGE, OLD_POLICY, QUESTION, new_policy_pdf
from tests.slack_standin import Call

SLT = "U0SLT0001"
STAFF = "U0STAFF01"
OTHER = "U0STAFF02"


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.md"
    path.write_text(OLD_POLICY, encoding="utf-8")
    return path


@pytest.fixture
def start(bot_factory: Callable[..., RunningBot], policy_file: Path) -> Callable[..., RunningBot]:
    def started(**overrides: Any) -> RunningBot:
        bot = bot_factory(slt_users=[SLT], policy_path=policy_file, **overrides)
        bot.stand_in.members = [{"id": STAFF}, {"id": OTHER}, {"id": SLT}]
        return bot

    return started


def _text(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _button(blocks: list[dict[str, Any]], action_id: str) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action_id} button in {blocks}")


def _send_file(bot: RunningBot, name: str, data: bytes, *, user: str = SLT, **file: Any) -> Call:
    """A file sent to the bot in its DM, as Slack's message.im event carries it: the bot's
    reply there."""
    bot.stand_in.files[name] = data
    before = len(bot.stand_in.to("chat.postMessage"))
    shared = {
        "id": "F0POLICY1",
        "name": name,
        "size": len(data),
        "url_private_download": bot.stand_in.file_url(name),
        **file,
    }
    bot.slack.event(
        {
            "type": "message",
            "subtype": "file_share",
            "channel": f"D{user[1:]}",
            "channel_type": "im",
            "user": user,
            "text": "",
            "ts": "1700000001.000100",
            "files": [shared],
        }
    )
    return bot.stand_in.wait_for("chat.postMessage", before + 1)[-1]


def _answer(bot: RunningBot) -> str:
    return _text(bot.slack.command(QUESTION, user=STAFF).json())


def _private(bot: RunningBot) -> str:
    bot.settle()
    return bot.stand_in.to("response_url")[-1].text


def _versions(bot: RunningBot) -> tuple[int, int]:
    with session_scope(bot.runtime.services.sessions) as session:
        return (
            session.scalar(select(func.count()).select_from(PolicyVersion)) or 0,
            session.scalar(select(func.count()).select_from(PolicySwitch)) or 0,
        )


def test_slt_upload_a_pdf_preview_it_confirm_and_every_instance_answers_from_it(
    start: Callable[..., RunningBot],
) -> None:
    bot = start()
    other_instance = start(policy_check_seconds=0)  # a second runtime on the same database
    assert _versions(bot) == (1, 1)  # POLICY_PATH imported once, at the first start
    bot.slack.command("acknowledge", user=STAFF)
    assert NEW_PASSAGE not in _answer(bot)

    preview = _send_file(bot, "policy-2027.pdf", new_policy_pdf())
    assert preview.params["channel"] == f"D{SLT[1:]}"
    shown = preview.text
    assert "New policy version: preview" in shown
    assert "policy-2027.pdf" in shown and "has 4 sections" in shown
    assert "1 September 2027" in shown
    assert "Added (1):* Drones" in shown
    assert "Removed (1)" in shown and "Fax machines" in shown
    assert "Changed (2)" in shown and "Using social media" in shown
    assert bot.stand_in.to("file_download")[-1].params["authorization"] == "Bearer xoxb-test"
    assert NEW_PASSAGE not in _answer(bot)  # nothing changes before Confirm
    assert _versions(bot) == (2, 1)

    bot.slack.click(
        "policy_version.confirm",
        _button(preview.params["blocks"], "policy_version.confirm"),
        user=SLT,
        channel=preview.params["channel"],
    )
    live = _private(bot)
    assert "is now the policy in force, for everyone" in live
    assert "3 of 3" in live and "knowledge.nudge" in live  # nobody has confirmed this version
    assert NEW_PASSAGE in _answer(bot)
    assert NEW_PASSAGE in _answer(other_instance)  # no restart
    assert bot.tick(POLICY_LIVE_JOB) == 1  # SLT's channel is told, once for all instances
    assert other_instance.tick(POLICY_LIVE_JOB) == 0
    notice = bot.stand_in.to("chat.postMessage")[-1]
    assert notice.params["channel"] == "C0SLT0001"
    assert f"<@{SLT}> confirmed a new policy version" in notice.text

    bot.slack.event({"type": "app_home_opened", "user": STAFF, "tab": "home"})
    home = bot.stand_in.wait_for("views.publish")[-1].text
    assert "Please confirm you have read the current version" in home

    listing = bot.slack.command("policy versions", user=SLT).json()
    assert "v2 policy-2027.pdf" in _text(listing) and "in force" in _text(listing)
    bot.slack.click(
        "policy_version.roll_back", _button(listing["blocks"], "policy_version.roll_back"), user=SLT
    )
    assert "Rolled back" in _private(bot)
    assert NEW_PASSAGE not in _answer(bot)
    assert NEW_PASSAGE not in _answer(other_instance)
    assert other_instance.tick(POLICY_LIVE_JOB) == 1
    assert "rolled the policy back to" in bot.stand_in.to("chat.postMessage")[-1].text
    history = _text(bot.slack.command("policy versions", user=SLT).json())
    assert f"confirmed by <@{SLT}>" in history and f"rolled back to by <@{SLT}>" in history
    assert "set-up (POLICY_PATH)" in history
    assert _versions(bot) == (2, 3)
    # Each switch is in the chained record beside the settings' changes.
    with session_scope(bot.runtime.services.sessions) as session:
        recorded = [
            (row.actor, json.loads(row.new)["how"])
            for row in session.scalars(
                select(SchoolSettingChange)
                .where(SchoolSettingChange.key == "policy")
                .order_by(SchoolSettingChange.id)
            )
        ]
        assert verify(session).broken is None
    assert recorded[1:] == [(SLT, "confirm"), (SLT, "rollback")]

    # The next start takes the database's live version, not the file.
    assert NEW_PASSAGE not in _answer(start())


def test_staff_are_refused_privately_and_nothing_changes(start: Callable[..., RunningBot]) -> None:
    bot = start()
    refused = _send_file(bot, "policy-2027.pdf", new_policy_pdf(), user=STAFF)
    assert refused.params["channel"] == f"D{STAFF[1:]}"
    assert "Only SLT can change the school's policy" in refused.text
    assert bot.stand_in.to("file_download") == []  # not even fetched
    assert _versions(bot) == (1, 1)
    assert "Only SLT" in _text(bot.slack.command("policy versions", user=STAFF).json())

    preview = _send_file(bot, "policy-2027.pdf", new_policy_pdf())
    confirm = _button(preview.params["blocks"], "policy_version.confirm")
    bot.slack.click("policy_version.confirm", confirm, user=STAFF)
    assert "Only SLT" in _private(bot)
    assert NEW_PASSAGE not in _answer(bot)

    bot.slack.click("policy_version.cancel", confirm, user=SLT)
    assert "Cancelled" in _private(bot)
    bot.slack.click("policy_version.confirm", confirm, user=SLT)
    assert "no longer waiting" in _private(bot)
    assert NEW_PASSAGE not in _answer(bot)
    assert "cancelled by" in _text(bot.slack.command("policy versions", user=SLT).json())


def test_a_file_that_cannot_be_read_gets_a_plain_reason_and_nothing_changes(
    start: Callable[..., RunningBot],
) -> None:
    bot = start()
    broken = _send_file(bot, "policy.pdf", b"%PDF-1.7\nthis is not really a PDF\n")
    assert "not a readable PDF" in broken.text and "Nothing was changed" in broken.text
    odt = _send_file(bot, "policy.odt", b"PK\x03\x04 an OpenDocument file")
    assert "unsupported file type .odt" in odt.text
    downloads = len(bot.stand_in.to("file_download"))
    huge = _send_file(bot, "huge.pdf", b"%PDF-1.7\n", size=50 * 1024 * 1024)
    assert "the most I take is 10 MB" in huge.text
    assert len(bot.stand_in.to("file_download")) == downloads  # refused before fetching
    elsewhere = _send_file(
        bot, "policy.md", OLD_POLICY.encode(), url_private_download="https://files.example.org/x"
    )
    assert "couldn't fetch that file from Slack" in elsewhere.text  # the token stays with Slack
    assert len(bot.stand_in.to("file_download")) == downloads
    assert "blocks" in broken.params
    assert _versions(bot) == (1, 1)
    assert NEW_PASSAGE not in _answer(bot)


def test_slt_upload_from_app_home(start: Callable[..., RunningBot]) -> None:
    bot = start()
    bot.slack.event({"type": "app_home_opened", "user": SLT, "tab": "home"})
    home = bot.stand_in.wait_for("views.publish")[-1]
    assert "policy_version.upload" in home.text
    bot.slack.event({"type": "app_home_opened", "user": STAFF, "tab": "home"})
    assert "policy_version.upload" not in bot.stand_in.wait_for("views.publish", 2)[-1].text

    bot.slack.click(
        "policy_version.upload", "", user=SLT, container={"type": "view", "view_id": "V0HOME"}
    )
    opened = bot.stand_in.wait_for("views.open")[-1]
    assert '"type": "file_input"' in opened.text

    empty = bot.modals.submit(
        "policy_version.upload_submit", {"file": {"type": "file_input", "files": []}}, user=SLT
    )
    assert empty.json()["response_action"] == "errors"

    bot.stand_in.files["new.pdf"] = new_policy_pdf()
    chosen = {
        "id": "F0POLICY2",
        "name": "new.pdf",
        "size": len(bot.stand_in.files["new.pdf"]),
        "url_private_download": bot.stand_in.file_url("new.pdf"),
    }
    bot.modals.submit(
        "policy_version.upload_submit",
        {"file": {"type": "file_input", "files": [chosen]}},
        user=SLT,
    )
    bot.settle()
    preview = bot.stand_in.wait_for("chat.postMessage")[-1]
    assert preview.params["channel"] == f"D{SLT[1:]}"
    assert "New policy version: preview" in preview.text and "Drones" in preview.text
    bot.slack.click(
        "policy_version.confirm",
        _button(preview.params["blocks"], "policy_version.confirm"),
        user=SLT,
    )
    assert "is now the policy in force" in _private(bot)
    assert NEW_PASSAGE in _answer(bot)


def test_a_text_message_to_the_bot_gets_a_pointer(start: Callable[..., RunningBot]) -> None:
    bot = start()
    bot.slack.event(
        {
            "type": "message",
            "channel": f"D{STAFF[1:]}",
            "channel_type": "im",
            "user": STAFF,
            "text": "hello",
            "ts": "1700000001.000200",
        }
    )
    reply = bot.stand_in.wait_for("chat.postMessage")[-1]
    assert "/socialpolicy" in reply.text

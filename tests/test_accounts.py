"""School accounts: apply, SLT decide, administrators create, the register, handover."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.cli import main
from bot.app.jobs import HANDOVER_JOB
from store.db import session_scope
from store.models import SchoolAccount
from tests.conftest import RunningBot
from tests.slack_requests import select as choose
from tests.slack_requests import text_input

SLT = "U0SLT0001"
ADMIN = "U0ADMIN01"
TEACHER = "U0TEACH01"
LEAD = "U0LEAD001"


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(
        slt_users=[SLT],
        admin_users=[ADMIN],
        moderators_channel="C0MODS001",
        moderator_users=[TEACHER],
    )


def application(**changes: Any) -> dict[str, dict[str, Any]]:
    form = {
        "platform": choose("instagram"),
        "handle": text_input("@ourschool_pe"),
        "purpose": text_input("PE department news for parents"),
        "lead": {"type": "users_select", "selected_user": LEAD},
        "moderators": {"type": "multi_users_select", "selected_users": [TEACHER]},
        "monitoring": text_input("Lead checks daily; moderators cover weekends and holidays"),
    }
    form.update(changes)
    return form


def account(bot: RunningBot) -> SchoolAccount:
    with session_scope(bot.runtime.services.sessions) as session:
        return session.scalars(select(SchoolAccount)).one()


def dms(bot: RunningBot, user: str) -> list[str]:
    channel = "D" + user[1:]
    return [c.text for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == channel]


def apply_and_approve(bot: RunningBot) -> SchoolAccount:
    assert not bot.modals.submit("account.apply", application(), user=TEACHER).content
    bot.settle()
    applied = account(bot)
    bot.slack.click(
        "account.approve",
        f"{applied.id}:{applied.version}",
        user=SLT,
        channel="C0SLT0001",
        message_ts="1.2",
        container={"type": "message", "channel_id": "C0SLT0001", "message_ts": "1.2"},
    )
    bot.settle()
    return account(bot)


def make_live(bot: RunningBot) -> SchoolAccount:
    """Applied for, approved, and recorded as created by an administrator."""
    created = apply_and_approve(bot)
    bot.modals.submit(
        "account.created_submit",
        {
            "handle": text_input("@ourschool_pe"),
            "link": text_input(""),
            "credentials": text_input("School password manager"),
        },
        user=ADMIN,
        private_metadata=f"{created.id}:{created.version}",
    )
    return account(bot)


def test_apply_approve_create_and_register(bot: RunningBot) -> None:
    bot.slack.command("apply", user=TEACHER)
    assert bot.stand_in.wait_for("views.open")[0].params["view"]["callback_id"] == "account.apply"
    refused = bot.modals.submit(
        "account.apply", application(monitoring=text_input("password: Hunter22!")), user=TEACHER
    ).json()
    assert "looks like a password" in refused["errors"]["monitoring"]

    approved = apply_and_approve(bot)
    card = [c for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == "C0SLT0001"]
    assert "Instagram: @ourschool_pe" in card[0].text and "Approve" in card[0].text
    assert approved.status == "approved"
    assert "Approve" not in bot.stand_in.to("chat.update")[-1].text
    assert "Mark created" in dms(bot, ADMIN)[-1]
    assert "was approved by SLT" in dms(bot, TEACHER)[-1]

    bot.slack.click("account.approve", f"{approved.id}:1", user=SLT)  # a stale second click
    bot.settle()
    assert "moved on" in bot.stand_in.to("response_url")[-1].text

    bot.slack.click("account.mark_created", f"{approved.id}:{approved.version}", user=TEACHER)
    bot.settle()
    assert "Only the school's account administrators" in bot.stand_in.to("response_url")[-1].text
    secret = bot.modals.submit(
        "account.created_submit",
        {
            "handle": text_input("@ourschool_pe"),
            "link": text_input(""),
            "credentials": text_input("Tr0ub4dorXY9"),
        },
        user=ADMIN,
        private_metadata=f"{approved.id}:{approved.version}",
    ).json()
    assert "looks like a password" in secret["errors"]["credentials"]
    done = bot.modals.submit(
        "account.created_submit",
        {
            "handle": text_input("@ourschool_pe"),
            "link": text_input("https://instagram.com/x"),
            "credentials": text_input("The school password manager, PE folder"),
        },
        user=ADMIN,
        private_metadata=f"{approved.id}:{approved.version}",
    )
    assert not done.content
    assert account(bot).status == "live"

    listing = bot.slack.command("accounts", user=TEACHER).text
    assert "Instagram: @ourschool_pe" in listing and "live" in listing
    bot.slack.command("log", user=TEACHER)
    bot.settle()
    log_modal = bot.stand_in.to("views.open")[-1].params["view"]
    accounts = [
        o["value"]
        for b in log_modal["blocks"]
        if b.get("block_id") == "account"
        for o in b["element"]["options"]
    ]
    assert accounts == ["Instagram: @ourschool_pe", "other"]


def test_decline_tells_the_applicant_why(bot: RunningBot) -> None:
    bot.modals.submit("account.apply", application(), user=TEACHER)
    applied = account(bot)
    response = bot.modals.submit(
        "account.decline_submit",
        {"reason": text_input("Use the main school account instead")},
        user=SLT,
        private_metadata=f"{applied.id}:{applied.version}",
    )
    bot.settle()

    assert not response.content and account(bot).status == "declined"
    assert "Use the main school account instead" in dms(bot, TEACHER)[-1]


def test_a_leaver_starts_a_reminded_handover(bot: RunningBot) -> None:
    make_live(bot)

    bot.slack.event({"type": "user_change", "user": {"id": LEAD, "deleted": True}})
    bot.settle()
    assert account(bot).status == "handover needed"
    assert bot.tick(HANDOVER_JOB) == 1
    assert "has left" in dms(bot, ADMIN)[-1]
    assert bot.tick(HANDOVER_JOB) == 0
    bot.clock.advance(timedelta(days=1))
    assert bot.tick(HANDOVER_JOB) == 1 and "(reminder)" in dms(bot, ADMIN)[-1]
    bot.clock.advance(timedelta(days=7))
    assert "Overdue handovers" in bot.slack.command("accounts", user=SLT).text

    response = bot.modals.submit(
        "account.handover_submit",
        {"new_lead": {"type": "users_select", "selected_user": TEACHER}},
        user=ADMIN,
        private_metadata="1",
    )
    assert not response.content
    handed = account(bot)
    assert (handed.status, handed.lead) == ("live", TEACHER)
    bot.clock.advance(timedelta(days=1))
    assert bot.tick(HANDOVER_JOB) == 0


def test_a_subject_access_export_covers_accounts_and_handovers(
    bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_live(bot)
    bot.slack.event({"type": "user_change", "user": {"id": TEACHER, "deleted": True}})
    bot.settle()
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["export", "--user", TEACHER]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [(a["handle"], a["roles"]) for a in exported["school_accounts"]] == [
        ("@ourschool_pe", ["applicant", "moderator"])
    ]
    assert [h["role"] for h in exported["account_handovers"]] == ["left"]
    assert main(["export", "--user", SLT]) == 0
    assert json.loads(capsys.readouterr().out)["school_accounts"][0]["roles"] == ["decided"]


def test_an_administrator_marks_a_leaver(bot: RunningBot) -> None:
    make_live(bot)

    assert "administrators" in bot.slack.command(f"leaver <@{LEAD}|lead>", user=TEACHER).text
    assert "Name who has left" in bot.slack.command("leaver someone", user=ADMIN).text
    assert (
        "1 account(s) now need a handover"
        in bot.slack.command(f"leaver <@{LEAD}|lead>", user=ADMIN).text
    )
    assert account(bot).status == "handover needed"

"""The school set up from inside Slack: a new install with only its credentials and a database,
the first-run guide, the settings forms with Slack's own pickers, inline errors, and changes
that hold at once on every instance, each recorded with who made it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.models.blocks import DividerBlock
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from bot.app.cli import main
from bot.app.jobs import DIGEST_JOB
from handlers.slack.views.home import HOME_BLOCK_LIMIT, home_view
from store.db import session_scope
from store.models import SchoolSettingChange
from tests.conftest import RunningBot
from tests.contracts.slack_payloads import view_problems
from tests.slack_requests import select as choose
from tests.slack_requests import text_input
from tests.test_incidents import report_form

OWNER = "U0OWNER01"  # a workspace admin: whoever installed the app
HEAD = "U0HEAD001"
DEPUTY = "U0DEPUTY1"
MODERATOR = "U0MOD0001"
STAFF = "U0STAFF01"
SLT_CHANNEL = "C0SLTROOM"
MODERATORS_CHANNEL = "C0MODROOM"


@pytest.fixture
def new_install(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    """Only the Slack credentials and a database: no people, no channels."""
    bot = bot_factory(slt_channel=None)
    bot.stand_in.workspace_admins.add(OWNER)
    return bot


def home(bot: RunningBot, user: str) -> str:
    bot.stand_in.calls.clear()
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    return bot.stand_in.wait_for("views.publish")[0].text


def people(user_ids: list[str]) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": user_ids}


def channel(conversation: str | None) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": conversation}


def people_form(**chosen: Any) -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any]] = {
        key: people([])
        for key in ("slt", "moderators", "admins", "reviewers", "media_contacts", "setup_admins")
    }
    fields["slt_place"] = channel(None)
    fields["moderators_place"] = channel(None)
    for key, value in chosen.items():
        fields[key] = channel(value) if key.endswith("_place") else people(value)
    return fields


def school_form(**typed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    fields = {
        "accounts": text_input("Facebook: @ourschool\nInstagram: @ourschool_pe"),
        "timezone": text_input("Europe/London"),
        "holiday_region": choose("England"),
        "working_day_end": {"type": "timepicker", "selected_time": "17:00"},
        "reminder_thresholds": text_input("4h, 1h"),
        "digest_day": choose("mon"),
        "digest_time": {"type": "timepicker", "selected_time": "08:00"},
        "retention_comments_days": {"type": "number_input", "value": "365"},
        "retention_incidents_days": {"type": "number_input", "value": "2190"},
        "retention_questions_days": {"type": "number_input", "value": "365"},
        "retention_reviews_days": {"type": "number_input", "value": "365"},
    }
    fields.update(typed)
    return fields


def changes(bot: RunningBot) -> list[tuple[str, str, str]]:
    with session_scope(bot.runtime.services.sessions) as session:
        rows = session.scalars(
            select(SchoolSettingChange)
            .where(SchoolSettingChange.key != "policy")  # the policy's versions: not settings
            .order_by(SchoolSettingChange.id)
        )
        return [(row.actor, row.key, row.new or "") for row in rows]


def set_up(bot: RunningBot, *, slt: list[str]) -> None:
    answer = bot.modals.submit(
        "setup.people_submit",
        people_form(
            slt=slt,
            moderators=[MODERATOR],
            admins=[DEPUTY],
            slt_place=SLT_CHANNEL,
            moderators_place=MODERATORS_CHANNEL,
        ),
        user=OWNER,
    )
    assert answer.status_code == 200 and not answer.content, answer.text


def slt_alert(bot: RunningBot) -> str:
    bot.stand_in.calls.clear()
    bot.modals.submit("incident.report", report_form(bot.clock.now()), user=STAFF)
    bot.settle()
    posted = [c for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == SLT_CHANNEL]
    assert posted, "the incident reached no SLT channel"
    return posted[0].text


def test_a_new_install_is_set_up_from_app_home(new_install: RunningBot) -> None:
    bot = new_install
    guide = home(bot, OWNER)
    assert "Finish setting up" in guide
    assert "the set-up (POLICY_PATH) changed the live policy version" in guide
    assert "<@setup>" not in guide
    assert "No SLT channel" in guide
    assert "escalations and incident alerts have nowhere to go" in guide
    assert "No moderators" in guide and "setup.settings_people" in guide
    assert "Choose the SLT channel" in guide

    # Staff see that set-up is unfinished, but no settings and no buttons to change them.
    staff_home = home(bot, STAFF)
    assert "not fully set up" in staff_home
    assert "setup.settings_people" not in staff_home and "Settings" not in staff_home

    bot.stand_in.calls.clear()
    bot.slack.click("setup.settings_people", "", user=OWNER)
    modal = bot.stand_in.wait_for("views.open")[0].params["view"]
    kinds = {block["block_id"]: block["element"]["type"] for block in modal["blocks"]}
    assert kinds["slt"] == "multi_users_select"
    assert kinds["slt_place"] == "conversations_select"

    set_up(bot, slt=[HEAD])
    after = bot.stand_in.wait_for("views.publish")[0].text  # App Home redrawn for the owner
    assert "No SLT channel" not in after and "No moderators" not in after
    assert "No school accounts listed" in after
    assert f"<@{HEAD}>" in after and f"<#{SLT_CHANNEL}>" in after
    recorded = changes(bot)
    assert (OWNER, "slack.slt", json.dumps([HEAD])) in recorded
    told = [
        c.text for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == SLT_CHANNEL
    ]
    assert len(told) == 1 and f"<@{OWNER}> changed the bot's settings: SLT, " in told[0]
    assert (OWNER, "slack.slt_place", json.dumps(SLT_CHANNEL)) in recorded

    # The school's rules, then the guide is done.
    assert bot.modals.submit("setup.school_submit", school_form(), user=OWNER).content == b""
    assert "Finish setting up" not in home(bot, OWNER)
    assert bot.runtime.services.comment_accounts() == [
        "Facebook: @ourschool",
        "Instagram: @ourschool_pe",
    ]


def test_changing_slt_changes_who_gets_the_next_escalation(new_install: RunningBot) -> None:
    bot = new_install
    set_up(bot, slt=[HEAD])
    first = slt_alert(bot)
    assert f"<@{HEAD}>" in first and f"<@{DEPUTY}>" not in first

    bot.modals.submit(
        "setup.people_submit",
        people_form(slt=[DEPUTY], slt_place=SLT_CHANNEL, moderators_place=MODERATORS_CHANNEL),
        user=OWNER,
    )
    second = slt_alert(bot)
    assert f"<@{DEPUTY}>" in second and f"<@{HEAD}>" not in second
    # The role moved too: the old SLT member is refused what SLT may do.
    assert "Only SLT" in bot.slack.command("incidents", user=HEAD).text
    assert "Only SLT" not in bot.slack.command("incidents", user=DEPUTY).text


def test_another_instance_sees_a_change_without_a_restart(
    new_install: RunningBot, bot_factory: Callable[..., RunningBot]
) -> None:
    # looking at once, not within the second
    other = bot_factory(slt_channel=None, policy_check_seconds=0)
    assert other.runtime.services.settings.slack.slt == ()
    set_up(new_install, slt=[HEAD])
    assert other.runtime.services.settings.slack.slt == (HEAD,)
    assert other.runtime.services.roles.is_slt(HEAD)


def test_bad_values_get_inline_errors_and_change_nothing(new_install: RunningBot) -> None:
    bot = new_install
    answer = bot.modals.submit(
        "setup.school_submit",
        school_form(
            timezone=text_input("Mars/Olympus"), reminder_thresholds=text_input("soon-ish")
        ),
        user=OWNER,
    ).json()
    assert answer["response_action"] == "errors"
    assert "unknown time zone" in answer["errors"]["timezone"]
    assert "reminder_thresholds" in answer["errors"]
    assert changes(bot) == []


def test_only_those_who_look_after_the_settings_may_change_them(new_install: RunningBot) -> None:
    bot = new_install
    bot.slack.click("setup.settings_school", "", user=STAFF)
    refusal = bot.stand_in.wait_for("views.open")[0].text
    assert "Only the people who look after the bot's settings" in refusal
    crafted = bot.modals.submit("setup.people_submit", people_form(slt=[STAFF]), user=STAFF)
    assert "Only the people who look after" in crafted.text
    assert changes(bot) == []
    assert not bot.runtime.services.roles.is_slt(STAFF)

    # Someone the owner names may change them too.
    bot.modals.submit("setup.people_submit", people_form(setup_admins=[DEPUTY]), user=OWNER)
    assert bot.modals.submit("setup.school_submit", school_form(), user=DEPUTY).content == b""


def test_a_setting_changed_in_chat_wins_over_the_environment(
    bot_factory: Callable[..., RunningBot],
) -> None:
    bot = bot_factory(slt_users=[HEAD], digest_day="fri", setup_admins=[OWNER])
    assert bot.runtime.services.settings.digest_day == "fri"
    bot.modals.submit("setup.school_submit", school_form(digest_day=choose("wed")), user=OWNER)
    restarted = bot_factory(slt_users=[HEAD], digest_day="fri")
    assert restarted.runtime.services.settings.digest_day == "wed"
    assert restarted.runtime.services.settings.slack.slt == (HEAD,)  # never changed: from env
    assert bot.tick(DIGEST_JOB) == 0  # the sweep reads the setting at its tick


def test_the_changes_are_append_only_and_chained(
    new_install: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot = new_install
    set_up(bot, slt=[HEAD])
    bot.modals.submit("setup.people_submit", people_form(slt=[DEPUTY]), user=OWNER)
    monkeypatch.setenv("DATABASE_URL", database_url)
    capsys.readouterr()
    assert main(["verify-audit"]) == 0
    assert "settings and policy changes intact: " in capsys.readouterr().out

    engine = bot.runtime.engine
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("UPDATE school_setting_changes SET actor = 'U0SOMEONE'"))
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("DELETE FROM school_setting_changes"))
    # Forged behind the database's back (its guards dropped): the chain shows it.
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text(
                    "ALTER TABLE school_setting_changes "
                    "DISABLE TRIGGER school_setting_changes_append_only"
                )
            )
        else:
            connection.execute(text("DROP TRIGGER school_setting_changes_no_update"))
        connection.execute(
            text(
                "UPDATE school_setting_changes SET new = '[\"U0SOMEONE\"]' WHERE key = 'slack.slt'"
            )
        )
    capsys.readouterr()
    assert main(["verify-audit"]) == 1
    assert "does not match" in capsys.readouterr().out


def test_a_channel_the_bot_cannot_post_in_is_refused_under_its_field(
    new_install: RunningBot,
) -> None:
    bot = new_install
    bot.stand_in.outside |= {SLT_CHANNEL, MODERATORS_CHANNEL}
    bot.stand_in.private.add(SLT_CHANNEL)
    answer = bot.modals.submit(
        "setup.people_submit",
        people_form(slt=[HEAD], slt_place=SLT_CHANNEL, moderators_place=MODERATORS_CHANNEL),
        user=OWNER,
    ).json()
    assert answer["response_action"] == "errors"
    assert "invite me first" in answer["errors"]["slt_place"]
    assert changes(bot) == []
    # The public moderators' channel was joined; once invited to SLT's, the same form saves.
    assert [c.params["channel"] for c in bot.stand_in.to("conversations.join")] == [
        MODERATORS_CHANNEL
    ]
    bot.stand_in.outside.discard(SLT_CHANNEL)
    set_up(bot, slt=[HEAD])
    assert bot.runtime.services.settings.slack.slt_place == SLT_CHANNEL


def test_a_user_group_can_hold_a_role(new_install: RunningBot) -> None:
    bot = new_install
    bot.stand_in.usergroups = {"S0SLTTEAM": ["U0GROUPED"]}
    bot.slack.click("setup.settings_people", "", user=OWNER)
    modal = bot.stand_in.wait_for("views.open")[0].params["view"]
    group_block = next(b for b in modal["blocks"] if b["block_id"] == "slt_group")
    assert "S0SLTTEAM" in [o["value"] for o in group_block["element"]["options"]]

    form = people_form(slt=[HEAD])
    form["slt_group"] = choose("S0SLTTEAM")
    assert bot.modals.submit("setup.people_submit", form, user=OWNER).content == b""
    assert bot.runtime.services.roles.is_slt("U0GROUPED")
    assert "<!subteam^S0SLTTEAM>" in home(bot, OWNER)

    form["slt_group"] = choose("none")
    bot.modals.submit("setup.people_submit", form, user=OWNER)
    assert not bot.runtime.services.roles.is_slt("U0GROUPED")
    assert bot.runtime.services.roles.is_slt(HEAD)


def test_app_home_never_holds_more_blocks_than_slack_takes() -> None:
    """Settings, guide, health, cases and comments on one App Home: Slack refuses a view of
    over 100 blocks, so the page is cut rather than not shown at all."""
    crowded = home_view(
        sections=[], version="v1", extra=[DividerBlock() for _ in range(HOME_BLOCK_LIMIT + 20)]
    )
    assert len(crowded.blocks) == HOME_BLOCK_LIMIT
    assert not view_problems(crowded.to_dict())


def test_a_deployment_can_fix_the_settings_in_its_environment(
    bot_factory: Callable[..., RunningBot],
) -> None:
    bot = bot_factory(settings_in_chat=False, slt_users=[HEAD], setup_admins=[OWNER])
    shown = home(bot, OWNER)
    assert "fixed by whoever runs the bot" in shown and "setup.settings_people" not in shown
    bot.slack.click("setup.settings_people", "", user=OWNER)
    assert "SETTINGS_IN_CHAT=false" in bot.stand_in.wait_for("views.open")[0].text
    refused = bot.modals.submit("setup.people_submit", people_form(slt=[DEPUTY]), user=OWNER)
    assert "SETTINGS_IN_CHAT=false" in refused.text
    assert bot.runtime.services.settings.slack.slt == (HEAD,)
    assert changes(bot) == []

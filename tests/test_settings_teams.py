"""The school set up from inside Teams: whoever installs the app is told what is missing and
looks after the settings; the `settings` message, its dialogs with Teams' people picker, inline
errors, channels chosen from inside them, and changes that hold at once."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from store.db import session_scope
from store.models import SchoolSettingChange
from tests.conftest import RunningBot
from tests.teams_bot import APP_ID
from tests.teams_standin import BotConnectorStandIn, TeamsSender
from tests.test_teams import _report_form

INSTALLER = "aad-head-1"
DEPUTY = "aad-deputy-1"
STAFF = "aad-staff-9"
SLT_ROOM = "19:sltroom@thread.tacv2"


@pytest.fixture
def fresh(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn
) -> tuple[RunningBot, TeamsSender]:
    """A Teams-only install with only its app id and a database."""
    bot = bot_factory(
        slack_bot_token=None,
        slack_signing_secret=None,
        slt_channel=None,
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
    )
    return bot, TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)


def changes(bot: RunningBot) -> list[tuple[str, str, str]]:
    with session_scope(bot.runtime.services.sessions) as session:
        rows = session.scalars(
            select(SchoolSettingChange)
            .where(SchoolSettingChange.key != "policy")  # the policy's versions: not settings
            .order_by(SchoolSettingChange.id)
        )
        return [(row.actor, row.key, row.new or "") for row in rows]


def school_values(**typed: object) -> dict[str, object]:
    values: dict[str, object] = {
        "dialog": "settings_school",
        "accounts": "Facebook: @ourschool",
        "timezone": "Europe/London",
        "holiday_region": "Wales",
        "working_day_end": "16:30",
        "reminder_thresholds": "3h",
        "digest_day": "fri",
        "digest_time": "07:30",
        "retention_comments_days": "200",
        "retention_incidents_days": "2190",
        "retention_questions_days": "365",
        "retention_reviews_days": "365",
        "checkin_ask_time": "08:30",
        "checkin_lead_time": "11:00",
        "checkin_slt_time": "15:00",
    }
    values.update(typed)
    return values


def test_the_installer_is_told_what_is_missing_and_sets_it_up(
    fresh: tuple[RunningBot, TeamsSender], connector: BotConnectorStandIn
) -> None:
    bot, teams = fresh
    teams.install(user=INSTALLER, conversation=f"a:{INSTALLER}", conversation_type="personal")
    guide = connector.wait_for(f"a:{INSTALLER}", "Finish setting up").text
    assert "No SLT channel" in guide and "escalations and incident alerts have nowhere" in guide
    assert (INSTALLER, "teams.setup_admins", json.dumps([INSTALLER])) in changes(bot)

    # A second person installing it does not take the settings over.
    teams.install(user=STAFF, conversation=f"a:{STAFF}", conversation_type="personal")
    assert bot.runtime.services.settings.teams.setup_admins == (INSTALLER,)
    refused = teams.message("settings", user=STAFF)
    assert refused.status_code == 200
    assert "Only the people who look after" in connector.wait_for(f"a:{STAFF}", "Only the").text

    teams.message("settings", user=INSTALLER)
    listing = connector.wait_for(f"a:{INSTALLER}", "Latest changes").text
    assert "settings_people" in listing and "settings_school" in listing

    opened = teams.open_dialog({"dialog": "settings_people"}, user=INSTALLER).json()
    body = json.dumps(opened)
    assert "graph.microsoft.com/users" in body  # Teams' own people picker

    done = teams.submit_dialog(
        {
            "dialog": "settings_people",
            "slt": f"{INSTALLER},{DEPUTY.upper()}",
            "admins": DEPUTY,
            "setup_admins": INSTALLER,
        },
        user=INSTALLER,
    ).json()
    assert "Settings saved" in json.dumps(done)
    assert bot.runtime.services.roles.is_slt(DEPUTY) is False  # Slack's roles are apart
    services = bot.runtime.services
    assert set(services.settings.teams.slt) == {INSTALLER, DEPUTY}

    # SLT choose their channel from inside it.
    teams.install(user=INSTALLER, conversation=SLT_ROOM, conversation_type="channel")
    teams.message(
        "use this channel for SLT",
        user=INSTALLER,
        conversation=SLT_ROOM,
        conversation_type="channel",
        mention=True,
    )
    assert services.settings.teams.slt_place == SLT_ROOM
    assert "changed the bot's settings: SLT channel" in connector.wait_for(SLT_ROOM, "⚙️").text
    # The settings name people: they are shown in a personal chat only.
    teams.message(
        "settings", user=INSTALLER, conversation=SLT_ROOM, conversation_type="channel", mention=True
    )
    assert "in a personal chat" in connector.to(SLT_ROOM)[-1].text
    assert (INSTALLER, "teams.slt_place", json.dumps(SLT_ROOM)) in changes(bot)


def test_bad_values_come_back_with_their_errors(
    fresh: tuple[RunningBot, TeamsSender], connector: BotConnectorStandIn
) -> None:
    bot, teams = fresh
    teams.install(user=INSTALLER, conversation=f"a:{INSTALLER}", conversation_type="personal")
    before = changes(bot)
    again = teams.submit_dialog(
        school_values(
            timezone="Narnia/Cair", reminder_thresholds="later", checkin_slt_time="10:00"
        ),
        user=INSTALLER,
    ).json()
    shown = json.dumps(again)
    assert "unknown time zone" in shown and "Narnia/Cair" in shown
    assert "must be later than 11:00" in shown
    assert changes(bot) == before

    saved = json.dumps(teams.submit_dialog(school_values(), user=INSTALLER).json())
    assert "Settings saved" in saved
    school = bot.runtime.services.settings
    assert school.holiday_region == "Wales" and school.digest_day == "fri"
    assert school.retention_comments_days == 200
    assert school.checkin_ask_time.strftime("%H:%M") == "08:30"
    assert bot.runtime.services.calendar.region == "Wales"  # the deadlines' calendar follows

    crafted = json.dumps(teams.submit_dialog(school_values(), user=STAFF).json())
    assert "Only the people who look after" in crafted


def test_changing_slt_in_teams_changes_who_is_alerted_next(
    fresh: tuple[RunningBot, TeamsSender], connector: BotConnectorStandIn
) -> None:
    bot, teams = fresh
    teams.install(user=INSTALLER, conversation=f"a:{INSTALLER}", conversation_type="personal")
    teams.install(user=DEPUTY, conversation=f"a:{DEPUTY}", conversation_type="personal")
    teams.install(user=INSTALLER, conversation=SLT_ROOM, conversation_type="channel")
    teams.message(
        "use this channel for SLT",
        user=INSTALLER,
        conversation=SLT_ROOM,
        conversation_type="channel",
        mention=True,
    )

    def urgent_report(submission: str) -> None:
        teams.submit_dialog(
            _report_form(at_risk="true", submission=submission), user=STAFF, activity_id=submission
        )

    def alerts(user: str) -> int:
        return sum("URGENT" in sent.text.upper() for sent in connector.to(f"a:{user}"))

    people = {"dialog": "settings_people", "setup_admins": INSTALLER}
    # Taking oneself off those who may change the settings would lock the school out.
    locked = json.dumps(teams.submit_dialog(people | {"setup_admins": ""}, user=INSTALLER).json())
    assert "Keep yourself in this list" in locked
    assert bot.runtime.services.settings.teams.setup_admins == (INSTALLER,)

    teams.submit_dialog(people | {"slt": INSTALLER}, user=INSTALLER)
    urgent_report("first")
    assert (alerts(INSTALLER), alerts(DEPUTY)) == (1, 0)

    teams.submit_dialog(people | {"slt": DEPUTY}, user=INSTALLER)
    urgent_report("second")
    assert (alerts(INSTALLER), alerts(DEPUTY)) == (1, 1)
    assert bot.runtime.teams is not None and bot.runtime.teams.roles.is_slt(DEPUTY)

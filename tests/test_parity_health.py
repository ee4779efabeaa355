"""Slack and Teams show the same health view: App Home's health part and the Teams `health`
card are drawn from one view model and read alike. Teams refuses everyone else, and keeps the
view to a personal chat."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.app.jobs import COMMENT_SWEEP_JOB, INCIDENT_SWEEP_JOB
from bot.health import actions
from bot.health.actions import NOT_ALLOWED
from handlers.present import health as present
from handlers.slack import render as slack_render
from handlers.teams import render as teams_render
from tests.conftest import RunningBot
from tests.slack_requests import checkboxes
from tests.teams_bot import APP_ID, SLT_CONVERSATION
from tests.teams_standin import BotConnectorStandIn, TeamsSender
from tests.test_incidents import submit_report
from tests.test_parity_governance import (
    SLACK_ADMIN,
    SLACK_SLT,
    SLACK_STAFF,
    TEAMS_ADMIN,
    TEAMS_PEOPLE,
    TEAMS_SLT,
    TEAMS_STAFF,
    Both,
    card,
    slack_reading,
    teams_name,
    teams_reading,
)

COMMAND = "COMMAND"


@pytest.fixture
def both(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> Iterator[Both]:
    bot = bot_factory(
        slt_users=[SLACK_SLT],
        admin_users=[SLACK_ADMIN],
        moderator_users=["U0MOD0001"],
        school_accounts=["Facebook: @ourschool"],
        policy_review_due=date(2026, 9, 1),  # past: flagged
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
        teams_slt_users=[TEAMS_SLT],
        teams_admin_users=[TEAMS_ADMIN],
        teams_slt_conversation=SLT_CONVERSATION,
    )
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
    teams.install(user=TEAMS_SLT, conversation=SLT_CONVERSATION, conversation_type="channel")
    for user in TEAMS_PEOPLE:
        teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
    yield Both(bot, teams, connector)


def home_health(both: Both, user: str) -> dict[str, Any]:
    """App Home's health part, from its header to its note and the buttons after it."""
    before = len(both.bot.stand_in.to("views.publish"))
    both.bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    view = both.bot.stand_in.wait_for("views.publish", before + 1)[-1].params["view"]
    blocks = view["blocks"]
    start = next(
        i
        for i, b in enumerate(blocks)
        if b["type"] == "header" and b["text"]["text"] == present.TITLE
    )
    end = next(i for i in range(start, len(blocks)) if blocks[i]["type"] == "context")
    if end + 1 < len(blocks) and blocks[end + 1]["type"] == "actions":
        end += 1
    return {"blocks": blocks[start : end + 1]}


def teams_health(both: Both, user: str, **where: Any) -> dict[str, Any]:
    both.teams.message("health", user=user, **where)
    conversation = where.get("conversation", f"a:{user}")
    return card(both.connector.to(conversation, "POST")[-1].body)


def commands_alike(lines: list[str]) -> list[str]:
    """The command to type, as each platform writes it, made one."""
    return [
        line.replace("/socialpolicy health", COMMAND).replace('"health"', COMMAND) for line in lines
    ]


def test_app_home_and_the_teams_card_show_the_same_health(both: Both) -> None:
    bot = both.bot
    bot.stand_in.unreachable.add(SLACK_STAFF)  # their report's confirmation fails
    submit_report(bot, user=SLACK_STAFF, at_risk=checkboxes("at_risk"))
    bot.tick(COMMENT_SWEEP_JOB)
    bot.tick(INCIDENT_SWEEP_JOB)
    bot.clock.advance(timedelta(minutes=5))
    bot.tick(COMMENT_SWEEP_JOB)  # the incident sweep falls behind

    slack = home_health(both, SLACK_SLT)
    teams = teams_health(both, TEAMS_SLT)

    services = bot.runtime.services
    assert both.bot.runtime.teams is not None
    slack_report = actions.health(services, services.roles, user=SLACK_SLT, front_end="slack")
    teams_report = actions.health(
        services, both.bot.runtime.teams.roles, user=TEAMS_SLT, front_end="teams"
    )
    # The same report but for what each front end's own set-up lacks.
    assert replace(slack_report, problems=()) == replace(teams_report, problems=())
    assert slack["blocks"] == [
        b.to_dict()
        for b in slack_render.blocks(present.health_card(slack_report, zone=services.zone))
    ]
    teams_view = present.health_card(teams_report, zone=services.zone)
    assert teams["body"] == teams_render.render(teams_view, teams_name)["body"]
    read = commands_alike(slack_reading(slack))
    teams_read = commands_alike(teams_reading(teams))
    # Everything but the count and each front end's own set-up reads the same.
    assert (
        read[2 : read.index("Configuration")] == teams_read[2 : teams_read.index("Configuration")]
    )
    assert any("Incident reminders — overdue" in line for line in read)
    assert any("confirmation to the reporter, failing since" in line for line in read)
    assert any("its review was due on 1 September 2026 and is overdue" in line for line in read)
    assert any("No moderators' channel" in line for line in read)
    assert any("No moderators named" in line for line in teams_read)


def test_teams_refuses_everyone_else_and_keeps_it_to_a_personal_chat(both: Both) -> None:
    refused = teams_health(both, TEAMS_STAFF)
    assert NOT_ALLOWED in str(refused) and "Sweeps" not in str(refused)
    assert "Sweeps" in str(teams_health(both, TEAMS_ADMIN))
    in_channel = teams_health(
        both, TEAMS_SLT, conversation=SLT_CONVERSATION, conversation_type="channel"
    )
    assert "personal chat" in str(in_channel) and "Sweeps" not in str(in_channel)

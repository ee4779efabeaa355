"""School accounts in Teams, from application to handover, driven as Teams drives them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.app.jobs import HANDOVER_JOB
from store.models import Handover, SchoolAccount
from tests.teams_bot import ADMIN, MODERATOR, SLT, SLT_CONVERSATION, STAFF, TeamsBot

LEAD = "aad-lead-1"


def _application(**changes: Any) -> dict[str, Any]:
    return {
        "dialog": "apply",
        "platform": "instagram",
        "handle": "@ourschool_pe",
        "purpose": "PE news for parents",
        "lead": LEAD.upper(),  # the people picker answers with Entra object ids
        "moderators": f"{MODERATOR},{STAFF}",
        "monitoring": "Lead daily; moderators at weekends",
        **changes,
    }


def _account(teams_bot: TeamsBot) -> SchoolAccount:
    return teams_bot.rows(SchoolAccount)[-1]


def _apply_and_approve(teams_bot: TeamsBot) -> SchoolAccount:
    teams = teams_bot.teams
    assert "Sent to SLT" in teams.submit_dialog(_application(), user=STAFF).json()["task"]["value"]
    applied = _account(teams_bot)
    ref = {"account": applied.id, "version": applied.version}
    teams.execute("account.approve", ref, user=SLT)
    return _account(teams_bot)


def _create(teams_bot: TeamsBot, account: SchoolAccount, **changes: str) -> dict[str, Any]:
    form = {
        "dialog": "account_created",
        "account": account.id,
        "version": account.version,
        "handle": "@ourschool_pe",
        "link": "https://instagram.com/ourschool_pe",
        "credentials": "School password manager",
        **changes,
    }
    return teams_bot.teams.submit_dialog(form, user=ADMIN).json()


def test_apply_approve_create_and_register_in_teams(teams_bot: TeamsBot) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    opened = teams.open_dialog({"dialog": "apply"}, user=STAFF).json()
    assert "graph.microsoft.com/users" in json.dumps(opened)  # Teams' people picker

    bad = teams.submit_dialog(_application(handle="", lead=""), user=STAFF).json()
    assert bad["task"]["type"] == "continue"
    assert "Lead member of staff" in json.dumps(bad) and "PE news" in json.dumps(bad)

    assert "Sent to SLT" in teams.submit_dialog(_application(), user=STAFF).json()["task"]["value"]
    applied = _account(teams_bot)
    assert (applied.status, applied.lead, applied.front_end) == ("applied", LEAD, "teams")
    card = connector.to(SLT_CONVERSATION, "POST")[-1].text
    assert "@ourschool\\\\_pe" in card and "Approve" in card and "Decline" in card

    ref = {"account": applied.id, "version": applied.version}
    refused = teams.execute("account.approve", ref, user=STAFF).json()
    assert "Only SLT" in json.dumps(refused) and _account(teams_bot).status == "applied"

    approved = json.dumps(teams.execute("account.approve", ref, user=SLT).json())
    assert "approved" in approved and "account.approve" not in approved
    assert "Mark created" in connector.to(f"a:{ADMIN}")[-1].text
    assert "was approved" in connector.to(f"a:{STAFF}")[-1].text
    again = json.dumps(teams.execute("account.approve", ref, user=SLT).json())
    assert "moved on" in again

    account = _account(teams_bot)
    refused_dialog = teams.open_dialog(
        {"dialog": "account_created", "account": account.id, "version": account.version},
        user=STAFF,
    ).json()
    assert "administrators" in refused_dialog["task"]["value"]
    password = _create(teams_bot, account, credentials="password: Hunter2Hunter2")
    assert password["task"]["type"] == "continue" and "looks like a password" in json.dumps(
        password
    )
    assert _account(teams_bot).credentials_kept is None
    assert "is live" in _create(teams_bot, account)["task"]["value"]
    live = _account(teams_bot)
    assert (live.status, live.credentials_kept) == ("live", "School password manager")

    listed = teams.message("accounts", user=STAFF)
    assert listed.status_code == 200
    register = connector.to(f"a:{STAFF}")[-1].text
    assert "Instagram: @ourschool\\\\_pe" in register and "live" in register


def test_decline_needs_a_reason_and_tells_the_applicant(teams_bot: TeamsBot) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    teams.submit_dialog(_application(), user=STAFF)
    applied = _account(teams_bot)
    form = {"dialog": "account_decline", "account": applied.id, "version": applied.version}

    assert "Only SLT" in teams.open_dialog(form, user=STAFF).json()["task"]["value"]
    assert teams.open_dialog(form, user=SLT).json()["task"]["type"] == "continue"
    empty = teams.submit_dialog({**form, "reason": " "}, user=SLT).json()
    assert empty["task"]["type"] == "continue" and "reason" in json.dumps(empty)
    done = teams.submit_dialog({**form, "reason": "Use the main account"}, user=SLT).json()

    assert "applicant has been told" in done["task"]["value"]
    assert _account(teams_bot).status == "declined"
    assert "declined: Use the main account" in connector.to(f"a:{STAFF}")[-1].text
    stale = teams.execute("account.approve", form, user=SLT).json()
    assert "moved on" in json.dumps(stale) and "Use the main account" in json.dumps(stale)


def test_a_leaver_gets_a_reminded_handover_in_teams(teams_bot: TeamsBot) -> None:
    teams, connector, bot = teams_bot.teams, teams_bot.connector, teams_bot.bot
    _create(teams_bot, _apply_and_approve(teams_bot))

    teams.message("leaver", user=STAFF)
    assert "administrators" in connector.to(f"a:{STAFF}")[-1].text
    teams.message("leaver", user=ADMIN)
    assert "Someone has left" in connector.to(f"a:{ADMIN}")[-1].text
    refused = teams.submit_dialog({"dialog": "account_leaver", "departed": LEAD}, user=STAFF)
    assert "administrators" in refused.json()["task"]["value"]
    empty = teams.submit_dialog({"dialog": "account_leaver", "departed": ""}, user=ADMIN).json()
    assert empty["task"]["type"] == "continue"
    opened = teams.submit_dialog({"dialog": "account_leaver", "departed": LEAD}, user=ADMIN)
    assert "1 account(s) now need a handover" in opened.json()["task"]["value"]
    assert _account(teams_bot).status == "handover needed"

    assert bot.tick(HANDOVER_JOB) == 1
    task = connector.to(f"a:{ADMIN}")[-1].text
    assert "has left" in task and "Hand over or close" in task
    assert bot.tick(HANDOVER_JOB) == 0
    bot.clock.advance(timedelta(days=1))
    assert bot.tick(HANDOVER_JOB) == 1 and "(reminder)" in connector.to(f"a:{ADMIN}")[-1].text
    bot.clock.advance(timedelta(days=7))
    teams.message("accounts", user=SLT)
    assert "Overdue handovers" in connector.to(f"a:{SLT}")[-1].text
    teams.message("accounts", user=STAFF)
    assert "Overdue handovers" not in connector.to(f"a:{STAFF}")[-1].text

    handover = teams_bot.rows(Handover)[-1]
    form = {"dialog": "account_handover", "handover": handover.id}
    assert teams.open_dialog(form, user=ADMIN).json()["task"]["type"] == "continue"
    done = teams.submit_dialog({**form, "new_lead": STAFF}, user=ADMIN).json()
    assert "Handed over" in done["task"]["value"]
    handed = _account(teams_bot)
    assert (handed.status, handed.lead) == ("live", STAFF)
    assert "already done" in teams.open_dialog(form, user=ADMIN).json()["task"]["value"]
    bot.clock.advance(timedelta(days=1))
    assert bot.tick(HANDOVER_JOB) == 0


def test_handover_tasks_wait_until_an_administrator_can_be_reached(
    teams_bot: TeamsBot,
) -> None:
    bot = teams_bot.bot
    _create(teams_bot, _apply_and_approve(teams_bot))
    teams_bot.teams.submit_dialog({"dialog": "account_leaver", "departed": LEAD}, user=ADMIN)
    teams_bot.connector.close()  # Teams cannot be reached

    assert bot.tick(HANDOVER_JOB) == 0
    waiting = teams_bot.rows(Handover)[-1]
    assert (waiting.reminders_sent, waiting.next_notice_at) == (0, bot.clock.now())

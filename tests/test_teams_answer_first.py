"""Teams answers a dialog or a card's button before it delivers what the action owes: with
Teams taking 4 seconds over every proactive message, the invoke's response comes back before
the SLT channel has the case, and the case still arrives exactly once."""

from __future__ import annotations

import time

from store.models import Incident
from tests.teams_bot import SLT, SLT_CONVERSATION, STAFF, TeamsBot
from tests.test_teams import _report_form

SLOW = 4.0


def test_a_report_is_answered_before_slt_get_its_card(teams_bot: TeamsBot) -> None:
    connector = teams_bot.connector
    teams_bot.teams.settle = None  # what is asked here is when the answer comes
    connector.slow(SLT_CONVERSATION, SLOW, times=10)
    connector.slow(f"a:{STAFF}", SLOW, times=10)

    started = time.monotonic()
    answer = teams_bot.teams.submit_dialog(_report_form(), user=STAFF)

    assert answer.status_code == 200 and "INC-2026-0001" in answer.text
    assert time.monotonic() - started < SLOW  # before Teams answered a single delivery
    connector.wait_for(SLT_CONVERSATION, "INC-2026-0001")
    teams_bot.bot.settle()
    assert len(connector.to(SLT_CONVERSATION, "POST")) == 1


def test_a_button_is_answered_before_the_card_is_redrawn(teams_bot: TeamsBot) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    teams.submit_dialog(_report_form(), user=STAFF)
    teams_bot.bot.settle()
    [incident] = teams_bot.rows(Incident)
    connector.slow(SLT_CONVERSATION, SLOW, times=10, method="PUT")
    teams.settle = None  # what is asked here is when the answer comes

    started = time.monotonic()
    led = teams.execute(
        "incident.take_lead",
        {"verb": "incident.take_lead", "incident": incident.id, "version": incident.version},
        user=SLT,
        conversation=SLT_CONVERSATION,
    )

    assert led.status_code == 200 and "led by" in led.text
    assert time.monotonic() - started < SLOW
    connector.wait_for(SLT_CONVERSATION, "led by")
    teams_bot.bot.settle()
    assert len([s for s in connector.to(SLT_CONVERSATION, "PUT") if "led by" in s.text]) == 1

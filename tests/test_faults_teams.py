"""Alerts under faults in Teams: an urgent DM refused once (500, 429), a card that cannot be
updated, a reporter who cannot be sent a DM. Each recipient is its own delivery, retried on its
own, and a card update never stands in the way of the message that follows it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store.models import Comment, Incident, IncidentNotice
from tests.teams_bot import (
    MODERATOR,
    MODS_CONVERSATION,
    SLT,
    SLT_CONVERSATION,
    STAFF,
    TeamsBot,
)
from tests.test_teams import _log_form, _report_form

AT_RISK = "a child may be at risk"


def sweeps(teams_bot: TeamsBot, times: int) -> None:
    for _ in range(times):
        teams_bot.bot.clock.advance(timedelta(seconds=5))
        teams_bot.bot.tick_incidents()


def urgent_dms(teams_bot: TeamsBot) -> list[str]:
    return [s.text for s in teams_bot.connector.to(f"a:{SLT}") if AT_RISK in s.text]


@pytest.mark.parametrize("status", [500, 429])
def test_an_urgent_dm_refused_once_is_sent_at_the_next_sweep(
    teams_bot: TeamsBot, status: int
) -> None:
    teams_bot.connector.fail(f"a:{SLT}", status, times=1)
    teams_bot.teams.submit_dialog(_report_form(at_risk="true"), user=STAFF)
    teams_bot.bot.settle()
    sweeps(teams_bot, 3)

    assert len(urgent_dms(teams_bot)) == 1
    notice = next(n for n in teams_bot.rows(IncidentNotice) if n.kind == f"urgent-dm:{SLT}")
    assert notice.sent_at is not None and notice.attempts >= 1


def test_a_reporter_who_cannot_be_sent_a_dm_is_reported_to_slt_once(teams_bot: TeamsBot) -> None:
    teams_bot.connector.fail(f"a:{STAFF}", 403, times=100)
    teams_bot.teams.submit_dialog(_report_form(at_risk="true"), user=STAFF)
    teams_bot.bot.settle()
    sweeps(teams_bot, 6)

    assert len(urgent_dms(teams_bot)) == 1
    incident = teams_bot.rows(Incident)[0]
    thread = f"{SLT_CONVERSATION};messageid={incident.card_ts}"
    reports = [s for s in teams_bot.connector.to(thread) if "could not be sent to" in s.text]
    assert len(reports) == 1 and "confirmation" in reports[0].text


def test_a_card_that_cannot_be_updated_never_stops_the_reporters_news(
    teams_bot: TeamsBot,
) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    teams.submit_dialog(_report_form(), user=STAFF)
    teams_bot.bot.settle()
    incident = teams_bot.rows(Incident)[0]
    connector.fail(SLT_CONVERSATION, 404, times=100, method="PUT")  # the card was deleted
    teams.execute(
        "incident.take_lead",
        {"verb": "incident.take_lead", "incident": incident.id, "version": incident.version},
        user=SLT,
        conversation=SLT_CONVERSATION,
    )
    teams_bot.bot.settle()
    sweeps(teams_bot, 1)
    assert any("in hand" in s.text for s in connector.to(f"a:{STAFF}"))


def test_an_overdue_comment_escalates_when_its_card_cannot_be_updated(
    teams_bot: TeamsBot,
) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    teams.submit_dialog(_log_form(), user=MODERATOR)
    comment = teams_bot.rows(Comment)[0]
    connector.fail(MODS_CONVERSATION, 404, times=100, method="PUT")

    teams_bot.bot.clock.set(comment.due_at + timedelta(minutes=1))
    assert teams_bot.bot.tick() == 1
    escalations = [s for s in connector.to(SLT_CONVERSATION) if "was not answered within" in s.text]
    assert len(escalations) == 1

"""Teams answers a dialog or a card's button before it delivers what the action owes: with
Teams taking 4 seconds over every proactive message, the invoke's response comes back before
the SLT channel has the case, and the case still arrives exactly once."""

from __future__ import annotations

import time

from store.models import Comment, DraftReview, Incident, SchoolAccount
from tests.teams_bot import (
    ADMIN,
    MODERATOR,
    MODS_CONVERSATION,
    SLT,
    SLT_CONVERSATION,
    STAFF,
    TeamsBot,
)
from tests.test_teams import _log_form, _report_form
from tests.test_teams_accounts import _application

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


def test_an_approval_is_answered_before_the_administrators_are_asked(
    teams_bot: TeamsBot,
) -> None:
    """Approving asks every administrator and tells the applicant: with Teams slow, that would
    outlast the invoke, so the card answers first. If no administrator can be asked, the SLT
    member who approved is told by DM."""
    teams, connector = teams_bot.teams, teams_bot.connector
    assert "Sent to SLT" in teams.submit_dialog(_application(), user=STAFF).json()["task"]["value"]
    teams_bot.bot.settle()
    [applied] = teams_bot.rows(SchoolAccount)
    connector.slow(f"a:{STAFF}", SLOW, times=10)
    connector.fail(f"a:{ADMIN}", 500, times=50)
    teams.settle = None  # what is asked here is when the answer comes

    started = time.monotonic()
    approved = teams.execute(
        "account.approve", {"account": applied.id, "version": applied.version}, user=SLT
    )

    assert approved.status_code == 200 and "approved" in approved.text
    assert "account.approve" not in approved.text  # redrawn without its buttons
    assert time.monotonic() - started < SLOW
    connector.wait_for(f"a:{SLT}", "administrators could not be reached")
    teams_bot.bot.settle()
    assert "was approved" in connector.to(f"a:{STAFF}")[-1].text


def test_an_application_and_a_draft_are_answered_before_slt_get_them(teams_bot: TeamsBot) -> None:
    """Each is saved and answered at once; when SLT cannot be reached after all, the person who
    sent it is told by DM."""
    teams, connector = teams_bot.teams, teams_bot.connector
    teams.settle = None  # what is asked here is when the answer comes
    connector.slow(SLT_CONVERSATION, SLOW, times=1)
    connector.fail(SLT_CONVERSATION, 500, times=50)
    draft = {"dialog": "review", "account": "Facebook: @ourschool", "draft": "Trip on Friday"}

    for form, saved in ((_application(), "Sent to SLT"), (draft, "Sent for a second opinion")):
        started = time.monotonic()
        answer = teams.submit_dialog(form, user=STAFF).json()
        assert saved in answer["task"]["value"]
        assert time.monotonic() - started < SLOW
    connector.wait_for(f"a:{STAFF}", "Your draft is saved, but SLT could not be reached")
    teams_bot.bot.settle()
    told = " ".join(s.text for s in connector.to(f"a:{STAFF}"))
    assert "Your application is saved, but SLT could not be reached" in told
    assert len(teams_bot.rows(SchoolAccount)) == 1 and len(teams_bot.rows(DraftReview)) == 1


def test_assign_to_me_is_answered_before_the_card_is_redrawn_for_everyone(
    teams_bot: TeamsBot,
) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    teams.submit_dialog(_log_form(), user=MODERATOR)
    teams_bot.bot.settle()
    [comment] = teams_bot.rows(Comment)
    connector.slow(MODS_CONVERSATION, SLOW, times=10, method="PUT")
    teams.settle = None  # what is asked here is when the answer comes

    started = time.monotonic()
    assigned = teams.execute(
        "comment.assign",
        {"verb": "comment.assign", "comment": comment.id},
        user=MODERATOR,
        conversation=MODS_CONVERSATION,
    )

    assert assigned.status_code == 200 and "taken on by" in assigned.text
    assert time.monotonic() - started < SLOW
    teams_bot.bot.settle()
    assert len([s for s in connector.to(MODS_CONVERSATION, "PUT") if "taken on by" in s.text]) == 1

"""Teams dialogs taken in once, as Slack's forms are: each opening of a dialog carries its own
id, and a submission Teams sends again (a resent invoke, a replay) finds what the first one made
and is answered the same; nothing is stored or sent twice."""

from __future__ import annotations

from typing import Any

import pytest

from store.models import Comment, DraftReview, Incident, SchoolAccount
from tests.teams_bot import MODERATOR, MODS_CONVERSATION, SLT_CONVERSATION, STAFF, TeamsBot
from tests.test_teams import _log_form, _report_form
from tests.test_teams_accounts import _application

DRAFT = {"account": "Facebook: @ourschool", "context": "", "draft": "Trip on Friday"}
# Each dialog: who fills it in, what they type, what it makes, and where its card goes.
DIALOGS: dict[str, tuple[str, dict[str, Any], type[Any], str]] = {
    "log": (MODERATOR, _log_form(), Comment, MODS_CONVERSATION),
    "apply": (STAFF, _application(), SchoolAccount, SLT_CONVERSATION),
    "review": (STAFF, {"dialog": "review", **DRAFT}, DraftReview, SLT_CONVERSATION),
    "report": (STAFF, _report_form(), Incident, SLT_CONVERSATION),
}


def opened_instance(teams_bot: TeamsBot, dialog: str, user: str) -> str:
    """The instance id the dialog was opened with, as its form will send it back."""
    opened = teams_bot.teams.open_dialog({"dialog": dialog}, user=user).json()
    actions = opened["task"]["value"]["card"]["content"]["actions"]
    [instance] = {a["data"]["submission"] for a in actions if a["type"] == "Action.Submit"}
    assert isinstance(instance, str) and instance
    return instance


@pytest.mark.parametrize("dialog", DIALOGS)
def test_a_dialog_submitted_twice_makes_one_record_and_answers_the_same(
    teams_bot: TeamsBot, dialog: str
) -> None:
    user, typed, model, where = DIALOGS[dialog]
    form = {**typed, "submission": opened_instance(teams_bot, dialog, user)}

    first = teams_bot.teams.submit_dialog(form, user=user)
    teams_bot.bot.settle()
    posted = len(teams_bot.connector.to(where, "POST"))
    again = teams_bot.teams.submit_dialog(form, user=user)
    teams_bot.bot.settle()

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert len(teams_bot.rows(model)) == 1
    assert posted == 1 and len(teams_bot.connector.to(where, "POST")) == 1  # its card, once


@pytest.mark.parametrize("dialog", DIALOGS)
def test_a_resent_invoke_from_a_form_without_an_instance_id_is_taken_once(
    teams_bot: TeamsBot, dialog: str
) -> None:
    user, typed, model, _ = DIALOGS[dialog]
    form = {k: v for k, v in typed.items() if k != "submission"}  # opened before ids were sent

    first = teams_bot.teams.submit_dialog(form, user=user, activity_id="f:resent-1")
    again = teams_bot.teams.submit_dialog(form, user=user, activity_id="f:resent-1")
    teams_bot.teams.submit_dialog(form, user=user, activity_id="f:another-1")
    teams_bot.bot.settle()

    assert again.json() == first.json()
    assert len(teams_bot.rows(model)) == 2  # the resent one once, and the other submission


def test_two_openings_of_a_dialog_are_two_submissions(teams_bot: TeamsBot) -> None:
    for _ in range(2):
        form = {**_log_form(), "submission": opened_instance(teams_bot, "log", MODERATOR)}
        teams_bot.teams.submit_dialog(form, user=MODERATOR)
    teams_bot.bot.settle()
    assert len(teams_bot.rows(Comment)) == 2

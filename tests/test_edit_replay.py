"""Forms that change a record are taken in once, as forms that make one are: the same signed
Slack submission (a retry, a replay within Slack's 5 minutes) or Teams invoke (resent with its
activity id) changes the record once, writes one audit entry, sends one message and gets the
same answer; a form opened on a version the record has since left is refused inline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.models import AuditEvent, Comment, DraftReview, Incident, ReviewEvent
from tests.conftest import RunningBot
from tests.slack_requests import FORM, SlackModals, checkboxes, radio, text_input
from tests.slack_requests import select as choose
from tests.teams_bot import APP_ID, MODS_CONVERSATION, SLT_CONVERSATION
from tests.teams_standin import BotConnectorStandIn, TeamsSender
from tests.test_comments import comment_form
from tests.test_incidents import report_form
from tests.test_teams import _log_form, _report_form

SLACK_SLT, SLACK_MOD, SLACK_STAFF = "U0SLT0001", "U0MOD0001", "U0STAFF01"
SLACK_REVIEWER = "U0REV0001"
TEAMS_SLT, TEAMS_MOD, TEAMS_STAFF = "aad-slt-1", "aad-mod-1", "aad-staff-1"
TEAMS_REVIEWER = "aad-rev-1"
SLACK_SLT_CHANNEL, SLACK_MODS_CHANNEL = "C0SLT0001", "C0MODS001"
ASSESS_SLACK = {
    "severity": choose("high"),
    "staff": text_input(""),
    "agencies": checkboxes("police"),
    "note": text_input(""),
}
ASSESS_TEAMS = {"severity": "high", "staff": "", "agencies": "police", "note": ""}
DRAFT = {"account": "Facebook: @ourschool", "context": "", "draft": "Trip on Friday"}


@dataclass
class Both:
    bot: RunningBot
    teams: TeamsSender
    connector: BotConnectorStandIn

    def one(self, model: type[Any], front_end: str) -> Any:
        with session_scope(self.bot.runtime.services.sessions) as session:
            return session.scalars(select(model).where(model.front_end == front_end)).one()

    def count(self, model: type[Any]) -> int:
        with session_scope(self.bot.runtime.services.sessions) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0

    def slack_to(self, channel: str, method: str = "chat.postMessage") -> list[str]:
        return [c.text for c in self.bot.stand_in.to(method) if c.params["channel"] == channel]

    def teams_to(self, conversation: str, method: str | None = None) -> list[str]:
        return [s.text for s in self.connector.to(conversation, method)]


@pytest.fixture
def both(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> Iterator[Both]:
    bot = bot_factory(
        slt_users=[SLACK_SLT],
        moderator_users=[SLACK_MOD],
        moderators_channel=SLACK_MODS_CHANNEL,
        reviewers=[SLACK_REVIEWER],
        school_accounts=["Facebook: @ourschool"],
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
        teams_slt_users=[TEAMS_SLT],
        teams_moderator_users=[TEAMS_MOD],
        teams_reviewers=[TEAMS_REVIEWER],
        teams_slt_conversation=SLT_CONVERSATION,
        teams_moderators_conversation=MODS_CONVERSATION,
    )
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
    for conversation in (SLT_CONVERSATION, MODS_CONVERSATION):
        teams.install(user=TEAMS_SLT, conversation=conversation, conversation_type="channel")
    for user in (TEAMS_SLT, TEAMS_MOD, TEAMS_STAFF, TEAMS_REVIEWER):
        teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
    yield Both(bot, teams, connector)


def slack_twice(
    both: Both, callback: str, fields: dict[str, Any], *, user: str, metadata: str, view: str
) -> tuple[httpx.Response, httpx.Response]:
    """One signed submission, sent and then sent again byte for byte (same signature)."""
    body = SlackModals.submission(
        callback, fields, user=user, private_metadata=metadata, view_id=view
    )
    stamp = int(time.time())
    first = both.bot.slack.post(body, FORM, timestamp=stamp)
    both.bot.settle()
    again = both.bot.slack.post(body, FORM, timestamp=stamp)
    both.bot.settle()
    return first, again


def teams_twice(
    both: Both, opened: dict[str, Any], typed: dict[str, Any], *, user: str, activity: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Open the dialog, submit it, and have Teams resend the same invoke."""
    answer = both.teams.open_dialog(opened, user=user).json()
    actions = answer["task"]["value"]["card"]["content"]["actions"]
    [instance] = {a["data"]["submission"] for a in actions if a["type"] == "Action.Submit"}
    form = {**opened, **typed, "submission": instance}
    first = both.teams.submit_dialog(form, user=user, activity_id=activity).json()
    both.bot.settle()
    again = both.teams.submit_dialog(form, user=user, activity_id=activity).json()
    both.bot.settle()
    return first, again


def test_marking_a_comment_responded_twice_changes_it_once(both: Both) -> None:
    both.bot.modals.submit("comment.log", comment_form(both.bot.clock.now()), user=SLACK_MOD)
    both.teams.submit_dialog(_log_form(), user=TEAMS_MOD)
    both.bot.settle()
    slack, teams = both.one(Comment, "slack"), both.one(Comment, "teams")
    responded = {"response": radio("answered"), "note": text_input("")}

    first, again = slack_twice(
        both, "comment.responded", responded, user=SLACK_MOD, metadata=str(slack.id), view="V0R1"
    )
    t_first, t_again = teams_twice(
        both,
        {"dialog": "respond", "comment": teams.id},
        {"response": "answered", "note": ""},
        user=TEAMS_MOD,
        activity="f:respond-1",
    )

    assert first.status_code == again.status_code == 200 and first.content == again.content == b""
    assert t_again == t_first and t_first["task"]["value"].endswith("marked responded.")
    for front_end in ("slack", "teams"):
        assert both.one(Comment, front_end).status == "responded"
    redrawn = [t for t in both.slack_to(SLACK_MODS_CHANNEL, "chat.update") if "Responded" in t]
    assert len(redrawn) == 1
    assert len([t for t in both.teams_to(MODS_CONVERSATION, "PUT") if "Responded" in t]) == 1


def _led_cases(both: Both) -> tuple[Incident, Incident]:
    both.bot.modals.submit("incident.report", report_form(both.bot.clock.now()), user=SLACK_STAFF)
    both.teams.submit_dialog(_report_form(), user=TEAMS_STAFF)
    both.bot.settle()
    slack, teams = both.one(Incident, "slack"), both.one(Incident, "teams")
    both.bot.slack.click(
        "incident.take_lead", f"{slack.id}:{slack.version}", user=SLACK_SLT, channel="C0SLT0001"
    )
    ref = {"verb": "incident.take_lead", "incident": teams.id, "version": teams.version}
    both.teams.execute("incident.take_lead", ref, user=TEAMS_SLT, conversation=SLT_CONVERSATION)
    both.bot.settle()
    return both.one(Incident, "slack"), both.one(Incident, "teams")


def test_a_case_step_sent_twice_is_one_step_one_audit_entry_one_message(both: Both) -> None:
    slack, teams = _led_cases(both)
    audit = both.count(AuditEvent)
    slack_thread = len(both.slack_to(SLACK_SLT_CHANNEL))
    teams_thread = f"{SLT_CONVERSATION};messageid={teams.card_ts}"

    first, again = slack_twice(
        both,
        "incident.assess_submit",
        ASSESS_SLACK,
        user=SLACK_SLT,
        metadata=f"{slack.id}:{slack.version}",
        view="V0ASSESS1",
    )
    t_first, t_again = teams_twice(
        both,
        {"dialog": "assess", "incident": teams.id, "version": teams.version},
        ASSESS_TEAMS,
        user=TEAMS_SLT,
        activity="f:assess-1",
    )

    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert t_again == t_first and t_first["task"]["value"] == "INC-2026-0002 updated."
    assert both.one(Incident, "slack").version == slack.version + 1
    assert both.one(Incident, "teams").version == teams.version + 1
    assert both.count(AuditEvent) == audit + 2  # one per front end
    steps = both.slack_to(SLACK_SLT_CHANNEL)[slack_thread:]
    assert len([t for t in steps if "High severity" in t]) == 1
    assert len([t for t in both.teams_to(teams_thread) if "High severity" in t]) == 1


def test_a_step_form_opened_before_the_case_moved_on_is_refused_inline(both: Both) -> None:
    slack, teams = _led_cases(both)
    slack_twice(
        both,
        "incident.assess_submit",
        ASSESS_SLACK,
        user=SLACK_SLT,
        metadata=f"{slack.id}:{slack.version}",
        view="V0ASSESS1",
    )
    audit = both.count(AuditEvent)

    stale = both.bot.modals.submit(
        "incident.assess_submit",
        ASSESS_SLACK,
        user=SLACK_SLT,
        private_metadata=f"{slack.id}:{slack.version}",
        view_id="V0ASSESS2",  # another form, opened on the version the first one changed
    ).json()
    opened = {"dialog": "assess", "incident": teams.id, "version": teams.version}
    both.teams.submit_dialog({**opened, **ASSESS_TEAMS, "submission": "first"}, user=TEAMS_SLT)
    t_stale = both.teams.submit_dialog(
        {**opened, **ASSESS_TEAMS, "submission": "second"}, user=TEAMS_SLT
    ).json()
    both.bot.settle()

    assert stale["response_action"] == "errors"
    [refusal] = stale["errors"].values()
    assert "nothing was changed" in refusal and "nothing was changed" in t_stale["task"]["value"]
    assert both.one(Incident, "slack").version == slack.version + 1
    assert both.one(Incident, "teams").version == teams.version + 1
    assert both.count(AuditEvent) == audit + 1  # the Teams form's first submission only


def test_sending_a_draft_back_twice_tells_the_author_once(both: Both) -> None:
    fields = {k: text_input(v) for k, v in DRAFT.items()}
    both.bot.modals.submit("review.submit", fields, user=SLACK_STAFF)
    both.teams.submit_dialog({"dialog": "review", **DRAFT}, user=TEAMS_STAFF)
    both.bot.settle()
    slack, teams = both.one(DraftReview, "slack"), both.one(DraftReview, "teams")
    events = both.count(ReviewEvent)
    slack_dms = len(both.slack_to("D" + SLACK_STAFF[1:]))
    teams_dms = len(both.teams_to(f"a:{TEAMS_STAFF}"))

    first, again = slack_twice(
        both,
        "review.send_back_submit",
        {"notes": text_input("Add the time")},
        user=SLACK_REVIEWER,
        metadata=f"{slack.id}:{slack.version}",
        view="V0BACK1",
    )
    t_first, t_again = teams_twice(
        both,
        {"dialog": "send_back", "review": teams.id, "version": teams.version},
        {"notes": "Add the time"},
        user=TEAMS_REVIEWER,
        activity="f:back-1",
    )

    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert t_again == t_first and t_first["task"]["value"].startswith("Sent back")
    assert both.count(ReviewEvent) == events + 2
    assert len(both.slack_to("D" + SLACK_STAFF[1:])) == slack_dms + 1
    assert len(both.teams_to(f"a:{TEAMS_STAFF}")) == teams_dms + 1

"""The Teams front end, driven as Teams drives it, with a loopback Bot Connector."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from store.models import AuditEvent, Comment, DraftReview, Incident, Question, TeamsConversation
from tests.conftest import RunningBot
from tests.teams_bot import (
    APP_ID,
    MODERATOR,
    MODS_CONVERSATION,
    REVIEWER,
    SLT,
    SLT_CONVERSATION,
    STAFF,
    TeamsBot,
)
from tests.teams_standin import BotConnectorStandIn, TeamsSender


def test_installing_stores_conversation_references(teams_bot: TeamsBot) -> None:
    stored = {c.id: (c.kind, c.user_id, c.service_url) for c in teams_bot.rows(TeamsConversation)}
    assert stored[SLT_CONVERSATION] == ("channel", None, teams_bot.connector.url)
    assert stored[f"a:{STAFF}"] == ("personal", STAFF, teams_bot.connector.url)


def test_a_question_is_answered_with_a_card(teams_bot: TeamsBot) -> None:
    teams_bot.teams.message("can i follow an ex student on insta", user=STAFF)
    teams_bot.teams.message(
        "socialpolicy can i follow an ex student on insta",
        user=STAFF,
        conversation="19:staffroom@thread.tacv2",
        conversation_type="channel",
        mention=True,
    )

    replies = [
        s
        for s in teams_bot.connector.sent
        if s.conversation in (f"a:{STAFF}", "19:staffroom@thread.tacv2")
    ]
    assert len(replies) == 2
    for reply in replies:
        card = reply.body["attachments"][0]["content"]
        assert card["version"] == "1.5"
        assert "Pupils and former pupils" in reply.text
        assert {a["title"] for a in card["actions"]} >= {"Whole section", "Ask SLT", "👍", "👎"}
        assert "Policy version" in reply.text


def test_ask_slt_and_feedback_from_the_answer_card(teams_bot: TeamsBot) -> None:
    teams_bot.teams.message("where do i order whiteboard pens", user=STAFF)
    card = teams_bot.connector.to(f"a:{STAFF}")[-1].body["attachments"][0]["content"]
    buttons = {a["title"]: a["data"] for a in card["actions"]}

    asked = teams_bot.teams.execute("answer.ask_slt", buttons["Ask SLT"], user=STAFF).json()
    thanks = teams_bot.teams.execute("answer.feedback", buttons["👎"], user=STAFF).json()

    assert "Sent to SLT" in json.dumps(asked) and "Thanks for saying" in json.dumps(thanks)
    passed_on = teams_bot.connector.to(SLT_CONVERSATION)[-1].text
    assert "Aad-Staff-1" in passed_on and "whiteboard pens" in passed_on
    question = teams_bot.rows(Question)[0]
    assert (question.asked_by, question.feedback) == (STAFF, -1)


def test_unsigned_requests_are_refused_when_the_local_switch_is_off(
    bot_factory: Callable[..., RunningBot],
    connector: BotConnectorStandIn,
) -> None:
    bot = bot_factory(
        slack_bot_token=None,
        slack_signing_secret=None,
        teams_app_id=APP_ID,
        teams_app_password="secret",
    )
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)

    assert teams.message("hello", user=STAFF).status_code == 401
    assert connector.sent == []


def _log_form(**changes: Any) -> dict[str, Any]:
    form = {
        "dialog": "log",
        "platform": "facebook",
        "account": "Facebook: @ourschool",
        "kind": "query",
        "author": "parent",
        "link": "https://facebook.com/ourschool/posts/1",
        "received_at_date": "2026-11-25",
        "received_at_time": "09:00",
        "summary": "When is the trip payment due?",
        "offensive": "false",
    }
    form.update(changes)
    return form


def test_comment_dialog_card_reminder_escalation_and_actions(teams_bot: TeamsBot) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    refused = teams.open_dialog({"dialog": "log"}, user=STAFF).json()
    assert refused["task"]["type"] == "message" and "moderators" in refused["task"]["value"]
    opened = teams.open_dialog({"dialog": "log"}, user=MODERATOR).json()
    assert opened["task"]["type"] == "continue"
    assert opened["task"]["value"]["card"]["content"]["version"] == "1.5"

    bad = teams.submit_dialog(_log_form(summary="", link="ftp://x"), user=MODERATOR).json()
    assert bad["task"]["type"] == "continue"
    assert "Summary" in json.dumps(bad) and "Link" in json.dumps(bad)
    assert teams_bot.rows(Comment) == []

    done = teams.submit_dialog(_log_form(), user=MODERATOR).json()
    assert done["task"] == {
        "type": "message",
        "value": "Logged as #1; the 24-hour clock is running.",
    }
    card = connector.to(MODS_CONVERSATION, "POST")[0]
    assert "Reply due Thu 26 Nov, 09:00" in card.text
    comment = teams_bot.rows(Comment)[0]
    assert comment.front_end == "teams" and comment.card_ts

    assigned = teams.execute(
        "comment.assign",
        {"verb": "comment.assign", "comment": comment.id},
        user=MODERATOR,
        conversation=MODS_CONVERSATION,
    ).json()
    assert assigned["type"] == "application/vnd.microsoft.card.adaptive"
    assert "taken on by Aad-Mod-1" in json.dumps(assigned)
    assert connector.to(MODS_CONVERSATION, "PUT")[-1].activity_id == comment.card_ts

    teams_bot.bot.clock.set(comment.due_at - timedelta(hours=3))
    assert teams_bot.bot.tick() == 2  # in the card's thread, and to the assignee directly
    threaded = connector.to(f"{MODS_CONVERSATION};messageid={comment.card_ts}")
    assert len(threaded) == 1 and "left to reply" in threaded[0].text
    assert "left to reply" in connector.to(f"a:{MODERATOR}")[-1].text

    teams_bot.bot.clock.set(comment.due_at + timedelta(minutes=1))
    assert teams_bot.bot.tick() == 1
    assert "was not answered within the policy's time" in connector.to(SLT_CONVERSATION)[-1].text

    responded = teams.submit_dialog(
        {"dialog": "respond", "comment": comment.id, "response": "answered", "note": ""},
        user=MODERATOR,
    ).json()
    assert responded["task"]["value"] == "#1 marked responded."
    assert "Responded (Answered)" in connector.to(MODS_CONVERSATION, "PUT")[-1].text


def _report_form(**changes: Any) -> dict[str, Any]:
    form = {
        "dialog": "report",
        "submission": "sub-1",
        "kind": "bullying",
        "platform": "instagram",
        "account_type": "personal",
        "link": "",
        "happened_at_date": "2026-11-25",
        "happened_at_time": "08:00",
        "involved": "pupil",
        "details": "A pupil is being targeted",
        "actions_taken": "screenshot",
        "at_risk": "false",
    }
    form.update(changes)
    return form


def test_incident_report_case_actions_and_privacy(teams_bot: TeamsBot) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    bad = teams.submit_dialog(_report_form(details=" "), user=STAFF).json()
    assert bad["task"]["type"] == "continue" and "What happened" in json.dumps(bad)

    sent = teams.submit_dialog(_report_form(), user=STAFF).json()
    again = teams.submit_dialog(_report_form(), user=STAFF).json()
    assert "INC-2026-0001" in json.dumps(sent) and "INC-2026-0001" in json.dumps(again)
    assert len(teams_bot.rows(Incident)) == 1
    case = connector.to(SLT_CONVERSATION, "POST")[-1]
    assert "INC-2026-0001" in case.text and "Bullying or harassment" in case.text
    assert "INC-2026-0001" in connector.to(f"a:{STAFF}")[-1].text

    incident = teams_bot.rows(Incident)[0]
    ref = {"incident": incident.id, "version": incident.version}
    refused = teams.open_dialog({"dialog": "details", **ref}, user=STAFF).json()
    assert "Only SLT" in refused["task"]["value"]
    details = teams.open_dialog({"dialog": "details", **ref}, user=SLT).json()
    assert "A pupil is being targeted" in json.dumps(details)

    led = teams.execute(
        "incident.take_lead",
        {"verb": "incident.take_lead", **ref},
        user=SLT,
        conversation=SLT_CONVERSATION,
    ).json()
    assert "Open, led by Aad-Slt-1" in json.dumps(led)
    stale = teams.execute(
        "incident.take_lead",
        {"verb": "incident.take_lead", **ref},
        user=SLT,
        conversation=SLT_CONVERSATION,
    ).json()
    assert "already taken by Aad-Slt-1" in json.dumps(stale)
    assert "in hand" in connector.to(f"a:{STAFF}")[-1].text
    redrawn = connector.to(SLT_CONVERSATION, "PUT")[-1]
    assert redrawn.activity_id == incident.card_ts and "Open, led by" in redrawn.text

    def step(name: str, **fields: Any) -> dict[str, Any]:
        current = teams_bot.rows(Incident)[0].version
        return teams.submit_dialog(
            {"dialog": name, "incident": incident.id, "version": current, **fields}, user=SLT
        ).json()

    assert (
        step("assess", severity="high", staff="", agencies="police,lado", note="")["task"]["value"]
        == "INC-2026-0001 updated."
    )
    step("escalate", agency="platform", reference="IG-1", when_date="2026-11-25", when_time="10:00")
    assert "Platform's answer" in connector.to(SLT_CONVERSATION, "PUT")[-1].text
    assert (
        "Escalated to The platform"
        in connector.to(f"{SLT_CONVERSATION};messageid={incident.card_ts}")[-1].text
    )

    current = teams_bot.rows(Incident)[0].version
    resolved = teams.submit_dialog(
        {
            "dialog": "resolve",
            "incident": incident.id,
            "version": current,
            "outcome": "nfa",
            "note": "",
        },
        user=SLT,
    ).json()
    assert resolved["task"]["value"] == "INC-2026-0001 updated."
    handed = teams.submit_dialog(
        {
            "dialog": "hand_off",
            "incident": incident.id,
            "version": current + 1,
            "reference": "CPOMS-9",
        },
        user=SLT,
    ).json()
    assert handed["task"]["value"] == "INC-2026-0001 updated."
    assert teams_bot.rows(Incident)[0].details is None
    held = teams.execute(
        "incident.legal_hold",
        {"verb": "incident.legal_hold", "incident": incident.id, "version": current + 2},
        user=SLT,
        conversation=SLT_CONVERSATION,
    ).json()
    assert "On legal hold" in json.dumps(held, ensure_ascii=False)
    reopened = teams.execute(
        "incident.reopen",
        {"verb": "incident.reopen", "incident": incident.id, "version": current + 3},
        user=SLT,
        conversation=SLT_CONVERSATION,
    ).json()
    assert "Open, led by Aad-Slt-1" in json.dumps(reopened)
    actions = [e.action for e in teams_bot.rows(AuditEvent)]
    assert actions == [
        "reported",
        "viewed_details",
        "took_lead",
        "assessed",
        "escalated",
        "resolved",
        "handed_off",
        "legal_hold",
        "reopened",
    ]
    # The details reached nobody: only the SLT member's details dialog (an invoke response).
    assert all("A pupil is being targeted" not in s.text for s in connector.sent)


def test_slack_and_teams_share_one_port(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn
) -> None:
    bot = bot_factory(teams_app_id=APP_ID, dangerously_allow_unauthenticated_requests=True)
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)

    assert "Pupils and former pupils" in bot.slack.command("can i follow an ex pupil").text
    teams.message(
        "whereami",
        user=STAFF,
        conversation="19:x@thread.tacv2",
        conversation_type="channel",
        mention=True,
    )
    assert "19:x@thread.tacv2" in connector.to("19:x@thread.tacv2")[0].text


def test_acknowledge_unanswered_and_the_register_in_teams(teams_bot: TeamsBot) -> None:
    teams = teams_bot.teams
    teams.message("acknowledge", user=STAFF)
    teams.message("where do i park", user=STAFF)
    teams.message("unanswered", user=STAFF)
    teams.message("unanswered", user=SLT)
    teams.message("accounts", user=STAFF)

    to_staff = [s.text for s in teams_bot.connector.to(f"a:{STAFF}")]
    assert "recorded that you have read the policy" in to_staff[-4]
    assert "Only SLT" in to_staff[-2]
    assert "No school accounts are registered" in to_staff[-1]
    assert "where do i park" in teams_bot.connector.to(f"a:{SLT}")[-1].text


def test_slt_choose_their_channels_from_inside_them(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn
) -> None:
    bot = bot_factory(
        slack_bot_token=None,
        slack_signing_secret=None,
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
        teams_slt_users=[SLT],
    )
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
    # SLT installed it, so SLT look after its settings; staff only use it.
    teams.install(user=SLT, conversation=f"a:{SLT}", conversation_type="personal")
    teams.install(user=STAFF, conversation=f"a:{STAFF}", conversation_type="personal")
    teams.message(
        "use this channel for SLT",
        user=STAFF,
        conversation="19:a@thread.tacv2",
        conversation_type="channel",
        mention=True,
    )
    teams.message(
        "use this channel for SLT",
        user=SLT,
        conversation="19:slt@thread.tacv2",
        conversation_type="channel",
        mention=True,
    )

    assert "Only SLT" in connector.to("19:a@thread.tacv2")[-1].text
    assert "will now receive the SLT messages" in connector.to("19:slt@thread.tacv2")[-1].text
    teams.submit_dialog(_report_form(), user=STAFF)
    assert "INC-2026-0001" in connector.to("19:slt@thread.tacv2", "POST")[-1].text


def test_second_opinion_in_teams(teams_bot: TeamsBot) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    bad = teams.submit_dialog(
        {"dialog": "review", "account": "Facebook", "draft": ""}, user=STAFF
    ).json()
    assert bad["task"]["type"] == "continue" and "Draft" in json.dumps(bad)
    sent = teams.submit_dialog(
        {
            "dialog": "review",
            "account": "Facebook: @ourschool",
            "context": "",
            "draft": "Trip on Friday",
        },
        user=STAFF,
    ).json()
    assert "Sent for a second opinion" in sent["task"]["value"]
    card = connector.to(SLT_CONVERSATION, "POST")[-1]
    assert "Trip on Friday" in card.text and "Approve" in card.text
    review = teams_bot.rows(DraftReview)[0]
    ref = {"verb": "review.approve", "review": review.id, "version": review.version}

    refused = teams.execute("review.approve", ref, user=STAFF).json()
    assert "Only the named reviewers" in json.dumps(refused)
    approved = teams.execute("review.approve", ref, user=REVIEWER).json()  # TEAMS_REVIEWERS
    assert "Approved" in json.dumps(approved)
    assert "was approved by Aad-Reviewer-1" in connector.to(f"a:{STAFF}")[-1].text
    assert "Approved by Aad-Reviewer-1" in connector.to(SLT_CONVERSATION, "PUT")[-1].text


def test_journalist_contact_reaches_the_spokesperson_in_teams(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn
) -> None:
    media = "aad-media-1"
    bot = bot_factory(
        slack_bot_token=None,
        slack_signing_secret=None,
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
        teams_slt_users=[SLT],
        teams_slt_conversation=SLT_CONVERSATION,
        teams_media_contact_users=[media],
    )
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
    teams.install(user=SLT, conversation=SLT_CONVERSATION, conversation_type="channel")
    for user in (STAFF, media):
        teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")

    teams.submit_dialog(
        _report_form(kind="media", details="A reporter rang about the trip"), user=STAFF
    )

    alert = connector.wait_for(f"a:{media}", "journalist").text
    assert "INC-2026-0001" in alert and "Aad-Staff-1" in alert
    assert "A reporter rang" not in alert

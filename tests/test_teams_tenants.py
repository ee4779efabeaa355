"""Two tenants talking to one Teams bot: each tenant is its own school, with its own people and
channels; what happens in one never reaches the other, and ids from one are nothing in the
other. A deployment registered for one tenant stays one school."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from store import tenancy
from store.db import session_scope
from store.models import AuditEvent, Comment, Incident, School, TeamsConversation
from tests.conftest import RunningBot
from tests.teams_bot import (
    APP_ID,
    MODERATOR,
    MODS_CONVERSATION,
    SLT,
    SLT_CONVERSATION,
    STAFF,
    TeamsBot,
)
from tests.teams_standin import TENANT, BotConnectorStandIn, Sent, TeamsSender
from tests.test_teams import _log_form, _report_form

OTHER_TENANT = "tenant-2"
B_SLT = "aad-b-slt"
B_MOD = "aad-b-mod"
B_STAFF = "aad-b-staff"
B_SLT_ROOM = "19:b-slt@thread.tacv2"
B_MODS_ROOM = "19:b-mods@thread.tacv2"
A_DETAILS = "A pupil is being targeted"
A_SUMMARY = "When is the trip payment due?"
B_SUMMARY = "Why has the uniform changed?"


@dataclass
class Trust:
    """School A (the first tenant, set up from the environment) and school B (the second,
    set up from inside Teams by whoever installed it there)."""

    a: TeamsBot
    b: TeamsSender

    @property
    def connector(self) -> BotConnectorStandIn:
        return self.a.connector

    def rows(self, model: type[Any], school: int) -> list[Any]:
        with tenancy.scope(school):
            return self.a.rows(model)

    def sent_since(self, count: int) -> list[Sent]:
        return self.connector.sent[count:]


@pytest.fixture
def trust(teams_bot: TeamsBot) -> Trust:
    b = TeamsSender(
        teams_bot.teams.messages_url,
        teams_bot.connector.url,
        teams_bot.bot.settle,
        tenant=OTHER_TENANT,
    )
    b.install(user=B_SLT, conversation=f"a:{B_SLT}", conversation_type="personal")
    saved = b.submit_dialog(
        {
            "dialog": "settings_people",
            "slt": B_SLT,
            "moderators": B_MOD,
            "setup_admins": B_SLT,
        },
        user=B_SLT,
    ).json()
    assert "Settings saved" in json.dumps(saved)
    for room, role in ((B_SLT_ROOM, "SLT"), (B_MODS_ROOM, "moderators")):
        b.install(user=B_SLT, conversation=room, conversation_type="channel")
        b.message(
            f"use this channel for {role}",
            user=B_SLT,
            conversation=room,
            conversation_type="channel",
            mention=True,
        )
    for user in (B_MOD, B_STAFF):
        b.install(user=user, conversation=f"a:{user}", conversation_type="personal")
    return Trust(teams_bot, b)


def _b_conversation(sent: Sent) -> bool:
    return sent.conversation.split(";")[0] in {
        B_SLT_ROOM,
        B_MODS_ROOM,
        *(f"a:{user}" for user in (B_SLT, B_MOD, B_STAFF)),
    }


def test_each_tenant_is_its_own_school_with_its_own_settings(trust: Trust) -> None:
    schools = {s.teams_tenant: s.id for s in trust.a.rows(School)}
    assert schools == {TENANT: tenancy.FIRST_SCHOOL, OTHER_TENANT: 2}
    settings = trust.a.bot.runtime.services
    with tenancy.scope(1):
        assert settings.settings.teams.slt == (SLT,)
        assert settings.settings.teams.slt_place == SLT_CONVERSATION
    with tenancy.scope(2):
        assert settings.settings.teams.slt == (B_SLT,)
        assert settings.settings.teams.moderators == (B_MOD,)
        assert settings.settings.teams.slt_place == B_SLT_ROOM
        assert settings.settings.teams.moderators_place == B_MODS_ROOM
    # Each school's conversations are its own.
    assert SLT_CONVERSATION in {c.id for c in trust.rows(TeamsConversation, 1)}
    assert {c.id for c in trust.rows(TeamsConversation, 2)} == {
        B_SLT_ROOM,
        B_MODS_ROOM,
        *(f"a:{user}" for user in (B_SLT, B_MOD, B_STAFF)),
    }
    # A person known in A is a stranger in B, even named in B's settings.
    trust.b.submit_dialog(
        {
            "dialog": "settings_people",
            "slt": B_SLT,
            "moderators": f"{B_MOD},{STAFF}",
            "setup_admins": B_SLT,
        },
        user=B_SLT,
    )
    trust.b.message("settings", user=B_SLT)
    shown = trust.connector.to(f"a:{B_SLT}")[-1].text
    assert "Latest changes" in shown, shown
    assert "Aad-B-Mod" in shown and "Aad-Staff-1" not in shown, shown
    # A's SLT is nobody in B: the settings are refused to them there.
    refused = TeamsSender(
        trust.b.messages_url, trust.connector.url, trust.a.bot.settle, tenant=OTHER_TENANT
    )
    refused.message("settings", user=SLT, conversation=f"a:{SLT}-in-b")
    assert "Only the people who look after" in trust.connector.to(f"a:{SLT}-in-b")[-1].text


def test_a_report_alerts_only_its_own_schools_slt(trust: Trust) -> None:
    connector = trust.connector
    before = len(connector.sent)
    trust.a.teams.submit_dialog(_report_form(submission="a-1"), user=STAFF)
    from_a = trust.sent_since(before)
    assert from_a and not any(_b_conversation(s) for s in from_a)
    assert "Bullying or harassment" in connector.to(SLT_CONVERSATION, "POST")[-1].text

    before = len(connector.sent)
    trust.b.submit_dialog(
        _report_form(submission="b-1", kind="copyright", details="B's own case"), user=B_STAFF
    )
    from_b = trust.sent_since(before)
    assert from_b and all(_b_conversation(s) for s in from_b)
    case = connector.to(B_SLT_ROOM, "POST")[-1].text
    assert "Copyright" in case and "Bullying" not in case
    assert all("Copyright" not in s.text for s in connector.to(SLT_CONVERSATION))
    assert [i.kind for i in trust.rows(Incident, 1)] == ["bullying"]
    assert [i.kind for i in trust.rows(Incident, 2)] == ["copyright"]


def test_a_comment_reminder_reaches_only_its_own_schools_moderator(trust: Trust) -> None:
    connector, clock = trust.connector, trust.a.bot.clock
    trust.a.teams.submit_dialog(_log_form(summary=A_SUMMARY), user=MODERATOR)
    trust.b.submit_dialog(_log_form(summary=B_SUMMARY), user=B_MOD)
    (a,), (b,) = trust.rows(Comment, 1), trust.rows(Comment, 2)
    trust.a.teams.execute(
        "comment.assign",
        {"verb": "comment.assign", "comment": a.id},
        user=MODERATOR,
        conversation=MODS_CONVERSATION,
    )
    trust.b.execute(
        "comment.assign",
        {"verb": "comment.assign", "comment": b.id},
        user=B_MOD,
        conversation=B_MODS_ROOM,
    )

    before = len(connector.sent)
    clock.set(a.due_at - timedelta(hours=3))
    assert trust.a.bot.tick() == 4  # each school: its card's thread, and its moderator's DM
    reminders = [s for s in trust.sent_since(before) if s.method == "POST"]
    assert sorted(s.conversation for s in reminders) == sorted(
        [
            f"{MODS_CONVERSATION};messageid={a.card_ts}",
            f"a:{MODERATOR}",
            f"{B_MODS_ROOM};messageid={b.card_ts}",
            f"a:{B_MOD}",
        ]
    )
    assert all("left to reply" in sent.text for sent in reminders)
    for sent in trust.sent_since(before):  # and each card redrawn where it was posted
        assert (A_SUMMARY if _b_conversation(sent) else B_SUMMARY) not in sent.text
        if sent.method == "PUT":
            assert sent.activity_id == (b.card_ts if _b_conversation(sent) else a.card_ts)


def test_ids_from_another_tenant_are_refused_and_reveal_nothing(trust: Trust) -> None:
    a_teams = trust.a.teams
    a_teams.submit_dialog(_report_form(submission="a-1", details=A_DETAILS), user=STAFF)
    a_teams.submit_dialog(_log_form(summary=A_SUMMARY), user=MODERATOR)
    (incident,), (comment,) = trust.rows(Incident, 1), trust.rows(Comment, 1)
    ref = {"incident": incident.id, "version": incident.version}
    before = _snapshot(trust)
    sent_before = len(trust.connector.sent)

    b = trust.b  # B's own SLT and moderator: allowed everything, in their own school
    answers = [
        b.execute(
            "incident.take_lead",
            {"verb": "incident.take_lead", **ref},
            user=B_SLT,
            conversation=B_SLT_ROOM,
            conversation_type="channel",
        ),
        b.open_dialog({"dialog": "details", **ref}, user=B_SLT),
        b.open_dialog({"dialog": "assess", **ref}, user=B_SLT),
        b.submit_dialog(
            {"dialog": "resolve", **ref, "outcome": "nfa", "note": "", "submission": "x-1"},
            user=B_SLT,
        ),
        b.execute(
            "comment.assign",
            {"verb": "comment.assign", "comment": comment.id},
            user=B_MOD,
            conversation=B_MODS_ROOM,
            conversation_type="channel",
        ),
        b.open_dialog({"dialog": "respond", "comment": comment.id}, user=B_MOD),
        b.submit_dialog(
            {"dialog": "respond", "comment": comment.id, "response": "answered", "note": ""},
            user=B_MOD,
        ),
        # An Action.Submit fallback, as a message carrying the card's data.
        b.activity(
            "message",
            user=B_SLT,
            conversation=f"a:{B_SLT}",
            value={"verb": "incident.take_lead", **ref},
        ),
    ]
    assert all(answer.status_code == 200 for answer in answers)
    trust.a.bot.settle()
    said = " ".join(a.text for a in answers) + " ".join(
        s.text for s in trust.sent_since(sent_before)
    )
    assert "no longer exists" in said
    for secret in (A_DETAILS, A_SUMMARY, incident.reference, "Aad-Staff-1", "Aad-Mod-1"):
        assert secret not in said, secret
    assert all(_b_conversation(s) for s in trust.sent_since(sent_before))
    assert _snapshot(trust) == before


def test_another_tenant_naming_a_schools_channel_cannot_write_in_it(trust: Trust) -> None:
    """Conversation ids are Teams-wide; one school's stored reference is never another's."""
    trust.b.message(
        "use this channel for SLT",
        user=B_SLT,
        conversation=SLT_CONVERSATION,
        conversation_type="channel",
        mention=True,
    )
    with tenancy.scope(2):
        assert trust.a.bot.runtime.services.settings.teams.slt_place == SLT_CONVERSATION
    assert SLT_CONVERSATION not in {c.id for c in trust.rows(TeamsConversation, 2)}
    before = len(trust.connector.sent)
    trust.b.submit_dialog(_report_form(submission="b-1", kind="copyright"), user=B_STAFF)
    assert trust.rows(Incident, 2)  # taken in; its card waits for a channel B can write in
    assert not any(s.conversation.startswith(SLT_CONVERSATION) for s in trust.sent_since(before))


def test_an_activity_naming_no_tenant_is_refused(trust: Trust) -> None:
    nowhere = TeamsSender(trust.b.messages_url, trust.connector.url, tenant=None)
    before = len(trust.a.rows(TeamsConversation))
    refused = nowhere.message("help", user="aad-nobody", conversation="a:aad-nobody")
    assert refused.status_code == 400
    invoke = nowhere.open_dialog({"dialog": "log"}, user="aad-nobody")
    assert invoke.status_code == 400
    assert len(trust.a.rows(TeamsConversation)) == before
    assert not trust.connector.to("a:aad-nobody")
    assert len(trust.a.rows(School)) == 2


def test_a_deployment_for_one_tenant_is_one_school(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn
) -> None:
    bot = bot_factory(
        slack_bot_token=None,
        slack_signing_secret=None,
        slt_channel=None,
        teams_app_id=APP_ID,
        teams_tenant_id="Our-Tenant",
        dangerously_allow_unauthenticated_requests=True,
    )
    url = f"{bot.base_url}/api/messages"
    for tenant in ("our-tenant", "some-other-tenant", None):
        sender = TeamsSender(url, connector.url, bot.settle, tenant=tenant)
        user = f"aad-{tenant or 'none'}"
        assert sender.message("help", user=user).status_code == 200
    with session_scope(bot.runtime.services.sessions) as session:
        schools = [(s.id, s.teams_tenant) for s in session.scalars(select(School))]
        stored = session.scalar(select(func.count()).select_from(TeamsConversation))
    assert schools == [(tenancy.FIRST_SCHOOL, "our-tenant")]
    assert stored == 3  # every one of them the first school's


def _snapshot(trust: Trust) -> list[Any]:
    """School A's cases, comments and audit trail, as they stand."""

    def rows(model: type[Any]) -> list[dict[str, Any]]:
        return [
            {c.key: getattr(row, c.key) for c in model.__mapper__.column_attrs}
            for row in trust.rows(model, 1)
        ]

    return [rows(Incident), rows(Comment), rows(AuditEvent)]

"""Who has not confirmed the policy in Teams, the nudge, and DMs to people who never opened the
bot: driven through /api/messages, with the Bot Connector stand-in answering rosters."""

from __future__ import annotations

import json
from typing import Any

from store.models import (
    DraftReview,
    PolicyAcknowledgement,
    TeamsConversation,
    TeamsPerson,
)
from tests.teams_bot import (
    ADMIN,
    MODERATOR,
    MODS_CONVERSATION,
    REVIEWER,
    SLT,
    SLT_CONVERSATION,
    STAFF,
    TeamsBot,
)
from tests.teams_standin import BOT, TENANT

STAFFROOM = "19:staffroom@thread.tacv2"
NEWCOMER = "aad-staff-new"
SAM = "aad-staff-2"  # in the teams, but has never opened the bot
ROBIN = "aad-staff-3"  # likewise, and Teams will not let the bot start a chat with them
GUEST = "aad-guest-1"


def _member(aad: str, name: str, role: str = "user") -> dict[str, Any]:
    return {"id": f"29:{aad}", "name": name, "aadObjectId": aad, "userRole": role}


def _rosters(teams_bot: TeamsBot) -> None:
    """The SLT channel's team in two pages, with a guest and the bot; the moderators' team
    repeats Sam and gives a staff member's object id in capitals, as Entra may."""
    teams_bot.connector.rosters[SLT_CONVERSATION] = [
        [_member(SLT, "Aad-Slt-1"), {"id": BOT["id"], "name": BOT["name"]}],
        [_member(SAM, "Sam Jones"), _member(GUEST, "Gus Guest", role="guest")],
    ]
    teams_bot.connector.rosters[MODS_CONVERSATION] = [
        [
            _member(MODERATOR, "Aad-Mod-1"),
            _member(SAM, "Sam Jones"),
            {**_member(STAFF, "Aad-Staff-1"), "aadObjectId": STAFF.upper()},
            _member(ROBIN, "Robin Far"),
        ]
    ]


def _card(response: Any) -> dict[str, Any]:
    """The card an Action.Execute answered with."""
    return response.json()["value"]


def _last_card(teams_bot: TeamsBot, conversation: str) -> dict[str, Any]:
    return teams_bot.connector.to(conversation, "POST")[-1].body["attachments"][0]["content"]


def _acknowledgements(teams_bot: TeamsBot) -> dict[str, Any]:
    teams_bot.teams.message("acknowledgements", user=SLT)
    return _last_card(teams_bot, f"a:{SLT}")


def test_slt_see_who_has_not_confirmed_the_policy(teams_bot: TeamsBot) -> None:
    _rosters(teams_bot)

    card = json.dumps(_acknowledgements(teams_bot))

    assert "0 of 7" in card
    for name in ("Aad-Slt-1", "Sam Jones", "Aad-Mod-1", "Aad-Staff-1", "Robin Far", "Aad-Admin-1"):
        assert name in card
    assert "Gus Guest" not in card and BOT["name"] not in card and "could not" not in card
    assert "Nudge them" in card
    assert teams_bot.connector.roster_requests == [
        (SLT_CONVERSATION, None),
        (SLT_CONVERSATION, "1"),
        (MODS_CONVERSATION, None),
    ]
    people = {p.id: (p.name, p.account_id) for p in teams_bot.rows(TeamsPerson)}
    assert people[SAM] == ("Sam Jones", f"29:{SAM}") and GUEST not in people

    teams_bot.teams.message("acknowledge", user=STAFF)
    card = json.dumps(_acknowledgements(teams_bot))

    assert "1 of 7" in card and "Aad-Staff-1" not in card and "Sam Jones" in card


def test_only_slt_see_the_list_or_nudge(teams_bot: TeamsBot) -> None:
    _rosters(teams_bot)
    teams_bot.teams.message("acknowledgements", user=STAFF)
    refused = teams_bot.teams.execute("policy.nudge", {"verb": "policy.nudge"}, user=MODERATOR)

    assert "Only SLT" in json.dumps(_last_card(teams_bot, f"a:{STAFF}"))
    assert "Only SLT" in json.dumps(_card(refused))
    assert teams_bot.connector.roster_requests == [] and teams_bot.connector.created == []


def test_the_nudge_reaches_everyone_outstanding_and_its_button_records_it(
    teams_bot: TeamsBot,
) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    _rosters(teams_bot)
    connector.unreachable.add(f"29:{ROBIN}")
    teams.message("acknowledge", user=STAFF)
    nudge = next(a for a in _acknowledgements(teams_bot)["actions"] if a["title"] == "Nudge them")
    before = len(connector.to(f"a:{STAFF}"))

    answer = json.dumps(_card(teams.execute(nudge["verb"], nudge["data"], user=SLT)))

    assert "Nudging 6 members of staff" in answer
    report = connector.wait_for(f"a:{SLT}", "Nudged").text
    assert "Nudged 5 members of staff" in report
    assert "1 could not be reached" in report and "Robin Far" in report
    sam_chat = f"a:chat-with-29:{SAM}"
    for conversation in (f"a:{SLT}", f"a:{MODERATOR}", f"a:{ADMIN}", f"a:{REVIEWER}", sam_chat):
        assert any("I've read it" in sent.text for sent in connector.to(conversation, "POST"))
    assert len(connector.to(f"a:{STAFF}")) == before
    assert [c["members"] for c in connector.created] == [
        [{"id": f"29:{SAM}"}],
        [{"id": f"29:{ROBIN}"}],
    ]
    assert all(c["isGroup"] is False and c["tenantId"] == TENANT for c in connector.created)

    button = _last_card(teams_bot, sam_chat)["actions"][0]
    thanks = teams.execute(button["verb"], button["data"], user=SAM, conversation=sam_chat)

    assert "recorded that you have read the policy" in json.dumps(_card(thanks))
    acks = {
        a.user_id: (a.front_end, a.version_key, a.version)
        for a in teams_bot.rows(PolicyAcknowledgement)
    }
    assert acks.keys() == {STAFF, SAM} and acks[SAM] == acks[STAFF]
    card = json.dumps(_acknowledgements(teams_bot))
    assert "2 of 7" in card and "Sam Jones" not in card


def test_a_roster_that_cannot_be_fetched_is_admitted_on_the_card(teams_bot: TeamsBot) -> None:
    _rosters(teams_bot)
    teams_bot.connector.rosters[MODS_CONVERSATION] = 500

    card = json.dumps(_acknowledgements(teams_bot))

    assert "0 of 6" in card and "Sam Jones" in card and "Robin Far" not in card
    assert "could not list the members of 1 of the conversations" in card


def test_a_dm_reaches_someone_who_never_opened_the_bot(teams_bot: TeamsBot) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    teams.message(
        "help", user=NEWCOMER, conversation=STAFFROOM, conversation_type="channel", mention=True
    )
    for draft in ("Sports day moved to Friday", "Sports day is on"):
        teams.invoke(
            "task/submit",
            {
                "data": {
                    "dialog": "review",
                    "account": "Facebook: @ourschool",
                    "context": "",
                    "draft": draft,
                },
                "context": {"theme": "default"},
            },
            user=NEWCOMER,
            conversation=STAFFROOM,
            conversation_type="channel",
        )
        review = teams_bot.rows(DraftReview)[-1]
        teams.execute(
            "review.approve",
            {"verb": "review.approve", "review": review.id, "version": review.version},
            user=SLT,
        )

    assert connector.created == [
        {
            "members": [{"id": f"29:{NEWCOMER}"}],
            "tenantId": TENANT,
            "channelData": {"tenant": {"id": TENANT}},
            "bot": {"id": BOT["id"]},
            "isGroup": False,
        }
    ]
    chat = f"a:chat-with-29:{NEWCOMER}"  # started once, then written to again
    outcomes = connector.to(chat, "POST")
    assert len(outcomes) == 2 and all("was approved by Aad-Slt-1" in o.text for o in outcomes)
    stored = {c.id: (c.kind, c.user_id) for c in teams_bot.rows(TeamsConversation)}
    assert stored[chat] == ("personal", NEWCOMER)
    assert stored[STAFFROOM] == ("channel", None)
    assert {p.id: p.account_id for p in teams_bot.rows(TeamsPerson)}[NEWCOMER] == f"29:{NEWCOMER}"

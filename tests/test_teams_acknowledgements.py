"""Who has not confirmed the policy in Teams, the nudge, and DMs to people who never opened the
bot: driven through /api/messages, with the Bot Connector stand-in answering rosters."""

from __future__ import annotations

from store.models import DraftReview, TeamsConversation, TeamsPerson
from tests.teams_bot import SLT, TeamsBot
from tests.teams_standin import BOT, TENANT

STAFFROOM = "19:staffroom@thread.tacv2"
NEWCOMER = "aad-staff-new"


def test_a_dm_reaches_someone_who_never_opened_the_bot(teams_bot: TeamsBot) -> None:
    teams, connector = teams_bot.teams, teams_bot.connector
    teams.message(
        "help", user=NEWCOMER, conversation=STAFFROOM, conversation_type="channel", mention=True
    )
    teams.invoke(
        "task/submit",
        {
            "data": {
                "dialog": "review",
                "account": "Facebook: @ourschool",
                "context": "",
                "draft": "Sports day moved to Friday",
            },
            "context": {"theme": "default"},
        },
        user=NEWCOMER,
        conversation=STAFFROOM,
        conversation_type="channel",
    )
    review = teams_bot.rows(DraftReview)[0]

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
    chat = f"a:chat-with-29:{NEWCOMER}"
    assert "was approved by Aad-Slt-1" in connector.to(chat, "POST")[-1].text
    stored = {c.id: (c.kind, c.user_id) for c in teams_bot.rows(TeamsConversation)}
    assert stored[chat] == ("personal", NEWCOMER)
    assert stored[STAFFROOM] == ("channel", None)
    assert {p.id: p.account_id for p in teams_bot.rows(TeamsPerson)}[NEWCOMER] == f"29:{NEWCOMER}"

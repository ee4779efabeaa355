"""The Teams bot under test: Teams' side of each conversation is a loopback Bot Connector, and
the fixture installs the bot where SLT, moderators and staff work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from store.db import session_scope
from tests.conftest import RunningBot
from tests.teams_standin import BotConnectorStandIn, TeamsSender

APP_ID = "00000000-0000-0000-0000-0000000000aa"
SLT = "aad-slt-1"
MODERATOR = "aad-mod-1"
STAFF = "aad-staff-1"
ADMIN = "aad-admin-1"
REVIEWER = "aad-reviewer-1"
SLT_CONVERSATION = "19:slt@thread.tacv2"
MODS_CONVERSATION = "19:mods@thread.tacv2"


@dataclass
class TeamsBot:
    bot: RunningBot
    teams: TeamsSender
    connector: BotConnectorStandIn

    def rows(self, model: type[Any]) -> list[Any]:
        with session_scope(self.bot.runtime.services.sessions) as session:
            return list(session.scalars(select(model).order_by(*model.__table__.primary_key)))


@pytest.fixture
def connector() -> Iterator[BotConnectorStandIn]:
    stand_in = BotConnectorStandIn()
    yield stand_in
    stand_in.close()
    assert not stand_in.violations, f"the bot sent cards Teams would refuse: {stand_in.violations}"


@pytest.fixture
def teams_bot(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> TeamsBot:
    bot = bot_factory(
        slack_bot_token=None,
        slack_signing_secret=None,
        slt_channel=None,
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
        teams_slt_users=[SLT],
        teams_moderator_users=[MODERATOR],
        teams_admin_users=[ADMIN],
        teams_reviewers=[REVIEWER],
        teams_slt_conversation=SLT_CONVERSATION,
        teams_moderators_conversation=MODS_CONVERSATION,
        school_accounts=["Facebook: @ourschool"],
    )
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
    for conversation in (SLT_CONVERSATION, MODS_CONVERSATION):
        assert (
            teams.install(
                user=SLT, conversation=conversation, conversation_type="channel"
            ).status_code
            == 200
        )
    for user in (SLT, MODERATOR, STAFF, ADMIN, REVIEWER):
        teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
    return TeamsBot(bot, teams, connector)

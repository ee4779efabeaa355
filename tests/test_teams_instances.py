"""Two instances of the Teams bot on one database: what one learns from Teams (a personal chat,
a person's name) the other can use, without a restart."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import RunningBot
from tests.teams_bot import APP_ID
from tests.teams_standin import BotConnectorStandIn, TeamsSender

STAFF = "aad-staff-7"
TEAMS = {
    "slack_bot_token": None,
    "slack_signing_secret": None,
    "slt_channel": None,
    "teams_app_id": APP_ID,
    "dangerously_allow_unauthenticated_requests": True,
}


def test_a_chat_opened_on_one_instance_is_reached_from_the_other(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn
) -> None:
    first, second = bot_factory(**TEAMS), bot_factory(**TEAMS)  # both started before the chat
    teams = TeamsSender(f"{first.base_url}/api/messages", connector.url, first.settle)
    teams.install(user=STAFF, conversation=f"a:{STAFF}", conversation_type="personal")
    before = len(connector.to(f"a:{STAFF}"))

    second.runtime.services.notifier.nudge(STAFF, front_end="teams", version="2026")
    assert len(connector.to(f"a:{STAFF}")) == before + 1
    assert "2026" in connector.to(f"a:{STAFF}")[-1].text
    assert connector.created == []  # the chat the first instance knows, not a new one

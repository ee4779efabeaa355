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


def test_staff_who_opened_a_chat_on_another_instance_are_counted(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn
) -> None:
    settings = {**TEAMS, "teams_slt_users": ["aad-slt-7"]}
    first, second = bot_factory(**settings), bot_factory(**settings)
    on_first = TeamsSender(f"{first.base_url}/api/messages", connector.url, first.settle)
    on_second = TeamsSender(f"{second.base_url}/api/messages", connector.url, second.settle)
    on_first.install(user=STAFF, conversation=f"a:{STAFF}", conversation_type="personal")
    on_second.install(user="aad-slt-7", conversation="a:aad-slt-7", conversation_type="personal")
    on_second.message("acknowledgements", user="aad-slt-7")
    listing = connector.wait_for("a:aad-slt-7", "confirmed").text
    assert STAFF.title() in listing or STAFF in listing

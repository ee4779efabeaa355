"""Staff confirming they know the policy; SLT seeing who has not, and what it fails to answer.

Each listener calls `bot.knowledge.actions` and shows `handlers.present.knowledge`'s card."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.knowledge import actions
from bot.knowledge.actions import NotAllowed
from bot.services import Services
from handlers.present import knowledge as present
from handlers.present.verbs import KnowledgeAction
from handlers.slack import render
from handlers.slack.home import publish_home
from handlers.slack.ids import FRONT_END
from handlers.slack.replies import private
from handlers.slack.views.common import ephemeral_text

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    app.action(KnowledgeAction.ACKNOWLEDGE)(
        lambda ack, body, respond, client: acknowledge_button(ack, body, respond, client, services)
    )
    app.action(KnowledgeAction.NUDGE)(
        lambda ack, body, respond, client: nudge(ack, body, respond, client, services)
    )


def _acknowledge(user: str, services: Services) -> dict[str, Any]:
    confirmed = actions.acknowledge(services, user=user, front_end=FRONT_END)
    return render.render(present.acknowledged_card(confirmed, zone=services.zone))


def acknowledge_command(ack: Ack, command: dict[str, Any], services: Services) -> None:
    ack(**_acknowledge(command["user_id"], services))


def acknowledge_button(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, services: Services
) -> None:
    ack()
    reply = _acknowledge(body["user"]["id"], services)
    if body.get("response_url"):
        respond(**reply, response_type="ephemeral", replace_original=False)
    else:  # from App Home: show it there
        publish_home({"user": body["user"]["id"], "tab": "home"}, client, services)


def staff(client: WebClient) -> list[str]:
    """Every member of the workspace who should know the policy: people, not bots or guests."""
    members: list[str] = []
    for page in client.users_list(limit=200):
        for user in page["members"]:
            if user.get("deleted") or user.get("is_bot") or user["id"] == "USLACKBOT":
                continue
            if user.get("is_restricted") or user.get("is_ultra_restricted"):
                continue
            members.append(user["id"])
    return members


def _outstanding(user: str, client: WebClient, services: Services) -> tuple[list[str], int]:
    everyone = staff(client)
    missing = actions.not_acknowledged(
        services, services.roles, user=user, staff=everyone, front_end=FRONT_END
    )
    return missing, len(everyone)


def acknowledgements(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    """Slack's member list can take a moment: acknowledge first, answer through the response URL."""
    user = command["user_id"]
    try:
        actions.require_slt(services.roles, user)
    except NotAllowed as refused:
        ack(**ephemeral_text(str(refused)))
        return
    ack(**ephemeral_text("Checking who has confirmed the current policy…"))
    missing, total = _outstanding(user, client, services)
    card = present.outstanding_card(missing, total=total, version=services.policy.version)
    respond(**render.render(card), response_type="ephemeral", replace_original=False)


def nudge(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, services: Services
) -> None:
    ack()
    user = body["user"]["id"]
    try:
        missing, _ = _outstanding(user, client, services)
        unreached = actions.nudge(
            services, services.roles, user=user, people=missing, front_end=FRONT_END
        )
    except NotAllowed as refused:
        private(respond, str(refused))
        return
    reply = render.render(present.nudged_card(len(missing) - len(unreached), unreached))
    respond(**reply, response_type="ephemeral", replace_original=False)


def unanswered(ack: Ack, command: dict[str, Any], services: Services) -> None:
    try:
        rows = actions.unanswered(services, services.roles, user=command["user_id"])
    except NotAllowed as refused:
        ack(**ephemeral_text(str(refused)))
        return
    ack(**render.render(present.unanswered_card(rows, zone=services.zone)))

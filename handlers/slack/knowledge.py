"""Staff confirming they know the policy; SLT seeing who has not, and what it fails to answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.knowledge import service as knowledge
from bot.services import Services
from handlers.present.verbs import KnowledgeAction
from handlers.slack.home import publish_home
from handlers.slack.ids import FRONT_END
from handlers.slack.replies import direct_message
from handlers.slack.views import knowledge as views
from handlers.slack.views.common import ephemeral_text
from store.db import session_scope

logger = logging.getLogger(__name__)

NOT_SLT = "Only SLT can see that."


def register(app: App, services: Services) -> None:
    app.action(KnowledgeAction.ACKNOWLEDGE)(
        lambda ack, body, respond, client: acknowledge_button(ack, body, respond, client, services)
    )
    app.action(KnowledgeAction.NUDGE)(
        lambda ack, body, respond, client: nudge(ack, body, respond, client, services)
    )


def _acknowledge(user: str, services: Services) -> dict[str, Any]:
    with session_scope(services.sessions) as session:
        row = knowledge.acknowledge(
            session,
            user_id=user,
            front_end=FRONT_END,
            policies=services.policy.policies,
            now=services.clock.now(),
        )
        return views.acknowledged_message(row, zone=services.zone)


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


def _outstanding(client: WebClient, services: Services) -> tuple[list[str], int]:
    everyone = staff(client)
    with session_scope(services.sessions) as session:
        missing = knowledge.not_acknowledged(
            session,
            staff=everyone,
            front_end=FRONT_END,
            version_key=services.policy.policies.version_key,
        )
    return missing, len(everyone)


def acknowledgements(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    """Slack's member list can take a moment: acknowledge first, answer through the response URL."""
    if not services.roles.is_slt(command["user_id"]):
        ack(**ephemeral_text(NOT_SLT))
        return
    ack(**ephemeral_text("Checking who has confirmed the current policy…"))
    missing, total = _outstanding(client, services)
    respond(
        **views.outstanding_message(missing, total=total, version=services.policy.version),
        response_type="ephemeral",
        replace_original=False,
    )


def nudge(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, services: Services
) -> None:
    ack()
    if not services.roles.is_slt(body["user"]["id"]):
        respond(**ephemeral_text(NOT_SLT), response_type="ephemeral", replace_original=False)
        return
    missing, _ = _outstanding(client, services)
    reminder = views.nudge_message(version=services.policy.version)
    for user in missing:
        direct_message(client, user, reminder)
    respond(**views.nudged_message(len(missing)), response_type="ephemeral", replace_original=False)


def unanswered(ack: Ack, command: dict[str, Any], services: Services) -> None:
    if not services.roles.is_slt(command["user_id"]):
        ack(**ephemeral_text(NOT_SLT))
        return
    with session_scope(services.sessions) as session:
        rows = knowledge.unanswered(session)
    ack(**views.unanswered_message(rows, zone=services.zone))

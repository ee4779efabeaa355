"""App Home and the section buttons on it."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import ActionsBlock, Block

from bot.accounts import actions as accounts
from bot.comments import service as comments
from bot.incidents import service as incidents
from bot.knowledge import actions as knowledge
from bot.services import Services
from handlers.present import accounts as present_accounts
from handlers.present import knowledge as present_knowledge
from handlers.present import policy_versions as present_policy
from handlers.present.verbs import Action
from handlers.slack import health, render, rota, settings
from handlers.slack.ids import FRONT_END
from handlers.slack.views.comments import home_section
from handlers.slack.views.home import home_view, section_modal
from handlers.slack.views.incidents import REPORT_BUTTON, cases_blocks
from store.db import session_scope


def register(app: App, services: Services) -> None:
    app.event("app_home_opened")(lambda event, client: publish_home(event, client, services))
    settings.register(
        app, services, lambda user, client: publish_home({"user": user}, client, services)
    )
    app.action(re.compile(rf"^{re.escape(Action.HOME_SECTION)}\.\d+$"))(
        lambda ack, action, body, client: open_section(ack, action, body, client, services)
    )


def publish_home(event: dict[str, Any], client: WebClient, services: Services) -> None:
    if event.get("tab", "home") != "home":
        return
    policy = services.policy
    user, zone = event["user"], services.zone
    extra: list[Block] = settings.home_blocks(services, user)
    extra.append(ActionsBlock(elements=[REPORT_BUTTON]))
    confirmed = knowledge.acknowledgement(services, user=user, front_end=FRONT_END)
    extra += render.blocks(present_knowledge.home_card(confirmed, zone=zone))
    register = accounts.register(services, services.roles, user=user)
    accounts_card = present_accounts.home_card(register.accounts)
    if accounts_card is not None:
        extra += render.blocks(accounts_card)
    extra += rota.home_blocks(services, user)  # SLT: the week's coverage; anyone: their watch
    with session_scope(services.sessions) as session:
        if services.roles.is_slt(user):
            extra += cases_blocks(incidents.open_cases(session), zone=zone)
            extra += render.blocks(present_policy.upload_home_card())
        if services.roles.is_moderator(user):
            extra += home_section(comments.pending(session), zone=zone, now=services.clock.now())
    extra += health.home_blocks(services, user)  # SLT and administrators only
    view = home_view(sections=policy.topics(), version=policy.version, extra=extra)
    client.views_publish(user_id=event["user"], view=view)


def open_section(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient, services: Services
) -> None:
    ack()
    section = services.policy.section(action["value"])
    if section is not None:
        client.views_open(
            trigger_id=body["trigger_id"],
            view=section_modal(section, version=services.policy.version),
        )

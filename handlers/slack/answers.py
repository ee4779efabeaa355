"""Buttons under an answer: whole section, feedback, Ask SLT, share in channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.ports import DeliveryError
from bot.questions import actions
from bot.questions.actions import CANNOT_PASS_ON, PassedOn, QuestionError
from bot.services import Services
from handlers.present import answers as present
from handlers.present.verbs import Action
from handlers.slack import render
from handlers.slack.replies import private


def register(app: App, services: Services, *, slt_channel: str | None) -> None:
    app.action(Action.WHOLE_SECTION)(
        lambda ack, action, respond: whole_section(ack, action, respond, services)
    )
    app.action(Action.HELPFUL)(
        lambda ack, action, respond: feedback(ack, action, respond, services, helpful=True)
    )
    app.action(Action.NOT_HELPFUL)(
        lambda ack, action, respond: feedback(ack, action, respond, services, helpful=False)
    )
    app.action(Action.ASK_SLT)(
        lambda ack, action, body, respond, client: ask_slt(
            ack, action, body, respond, client, services, slt_channel=slt_channel
        )
    )
    app.action(Action.SHARE)(lambda ack, action, respond: share(ack, action, respond, services))


def whole_section(ack: Ack, action: dict[str, Any], respond: Respond, services: Services) -> None:
    ack()
    section = services.policy.section(action["value"])
    if section is None:
        private(respond, present.SECTION_GONE)
        return
    card = present.section_card(section, version=services.policy.version)
    respond(**render.render(card), response_type="ephemeral", replace_original=False)


def feedback(
    ack: Ack, action: dict[str, Any], respond: Respond, services: Services, *, helpful: bool
) -> None:
    ack()
    found = actions.give_feedback(services, question_id=action["value"], helpful=helpful)
    private(respond, present.feedback_reply(helpful=helpful, found=found))


def ask_slt(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    services: Services,
    *,
    slt_channel: str | None,
) -> None:
    ack()
    if slt_channel is None:
        private(respond, CANNOT_PASS_ON)
        return

    def send(passed: PassedOn) -> None:
        try:
            client.chat_postMessage(
                channel=slt_channel, **render.render(present.slt_question_card(passed))
            )
        except (SlackApiError, SlackClientError, OSError) as error:
            raise DeliveryError(f"chat.postMessage to {slt_channel}: {error}") from error

    try:
        actions.ask_slt(
            services, question_id=action["value"], user_id=body["user"]["id"], send=send
        )
    except QuestionError as error:
        private(respond, str(error))
        return
    private(respond, present.SENT_TO_SLT)


def share(ack: Ack, action: dict[str, Any], respond: Respond, services: Services) -> None:
    ack()
    try:
        answer = actions.to_share(services, question_id=action["value"])
    except QuestionError as error:
        private(respond, str(error))
        return
    respond(
        **render.render(present.shared_card(answer, version=services.policy.version)),
        response_type="in_channel",
        replace_original=False,
    )

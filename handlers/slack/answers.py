"""Buttons under an answer: whole section, feedback, Ask SLT, share in channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.questions import actions
from bot.questions.actions import QuestionError
from bot.services import Services
from handlers.present import answers as present
from handlers.present.verbs import Action
from handlers.slack import render
from handlers.slack.ids import FRONT_END
from handlers.slack.replies import private


def register(app: App, services: Services) -> None:
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
        lambda ack, action, body, respond: ask_slt(ack, action, body, respond, services)
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
    ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    try:
        actions.ask_slt(
            services, question_id=action["value"], user_id=body["user"]["id"], front_end=FRONT_END
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

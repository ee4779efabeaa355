"""Buttons under an answer: whole section, feedback, Ask SLT, share in channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.questions import service as questions
from bot.services import Services
from handlers.present.verbs import Action
from handlers.slack.views import answers as views
from handlers.slack.views.common import ephemeral_text
from store.db import session_scope


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


def _private(respond: Respond, payload: dict[str, Any]) -> None:
    respond(**payload, response_type="ephemeral", replace_original=False)


def whole_section(ack: Ack, action: dict[str, Any], respond: Respond, services: Services) -> None:
    ack()
    section = services.policy.section(action["value"])
    if section is None:
        _private(
            respond,
            ephemeral_text(
                "That section is no longer in the policy; it may have been updated. Ask again."
            ),
        )
        return
    _private(respond, views.section_message(section, version=services.policy.version))


def feedback(
    ack: Ack, action: dict[str, Any], respond: Respond, services: Services, *, helpful: bool
) -> None:
    ack()
    with session_scope(services.sessions) as session:
        found = questions.give_feedback(session, question_id=action["value"], helpful=helpful)
    thanks = (
        "Thanks, glad it helped."
        if helpful
        else ("Thanks for saying. If the policy doesn't settle it, use *Ask SLT*.")
    )
    _private(respond, ephemeral_text(thanks if found else "That question has expired."))


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
    channel = slt_channel
    user_id = body["user"]["id"]
    with session_scope(services.sessions) as session:
        question = questions.get(session, question_id=action["value"])
        if question is None or channel is None:
            _private(respond, ephemeral_text("Sorry, I can't pass that question on."))
            return
        if question.sent_to_slt_at is not None:
            _private(respond, ephemeral_text("That question has already gone to SLT."))
            return
        client.chat_postMessage(
            channel=channel,
            **views.slt_question_message(
                question=question.text, user_id=user_id, best_section=question.best_section
            ),
        )
        questions.send_to_slt(
            session, question_id=question.id, user_id=user_id, now=services.clock.now()
        )
    _private(respond, ephemeral_text(f"Sent to SLT in <#{channel}>. Someone will get back to you."))


def share(ack: Ack, action: dict[str, Any], respond: Respond, services: Services) -> None:
    ack()
    with session_scope(services.sessions) as session:
        question = questions.get(session, question_id=action["value"])
        text = question.text if question else None
    answer = services.policy.ask(text).answer if text else None
    if answer is None or not answer.hits:
        _private(respond, ephemeral_text("That answer has expired; ask again to share it."))
        return
    respond(
        **views.shared_answer_message(answer, version=services.policy.version),
        response_type="in_channel",
        replace_original=False,
    )

"""SLT teaching the bot in Slack: Reply on a question passed on to them, and
`/socialpolicy answers` with Edit, Remove and Still holds on each saved answer.

Each listener reads the button or modal, calls one function of `bot.questions.replies` or
`bot.saved_answers.actions` (which refuse anyone not SLT), and shows the outcome privately.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.questions import replies
from bot.questions.actions import QuestionError
from bot.questions.replies import InvalidReply, ReplyField
from bot.saved_answers import actions
from bot.saved_answers.actions import InvalidForm, SavedAnswerError
from bot.saved_answers.service import Field, SavedForm
from bot.services import Services
from handlers.present import saved_answers as present
from handlers.present.verbs import TeachAction
from handlers.slack import forms, render
from handlers.slack.ids import TeachCallback
from handlers.slack.replies import private
from handlers.slack.views import saved_answers as views
from handlers.slack.views.common import ephemeral_text


def register(app: App, services: Services) -> None:
    app.action(TeachAction.REPLY)(
        lambda ack, body, action, client, respond: open_reply(
            ack, body, action, client, respond, services
        )
    )
    app.view(TeachCallback.REPLY)(
        lambda ack, body, view, client: submit_reply(ack, body, view, client, services)
    )
    app.action(TeachAction.EDIT)(
        lambda ack, body, action, client, respond: open_saved(
            ack, body, action, client, respond, services, edit=True
        )
    )
    app.action(TeachAction.REMOVE)(
        lambda ack, body, action, client, respond: open_saved(
            ack, body, action, client, respond, services, edit=False
        )
    )
    app.view(TeachCallback.EDIT)(lambda ack, body, view: submit_edit(ack, body, view, services))
    app.view(TeachCallback.REMOVE)(lambda ack, body, view: submit_remove(ack, body, view, services))
    app.action(TeachAction.STILL_HOLDS)(
        lambda ack, body, action, respond: still_holds(ack, body, action, respond, services)
    )


def list_saved(ack: Ack, command: dict[str, Any], services: Services) -> None:
    """`/socialpolicy answers`, privately."""
    try:
        saved = actions.listing(services, services.roles, user=command["user_id"])
    except SavedAnswerError as refused:
        ack(**ephemeral_text(str(refused)))
        return
    ack(**render.render_many(present.listing(saved)))


def open_reply(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    try:
        question = replies.open_reply(
            services, services.roles, question_id=str(action["value"]), user=body["user"]["id"]
        )
    except QuestionError as error:
        private(respond, str(error))
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.reply_modal(question))


def submit_reply(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    """Acknowledged with "sending" once the reply is recorded; the modal then says how it went."""
    try:
        result = replies.reply(
            services,
            services.roles,
            question_id=view.get("private_metadata") or "",
            user=body["user"]["id"],
            answer=forms.text(view, ReplyField.ANSWER),
            save=bool(forms.checked(view, ReplyField.SAVE)),
            recorded=lambda: ack(response_action="update", view=views.done("Sending…")),
        )
    except InvalidReply as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    except QuestionError as error:
        ack(response_action="errors", errors={ReplyField.ANSWER: str(error)})
        return
    client.views_update(view_id=view["id"], view=views.done(present.replied(result)))


def open_saved(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
    *,
    edit: bool,
) -> None:
    ack()
    try:
        saved = actions.open_saved(
            services,
            services.roles,
            saved_id=forms.record_id(action.get("value")),
            user=body["user"]["id"],
        )
    except SavedAnswerError as error:
        private(respond, str(error))
        return
    modal = views.edit_modal(saved) if edit else views.remove_modal(saved)
    client.views_open(trigger_id=body["trigger_id"], view=modal)


def submit_edit(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    form = SavedForm(
        question=forms.text(view, Field.QUESTION),
        answer=forms.text(view, Field.ANSWER),
        section=forms.text(view, Field.SECTION),
    )
    try:
        saved = actions.edit(
            services,
            services.roles,
            saved_id=forms.record_id(view.get("private_metadata")),
            user=body["user"]["id"],
            form=form,
        )
    except InvalidForm as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    except SavedAnswerError as error:
        ack(response_action="errors", errors={Field.QUESTION: str(error)})
        return
    ack(response_action="update", view=views.done(present.edited(saved)))


def submit_remove(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    try:
        actions.remove(
            services,
            services.roles,
            saved_id=forms.record_id(view.get("private_metadata")),
            user=body["user"]["id"],
        )
    except SavedAnswerError as error:
        ack(response_action="update", view=views.done(str(error)))
        return
    ack(response_action="update", view=views.done(present.REMOVED))


def still_holds(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    try:
        saved = actions.still_holds(
            services,
            services.roles,
            saved_id=forms.record_id(action.get("value")),
            user=body["user"]["id"],
        )
    except SavedAnswerError as error:
        private(respond, str(error))
        return
    private(respond, present.still_holds(saved))

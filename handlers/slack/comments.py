"""Logging comments and moving them on: the modal, the card's buttons, the pending list."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.comments import actions
from bot.comments.actions import NOT_A_MODERATOR, InvalidForm
from bot.comments.service import CommentError, CommentForm, Field
from bot.services import Services
from handlers.present import comments as present
from handlers.present.verbs import CommentAction
from handlers.slack import forms
from handlers.slack.ids import FRONT_END, CommentCallback
from handlers.slack.replies import private
from handlers.slack.views import comments as views
from handlers.slack.views.common import ephemeral_text, mention

_URL = re.compile(r"https?://[^\s<>|]+")


def register(app: App, services: Services) -> None:
    app.shortcut(CommentCallback.FROM_MESSAGE)(
        lambda ack, shortcut, client, respond: log_from_message(
            ack, shortcut, client, respond, services
        )
    )
    app.action(CommentAction.LOG)(
        lambda ack, body, client, respond: open_from_button(ack, body, client, respond, services)
    )
    app.view(CommentCallback.LOG)(lambda ack, body, view: submit_log(ack, body, view, services))
    app.action(CommentAction.RESPOND)(
        lambda ack, body, action, client, respond: open_respond(
            ack, body, action, client, respond, services
        )
    )
    app.view(CommentCallback.RESPONDED)(
        lambda ack, body, view: submit_responded(ack, body, view, services)
    )
    app.action(CommentAction.ASSIGN)(
        lambda ack, body, action, respond: assign(ack, body, action, respond, services)
    )


def open_log_modal(
    client: WebClient,
    trigger_id: str,
    services: Services,
    *,
    summary: str = "",
    link: str = "",
    account: str | None = None,
) -> None:
    view = views.log_modal(
        accounts=services.comment_accounts(),
        now=services.clock.now(),
        summary=summary,
        link=link,
        account=account,
    )
    client.views_open(trigger_id=trigger_id, view=view)


def log_from_command(
    ack: Ack, command: dict[str, Any], client: WebClient, services: Services
) -> None:
    if not services.roles.is_moderator(command["user_id"]):
        ack(**ephemeral_text(NOT_A_MODERATOR))
        return
    ack()
    open_log_modal(client, command["trigger_id"], services)


def log_from_message(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    ack()
    if not services.roles.is_moderator(shortcut["user"]["id"]):
        private(respond, NOT_A_MODERATOR)
        return
    text = shortcut.get("message", {}).get("text", "")
    link = _URL.search(text)
    open_log_modal(
        client, shortcut["trigger_id"], services, summary=text, link=link.group(0) if link else ""
    )


def open_from_button(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    """Log a comment, from App Home or a message (help, the pending list)."""
    ack()
    if services.roles.is_moderator(body["user"]["id"]):
        open_log_modal(client, body["trigger_id"], services)
    elif body.get("response_url"):  # a message can say why; App Home has nowhere to
        private(respond, NOT_A_MODERATOR)


def _form(view: dict[str, Any]) -> CommentForm:
    return CommentForm(
        platform=forms.choice(view, Field.PLATFORM),
        account=forms.choice(view, Field.ACCOUNT),
        account_other=forms.text(view, Field.ACCOUNT_OTHER),
        kind=forms.choice(view, Field.KIND),
        author=forms.choice(view, Field.AUTHOR),
        link=forms.text(view, Field.LINK),
        received_at=forms.moment(view, Field.RECEIVED_AT),
        summary=forms.text(view, Field.SUMMARY),
        offensive=views.OFFENSIVE in forms.checked(view, Field.OFFENSIVE),
    )


def submit_log(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """Store, then acknowledge, then post the card: a refused form keeps everything typed."""
    try:
        comment = actions.log(
            services,
            services.roles,
            form=_form(view),
            user=body["user"]["id"],
            front_end=FRONT_END,
            submission=forms.submission(body, view),
        )
    except InvalidForm as refused:
        ack(response_action="errors", errors=refused.errors)
        return
    except CommentError as error:
        ack(response_action="errors", errors={Field.SUMMARY: str(error)})
        return
    if comment.offensive:
        ack(response_action="update", view=views.logged_offensive_view(comment))
    else:
        ack()
    actions.post_card(services, comment_id=comment.id)


def open_respond(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    try:
        comment = actions.responding(
            services,
            services.roles,
            comment_id=forms.record_id(action.get("value")),
            user=body["user"]["id"],
        )
    except CommentError as error:
        private(respond, error.describe(mention))
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.respond_modal(comment))


def submit_responded(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    try:
        actions.respond(
            services,
            services.roles,
            comment_id=forms.record_id(view.get("private_metadata")),
            user=body["user"]["id"],
            response=forms.choice(view, Field.RESPONSE),
            note=forms.text(view, Field.NOTE),
            reply=lambda _: ack(),
            submission=forms.submission(body, view),
        )
    except InvalidForm as refused:
        ack(response_action="errors", errors=refused.errors)
    except CommentError as error:
        ack(response_action="errors", errors={Field.RESPONSE: error.describe(mention)})


def assign(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    try:
        comment = actions.assign(
            services,
            services.roles,
            comment_id=forms.record_id(action.get("value")),
            user=body["user"]["id"],
        )
    except CommentError as error:
        private(respond, error.describe(mention))
        return
    private(respond, present.assigned(comment))


def pending(ack: Ack, command: dict[str, Any], services: Services) -> None:
    try:
        waiting = actions.pending(services, services.roles, user=command["user_id"])
    except CommentError as error:
        ack(**ephemeral_text(str(error)))
        return
    ack(**views.pending_message(waiting, zone=services.zone, now=services.clock.now()))

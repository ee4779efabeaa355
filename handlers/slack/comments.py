"""Logging comments and moving them on: the modal, the card's buttons, the pending list."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.comments import reminders
from bot.comments import service as comments
from bot.comments.service import CommentError, CommentForm, Field
from bot.ports import DeliveryError
from bot.services import Services
from handlers.present.verbs import CommentAction
from handlers.slack import forms
from handlers.slack.ids import CommentCallback
from handlers.slack.replies import private
from handlers.slack.views import comments as views
from handlers.slack.views.common import ephemeral_text, mention
from store.db import session_scope

logger = logging.getLogger(__name__)

NOT_A_MODERATOR = (
    "Only the school's social media moderators (and SLT) can do that. If you should be one, "
    "ask whoever runs the bot to add you to MODERATOR_USERS or the moderators' user group."
)
_URL = re.compile(r"https?://[^\s<>|]+")


def register(app: App, services: Services) -> None:
    app.shortcut(CommentCallback.FROM_MESSAGE)(
        lambda ack, shortcut, client, respond: log_from_message(
            ack, shortcut, client, respond, services
        )
    )
    app.action(CommentAction.LOG)(
        lambda ack, body, client: open_from_home(ack, body, client, services)
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
    client: WebClient, trigger_id: str, services: Services, *, summary: str = "", link: str = ""
) -> None:
    view = views.log_modal(
        accounts=services.comment_accounts(),
        now=services.clock.now(),
        summary=summary,
        link=link,
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


def open_from_home(ack: Ack, body: dict[str, Any], client: WebClient, services: Services) -> None:
    ack()
    if services.roles.is_moderator(body["user"]["id"]):
        open_log_modal(client, body["trigger_id"], services)


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
    """Validate, store, then acknowledge: a refused form keeps everything the user typed."""
    user_id = body["user"]["id"]
    if not services.roles.is_moderator(user_id):
        ack(response_action="errors", errors={Field.SUMMARY: NOT_A_MODERATOR})
        return
    form = _form(view)
    now = services.clock.now()
    errors = comments.validate(form, now=now, accounts=services.comment_accounts())
    if errors:
        ack(response_action="errors", errors=errors)
        return
    with session_scope(services.sessions) as session:
        comment = comments.log(
            session, form=form, logged_by=user_id, now=now, calendar=services.calendar
        )
        comment_id = comment.id
    if form.offensive:
        ack(response_action="update", view=views.logged_offensive_view(comment_id))
    else:
        ack()
    reminders.deliver_now(
        sessions=services.sessions,
        comment_id=comment_id,
        notifier=services.notifier,
        policy=services.reminders,
        clock=services.clock,
    )


def open_respond(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    if not services.roles.is_moderator(body["user"]["id"]):
        private(respond, NOT_A_MODERATOR)
        return
    with session_scope(services.sessions) as session:
        comment = comments.get(session, comment_id=int(action["value"]))
    if comment is None or comment.status != "open":
        private(respond, "That comment has already been marked responded.")
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.respond_modal(comment))


def submit_responded(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    user_id = body["user"]["id"]
    response = forms.choice(view, Field.RESPONSE)
    note = forms.text(view, Field.NOTE)
    errors = comments.validate_response(response, note)
    if not services.roles.is_moderator(user_id):
        errors = {Field.RESPONSE: NOT_A_MODERATOR}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    try:
        with session_scope(services.sessions) as session:
            comment = comments.mark_responded(
                session,
                comment_id=int(view["private_metadata"]),
                user_id=user_id,
                response=response or "",
                note=note,
                now=services.clock.now(),
            )
    except CommentError as error:
        ack(response_action="errors", errors={Field.RESPONSE: error.describe(mention)})
        return
    ack()
    _refresh(comment, services)


def assign(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    user_id = body["user"]["id"]
    if not services.roles.is_moderator(user_id):
        private(respond, NOT_A_MODERATOR)
        return
    try:
        with session_scope(services.sessions) as session:
            comment = comments.assign(session, comment_id=int(action["value"]), user_id=user_id)
    except CommentError as error:
        private(respond, error.describe(mention))
        return
    _refresh(comment, services)
    private(respond, f"#{comment.id} is yours: reminders will come to you directly too.")


def _refresh(comment: Any, services: Services) -> None:
    try:
        services.notifier.refresh_card(comment)
    except DeliveryError:
        logger.warning("could not redraw the card for comment %s", comment.id)


def pending(ack: Ack, command: dict[str, Any], services: Services) -> None:
    if not services.roles.is_moderator(command["user_id"]):
        ack(**ephemeral_text(NOT_A_MODERATOR))
        return
    with session_scope(services.sessions) as session:
        waiting = comments.pending(session)
    ack(**views.pending_message(waiting, zone=services.zone, now=services.clock.now()))

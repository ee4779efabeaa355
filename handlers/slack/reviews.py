"""Second opinions in Slack: the draft form, reviewers deciding, the author told.

Each listener reads the form or button and calls `bot.reviews.actions`, which posts the
reviewers' card and tells the author through the notifier.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.reviews import actions
from bot.reviews.actions import InvalidForm
from bot.reviews.service import DraftForm, Field, ReviewError
from bot.services import Services
from handlers.present.verbs import ReviewAction
from handlers.slack import forms
from handlers.slack.ids import FRONT_END, ReviewCallback
from handlers.slack.replies import private
from handlers.slack.views import reviews as views


def register(app: App, services: Services) -> None:
    app.action(ReviewAction.OPEN)(
        lambda ack, body, action, client, respond: open_from_comment(
            ack, body, action, client, respond, services
        )
    )
    app.view(ReviewCallback.SUBMIT)(lambda ack, body, view: submit(ack, body, view, services))
    app.action(ReviewAction.APPROVE)(
        lambda ack, body, action, respond: approve(ack, body, action, respond, services)
    )
    app.action(ReviewAction.SEND_BACK)(
        lambda ack, body, action, client, respond: open_send_back(
            ack, body, action, client, respond, services
        )
    )
    app.view(ReviewCallback.SEND_BACK)(
        lambda ack, body, view: submit_send_back(ack, body, view, services)
    )


def open_from_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=views.draft_modal())


def open_from_comment(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    """From a comment's card: the account and the comment are filled in, for moderators."""
    ack()
    try:
        prefill = actions.prefill(
            services,
            services.roles,
            comment_id=forms.record_id(action.get("value")),
            user=body["user"]["id"],
        )
    except ReviewError as error:
        private(respond, str(error))
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.draft_modal(prefill))


def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    form = DraftForm(
        account=forms.text(view, Field.ACCOUNT),
        context=forms.text(view, Field.CONTEXT),
        draft=forms.text(view, Field.DRAFT),
    )
    metadata = view.get("private_metadata") or ""
    try:
        actions.submit(
            services,
            form=form,
            author=body["user"]["id"],
            comment_id=forms.record_id(metadata) or None,
            front_end=FRONT_END,
            reply=lambda _: ack(),
            submission=forms.submission(body, view),
        )
    except InvalidForm as invalid:
        ack(response_action="errors", errors=invalid.errors)


def _target(value: str) -> tuple[int, int]:
    return forms.target(value)


def approve(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    review_id, version = _target(action["value"])
    try:
        actions.decide(
            services,
            services.roles,
            review_id=review_id,
            version=version,
            reviewer=body["user"]["id"],
            approve=True,
        )
    except ReviewError as error:
        private(respond, str(error))


def open_send_back(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    review_id, _ = _target(action["value"])
    try:
        review = actions.open_send_back(
            services, services.roles, review_id=review_id, user=body["user"]["id"]
        )
    except ReviewError as error:
        private(respond, str(error))
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.send_back_modal(review))


def submit_send_back(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    review_id, version = _target(view["private_metadata"])
    try:
        actions.decide(
            services,
            services.roles,
            review_id=review_id,
            version=version,
            reviewer=body["user"]["id"],
            approve=False,
            notes=forms.text(view, Field.NOTES),
            reply=lambda _: ack(),
            submission=forms.submission(body, view),
        )
    except ReviewError as error:
        ack(response_action="errors", errors={Field.NOTES: str(error)})

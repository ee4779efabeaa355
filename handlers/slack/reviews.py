"""Second opinions in Slack: the draft form, reviewers deciding, the author told."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.comments import service as comments
from bot.reviews import service as reviews
from bot.reviews.service import DraftForm, Field, ReviewError
from bot.services import Services
from handlers.present.verbs import ReviewAction
from handlers.slack import forms
from handlers.slack.ids import ReviewCallback
from handlers.slack.replies import direct_message
from handlers.slack.views import reviews as views
from handlers.slack.views.common import ephemeral_text, mention
from store.db import session_scope
from store.models import DraftReview

NOT_A_REVIEWER = "Only the named reviewers (REVIEWERS) or SLT can decide on a draft."


def register(app: App, services: Services, *, slt_channel: str | None) -> None:
    app.action(ReviewAction.OPEN)(
        lambda ack, body, action, client: open_from_comment(ack, body, action, client, services)
    )
    app.view(ReviewCallback.SUBMIT)(
        lambda ack, body, view, client: submit(
            ack, body, view, client, services, slt_channel=slt_channel
        )
    )
    app.action(ReviewAction.APPROVE)(
        lambda ack, body, action, client, respond: approve(
            ack, body, action, client, respond, services
        )
    )
    app.action(ReviewAction.SEND_BACK)(
        lambda ack, body, action, client, respond: open_send_back(
            ack, body, action, client, respond, services
        )
    )
    app.view(ReviewCallback.SEND_BACK)(
        lambda ack, body, view, client: submit_send_back(ack, body, view, client, services)
    )


def reviewers_mention(services: Services) -> str:
    named = sorted(services.roles.named_reviewers())
    return " ".join(mention(u) for u in named) or "SLT:"


def is_reviewer(user: str, services: Services) -> bool:
    return services.roles.is_reviewer(user)


def open_from_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=views.draft_modal())


def open_from_comment(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, services: Services
) -> None:
    """From a comment's card: the account and the comment are filled in."""
    ack()
    with session_scope(services.sessions) as session:
        comment = comments.get(session, comment_id=int(action["value"]))
    view = (
        views.draft_modal(
            account=comment.account, comment_id=comment.id, context=f"Reply to: {comment.summary}"
        )
        if comment
        else views.draft_modal()
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    services: Services,
    *,
    slt_channel: str | None,
) -> None:
    form = DraftForm(
        account=forms.text(view, Field.ACCOUNT),
        context=forms.text(view, Field.CONTEXT),
        draft=forms.text(view, Field.DRAFT),
    )
    errors = reviews.validate(form)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    metadata = view.get("private_metadata") or ""
    with session_scope(services.sessions) as session:
        review = reviews.submit(
            session,
            form=form,
            author=body["user"]["id"],
            now=services.clock.now(),
            comment_id=int(metadata) if metadata.isdigit() else None,
        )
        review_id = review.id
        card = views.review_card(review, reviewers=reviewers_mention(services))
    ack()
    if slt_channel:
        posted = client.chat_postMessage(channel=slt_channel, **card)
        with session_scope(services.sessions) as session:
            stored = session.get(DraftReview, review_id)
            if stored is not None:
                stored.card_channel, stored.card_ts = posted["channel"], posted["ts"]


def _decide(
    client: WebClient,
    services: Services,
    *,
    review_id: int,
    version: int,
    reviewer: str,
    approve: bool,
    notes: str,
) -> DraftReview:
    with session_scope(services.sessions) as session:
        review = reviews.decide(
            session,
            review_id=review_id,
            version=version,
            reviewer=reviewer,
            approve=approve,
            notes=notes,
            now=services.clock.now(),
        )
    if review.card_channel and review.card_ts:
        client.chat_update(
            channel=review.card_channel,
            ts=review.card_ts,
            **views.review_card(review, reviewers=reviewers_mention(services)),
        )
    direct_message(client, review.author, views.decision_message(review))
    return review


def _target(value: str) -> tuple[int, int]:
    review_id, version = value.split(":")
    return int(review_id), int(version)


def approve(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    user = body["user"]["id"]
    if not is_reviewer(user, services):
        respond(**ephemeral_text(NOT_A_REVIEWER), response_type="ephemeral", replace_original=False)
        return
    review_id, version = _target(action["value"])
    try:
        _decide(
            client,
            services,
            review_id=review_id,
            version=version,
            reviewer=user,
            approve=True,
            notes="",
        )
    except ReviewError as error:
        respond(**ephemeral_text(str(error)), response_type="ephemeral", replace_original=False)


def open_send_back(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    if not is_reviewer(body["user"]["id"], services):
        respond(**ephemeral_text(NOT_A_REVIEWER), response_type="ephemeral", replace_original=False)
        return
    review_id, _ = _target(action["value"])
    with session_scope(services.sessions) as session:
        review = session.get(DraftReview, review_id)
    if review is not None:
        client.views_open(trigger_id=body["trigger_id"], view=views.send_back_modal(review))


def submit_send_back(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    user = body["user"]["id"]
    if not is_reviewer(user, services):
        ack(response_action="errors", errors={Field.NOTES: NOT_A_REVIEWER})
        return
    notes = forms.text(view, Field.NOTES)
    if not notes.strip():
        ack(response_action="errors", errors={Field.NOTES: "Say what should change."})
        return
    ack()
    review_id, version = _target(view["private_metadata"])
    try:
        _decide(
            client,
            services,
            review_id=review_id,
            version=version,
            reviewer=user,
            approve=False,
            notes=notes,
        )
    except ReviewError as error:
        direct_message(client, user, ephemeral_text(str(error)))

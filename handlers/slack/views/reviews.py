"""Second opinions' modals in Slack; their messages are `handlers.present.reviews`' cards."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.views import View

from bot.reviews.actions import NO_PREFILL, Prefill, Review
from bot.reviews.service import DRAFT_LIMIT, TEXT_LIMIT, Field
from handlers.present import reviews as present
from handlers.slack import render
from handlers.slack.ids import ReviewCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import markdown, message

LABELS = present.LABELS


def draft_modal(prefill: Prefill = NO_PREFILL) -> View:
    return View(
        type="modal",
        callback_id=ReviewCallback.SUBMIT,
        title=present.FORM_TITLE,
        submit=present.SUBMIT,
        close="Cancel",
        private_metadata=str(prefill.comment_id or ""),
        blocks=[
            markdown(present.FORM_INTRO),
            inputs.text(Field.ACCOUNT, LABELS[Field.ACCOUNT], limit=200, initial=prefill.account),
            inputs.text(
                Field.CONTEXT,
                LABELS[Field.CONTEXT],
                limit=TEXT_LIMIT,
                optional=True,
                multiline=True,
                initial=prefill.context,
            ),
            inputs.text(Field.DRAFT, LABELS[Field.DRAFT], limit=DRAFT_LIMIT, multiline=True),
        ],
    )


def send_back_modal(review: Review) -> View:
    return View(
        type="modal",
        callback_id=ReviewCallback.SEND_BACK,
        title=present.SEND_BACK,
        submit=present.SEND_BACK,
        close="Cancel",
        private_metadata=f"{review.id}:{review.version}",
        blocks=[inputs.text(Field.NOTES, LABELS[Field.NOTES], limit=TEXT_LIMIT, multiline=True)],
    )


def reminder(review: Review, *, reviewers: str) -> dict[str, Any]:
    """The reminder, addressed as Slack pings the reviewers (`reviewers` is mrkdwn)."""
    text = f"⏰ {reviewers} {render.text(present.reminder(review))}"
    return message(text, [markdown(text)])

"""Second opinions: the draft form, the reviewers' card, and what the author is told."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement
from slack_sdk.models.views import View

from bot.reviews.service import DRAFT_LIMIT, TEXT_LIMIT, Field
from handlers.present.verbs import ReviewAction
from handlers.slack.ids import ReviewCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import escape, markdown, mention, message, quote
from store.models import DraftReview


def draft_modal(*, account: str = "", context: str = "", comment_id: int | None = None) -> View:
    return View(
        type="modal",
        callback_id=ReviewCallback.SUBMIT,
        title="Second opinion",
        submit="Ask for review",
        close="Cancel",
        private_metadata=str(comment_id or ""),
        blocks=[
            markdown(
                "When in doubt, get a second opinion before posting. Anything "
                "that could be controversial needs the Head Teacher's agreement."
            ),
            inputs.text(
                Field.ACCOUNT, "Which account it will go out on", limit=200, initial=account
            ),
            inputs.text(
                Field.CONTEXT,
                "Context (what it answers, why now)",
                limit=TEXT_LIMIT,
                optional=True,
                multiline=True,
                initial=context,
            ),
            inputs.text(Field.DRAFT, "The draft", limit=DRAFT_LIMIT, multiline=True),
        ],
    )


def _value(review: DraftReview) -> str:
    return f"{review.id}:{review.version}"


def review_card(review: DraftReview, *, reviewers: str) -> dict[str, Any]:
    header = (
        f"📝 {reviewers} {mention(review.author)} asks for a second opinion on a post for "
        f"*{escape(review.account)}*"
    )
    blocks: list[Block] = [markdown(header)]
    if review.context:
        blocks.append(markdown(f"*Context:* {escape(review.context)}"))
    blocks.append(markdown(quote(escape(review.draft))))
    if review.status == "pending":
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Approve",
                        action_id=ReviewAction.APPROVE,
                        value=_value(review),
                        style="primary",
                    ),
                    ButtonElement(
                        text="Send back with notes",
                        action_id=ReviewAction.SEND_BACK,
                        value=_value(review),
                    ),
                ]
            )
        )
    else:
        outcome = "✅ Approved" if review.status == "approved" else "↩️ Sent back"
        notes = f": {escape(review.notes)}" if review.notes else ""
        blocks.append(markdown(f"{outcome} by {mention(review.reviewer or '')}{notes}"))
    return message(f"Second opinion requested on a post for {review.account}", blocks)


def send_back_modal(review: DraftReview) -> View:
    return View(
        type="modal",
        callback_id=ReviewCallback.SEND_BACK,
        title="Send back",
        submit="Send back",
        close="Cancel",
        private_metadata=_value(review),
        blocks=[inputs.text(Field.NOTES, "What should change", limit=TEXT_LIMIT, multiline=True)],
    )


def decision_message(review: DraftReview) -> dict[str, Any]:
    if review.status == "approved":
        text = (
            f"Your draft for *{escape(review.account)}* was approved by "
            f"{mention(review.reviewer or '')}: it can go out."
        )
    else:
        text = (
            f"Your draft for *{escape(review.account)}* was sent back by "
            f"{mention(review.reviewer or '')}: {escape(review.notes or '')}"
        )
    return message(text, [markdown(text)])


def reminder(review: DraftReview, *, reviewers: str) -> dict[str, Any]:
    text = f"⏰ {reviewers} this draft from {mention(review.author)} is still waiting for review."
    return message(text, [markdown(text)])

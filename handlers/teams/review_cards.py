"""Second opinions' dialogs in Teams, as Adaptive Cards; the messages are
`handlers.present.reviews`' cards."""

from __future__ import annotations

from typing import Any

from bot.reviews.actions import NO_PREFILL, Prefill, Review
from bot.reviews.service import DRAFT_LIMIT, TEXT_LIMIT, Field
from handlers.present import reviews as present
from handlers.present.verbs import ReviewAction
from handlers.teams import render
from handlers.teams.cards import Card, card, errors_block, text, text_input

DRAFT = "review"  # the draft form's dialog, as the `review` command and comment cards open it
ERROR_LABELS: dict[str, str] = {
    Field.ACCOUNT: "Account",
    Field.DRAFT: "Draft",
    Field.CONTEXT: "Context",
}


def draft_dialog_card(
    prefill: Prefill = NO_PREFILL,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Card:
    values = values or {}
    data: Card = {"dialog": DRAFT}
    if prefill.comment_id is not None:
        data["comment"] = prefill.comment_id
    return card(
        *errors_block(errors or {}, ERROR_LABELS),
        text(present.FORM_INTRO),
        text_input(
            Field.ACCOUNT,
            present.LABELS[Field.ACCOUNT],
            limit=200,
            value=values.get(Field.ACCOUNT, prefill.account),
            required=True,
        ),
        text_input(
            Field.CONTEXT,
            present.LABELS[Field.CONTEXT],
            limit=TEXT_LIMIT,
            value=values.get(Field.CONTEXT, prefill.context),
            multiline=True,
        ),
        text_input(
            Field.DRAFT,
            present.LABELS[Field.DRAFT],
            limit=DRAFT_LIMIT,
            value=values.get(Field.DRAFT, ""),
            required=True,
            multiline=True,
        ),
        actions=[{"type": "Action.Submit", "title": present.SUBMIT, "data": data}],
    )


def send_back_dialog_card(review: Review) -> Card:
    return card(
        text_input(
            Field.NOTES,
            present.LABELS[Field.NOTES],
            limit=TEXT_LIMIT,
            required=True,
            multiline=True,
        ),
        actions=[
            {
                "type": "Action.Submit",
                "title": present.SEND_BACK,
                "data": {
                    "dialog": render.dialog_name(ReviewAction.SEND_BACK),
                    "review": review.id,
                    "version": review.version,
                },
            }
        ],
    )

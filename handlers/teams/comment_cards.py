"""The comment log's dialogs as Adaptive Cards. Their labels are the view model's
(`handlers.present.comments`); the cards and lists themselves are rendered from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.comments import options
from bot.comments.service import CommentFacts, Field
from handlers.present import comments as present
from handlers.present.comments import HINTS, LABELS
from handlers.teams.cards import (
    Card,
    card,
    choice_input,
    errors_block,
    moment_inputs,
    plain,
    text,
    text_input,
)


def log_dialog_card(
    *,
    accounts: list[str],
    now: datetime,
    zone: ZoneInfo,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    values = values or {}
    account_choices = {a: a for a in accounts} | {
        options.OTHER_ACCOUNT: present.OTHER_ACCOUNT_LABEL
    }
    return card(
        *errors_block(errors or {}, LABELS),
        choice_input(
            Field.PLATFORM,
            LABELS[Field.PLATFORM],
            options.PLATFORMS,
            value=values.get(Field.PLATFORM),
        ),
        choice_input(
            Field.ACCOUNT, LABELS[Field.ACCOUNT], account_choices, value=values.get(Field.ACCOUNT)
        ),
        text_input(
            Field.ACCOUNT_OTHER,
            LABELS[Field.ACCOUNT_OTHER],
            limit=options.ACCOUNT_LIMIT,
            value=values.get(Field.ACCOUNT_OTHER, ""),
        ),
        choice_input(Field.KIND, LABELS[Field.KIND], options.KINDS, value=values.get(Field.KIND)),
        choice_input(
            Field.AUTHOR, LABELS[Field.AUTHOR], options.AUTHORS, value=values.get(Field.AUTHOR)
        ),
        text_input(
            Field.LINK,
            LABELS[Field.LINK],
            limit=options.LINK_LIMIT,
            value=values.get(Field.LINK, ""),
        ),
        *moment_inputs(Field.RECEIVED_AT, LABELS[Field.RECEIVED_AT], now, zone),
        text(HINTS[Field.RECEIVED_AT], isSubtle=True, size="Small"),
        text_input(
            Field.SUMMARY,
            LABELS[Field.SUMMARY],
            limit=options.SUMMARY_LIMIT,
            required=True,
            multiline=True,
            value=values.get(Field.SUMMARY, ""),
        ),
        text(HINTS[Field.SUMMARY], isSubtle=True, size="Small"),
        {
            "type": "Input.Toggle",
            "id": Field.OFFENSIVE,
            "title": LABELS[Field.OFFENSIVE],
            "value": "false",
        },
        actions=[{"type": "Action.Submit", "title": "Log it", "data": {"dialog": "log"}}],
    )


def respond_dialog_card(comment: CommentFacts, errors: dict[str, str] | None = None) -> Card:
    return card(
        *errors_block(errors or {}, LABELS),
        text(plain(present.headline(comment)), weight="Bolder"),
        text(plain(comment.summary)),
        choice_input(Field.RESPONSE, LABELS[Field.RESPONSE], options.RESPONSES, expanded=True),
        text_input(Field.NOTE, LABELS[Field.NOTE], limit=options.NOTE_LIMIT, multiline=True),
        actions=[
            {
                "type": "Action.Submit",
                "title": "Save",
                "data": {"dialog": "respond", "comment": comment.id},
            }
        ],
    )

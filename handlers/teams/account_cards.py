"""School accounts' dialogs in Teams, as Adaptive Cards; the messages are
`handlers.present.accounts`' cards. People are chosen with Teams' own people picker."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.accounts.actions import Account, HandoverTask
from bot.accounts.service import TEXT_LIMIT, Field
from bot.comments.options import PLATFORMS
from handlers.present import accounts as present
from handlers.present.forms import needed
from handlers.present.verbs import AccountAction
from handlers.teams import render
from handlers.teams.cards import Card, card, choice_input, errors_block, subtle, text, text_input

LABELS = present.LABELS


def _ref(account: Account) -> dict[str, int]:
    return {"account": account.id, "version": account.version}


def _form(verb: StrEnum) -> str:
    """The dialog a card's button opens, and the name its form submits under."""
    return render.dialog_name(verb)


def _submit(title: str, **data: Any) -> Card:
    return {"type": "Action.Submit", "title": title, "data": data}


def people_picker(
    field: str, label: str, *, value: str = "", multi: bool = False, required: bool = False
) -> Card:
    """Teams' people picker: searches the school's directory, answers with Entra object ids."""
    element: Card = {
        "type": "Input.ChoiceSet",
        "id": field,
        "label": label,
        "choices": [],
        "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
        "isMultiSelect": multi,
        "isRequired": required,
    }
    if required:
        element["errorMessage"] = needed(label)
    if value:
        element["value"] = value
    return element


def apply_dialog_card(
    *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> Card:
    values = values or {}
    return card(
        *errors_block(errors or {}, LABELS),
        text(present.NO_PASSWORDS),
        choice_input(
            Field.PLATFORM, LABELS[Field.PLATFORM], PLATFORMS, value=values.get(Field.PLATFORM)
        ),
        text_input(
            Field.HANDLE,
            LABELS[Field.HANDLE],
            limit=200,
            value=str(values.get(Field.HANDLE) or ""),
            required=True,
        ),
        text_input(
            Field.PURPOSE,
            LABELS[Field.PURPOSE],
            limit=TEXT_LIMIT,
            value=str(values.get(Field.PURPOSE) or ""),
            required=True,
            multiline=True,
        ),
        people_picker(
            Field.LEAD, LABELS[Field.LEAD], value=str(values.get(Field.LEAD) or ""), required=True
        ),
        people_picker(
            Field.MODERATORS,
            LABELS[Field.MODERATORS],
            value=str(values.get(Field.MODERATORS) or ""),
            multi=True,
        ),
        text_input(
            Field.MONITORING,
            LABELS[Field.MONITORING],
            limit=TEXT_LIMIT,
            value=str(values.get(Field.MONITORING) or ""),
            required=True,
            multiline=True,
        ),
        actions=[_submit("Apply", dialog=_form(AccountAction.APPLY))],
    )


def decline_dialog_card(account: Account, errors: dict[str, str] | None = None) -> Card:
    return card(
        *errors_block(errors or {}, LABELS),
        text(render.text(present.declined_form_title(account), str)),
        text_input(
            Field.REASON, LABELS[Field.REASON], limit=TEXT_LIMIT, required=True, multiline=True
        ),
        actions=[_submit("Decline", dialog=_form(AccountAction.DECLINE), **_ref(account))],
    )


def created_dialog_card(
    account: Account,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    values = values or {}
    return card(
        *errors_block(errors or {}, LABELS),
        text_input(
            Field.HANDLE,
            present.CREATED_HANDLE,
            limit=200,
            value=str(values.get(Field.HANDLE) or account.handle),
            required=True,
        ),
        text_input(
            Field.LINK, LABELS[Field.LINK], limit=500, value=str(values.get(Field.LINK) or "")
        ),
        text_input(
            Field.CREDENTIALS,
            LABELS[Field.CREDENTIALS],
            limit=300,
            value=str(values.get(Field.CREDENTIALS) or ""),
            required=True,
        ),
        subtle(present.CREDENTIALS_HINT),
        actions=[_submit("Save", dialog=_form(AccountAction.MARK_CREATED), **_ref(account))],
    )


def handover_dialog_card(task: HandoverTask) -> Card:
    return card(
        text(render.text(present.handover_prompt(task), str)),
        people_picker(Field.NEW_LEAD, LABELS[Field.NEW_LEAD]),
        actions=[_submit("Save", dialog=_form(AccountAction.HANDOVER), handover=task.id)],
    )


def leaver_dialog_card(errors: dict[str, str] | None = None) -> Card:
    return card(
        *errors_block(errors or {}, LABELS),
        text(present.LEAVER_PROMPT),
        people_picker("departed", LABELS["departed"], required=True),
        actions=[_submit("Open handovers", dialog="account_leaver")],
    )

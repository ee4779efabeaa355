"""The seven-day watch's dialogs in Teams, as Adaptive Cards: the rota (a people picker for
each kind of day), an absence, and the school's holidays. The words are
`handlers.present.rota`'s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.rota.days import DAY_KINDS, DayKind
from handlers.present import rota as present
from handlers.present.verbs import RotaAction
from handlers.teams import render
from handlers.teams.account_cards import people_picker
from handlers.teams.cards import Card, card, errors_block, plain, subtle, text, text_input

ROTA = render.dialog_name(RotaAction.OPEN_ROTA)
ABSENCE = render.dialog_name(RotaAction.ABSENCE)
HOLIDAYS = render.dialog_name(RotaAction.HOLIDAYS)
LOGGING = render.dialog_name(RotaAction.LOGGING)  # the check-in's "logging comments" button
DIALOGS = frozenset({ROTA, ABSENCE, HOLIDAYS, LOGGING})
FORMS = frozenset({ROTA, ABSENCE, HOLIDAYS})  # the dialogs that submit a form of their own
ROTA_LABELS = {kind.value: label for kind, label in present.DAY_KIND_LABELS.items()}
HOLIDAYS_LIMIT = 5000


def _submit(title: str, **data: Any) -> Card:
    return {"type": "Action.Submit", "title": title, "data": data}


def rota_dialog_card(
    account: str,
    account_id: int,
    rota: Mapping[DayKind, Sequence[str]],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    """A people picker for each kind of day, filled with the rota (or what was chosen, when
    the form comes back to be corrected)."""
    values = values or {}

    def chosen(kind: DayKind) -> str:
        if kind.value in values:
            return str(values[kind.value] or "")
        return ",".join(rota.get(kind, ()))

    return card(
        *errors_block(errors or {}, ROTA_LABELS),
        text(f"**{plain(account)}**"),
        *(
            people_picker(kind.value, present.DAY_KIND_LABELS[kind], value=chosen(kind), multi=True)
            for kind in DAY_KINDS
        ),
        subtle(present.ROTA_HINT),
        actions=[_submit("Save", dialog=ROTA, account=account_id)],
    )


def absence_dialog_card(
    account: str,
    account_id: int,
    *,
    today: date,
    user: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    values = values or {}
    day: Card = {
        "type": "Input.Date",
        "id": "day",
        "label": present.FIELD_LABELS["day"],
        "value": str(values.get("day") or today.isoformat()),
        "isRequired": True,
        "errorMessage": f"{present.FIELD_LABELS['day']} is needed",
    }
    return card(
        *errors_block(errors or {}, present.FIELD_LABELS),
        text(f"**{plain(account)}**"),
        day,
        people_picker(
            "absent",
            present.FIELD_LABELS["absent"],
            value=str(values.get("absent", user) or ""),
            required=True,
        ),
        people_picker("cover", present.FIELD_LABELS["cover"], value=str(values.get("cover") or "")),
        actions=[_submit("Save", dialog=ABSENCE, account=account_id)],
    )


def holidays_dialog_card(
    current: str, *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> Card:
    typed = (values or {}).get("holidays")
    return card(
        *errors_block(errors or {}, present.FIELD_LABELS),
        text_input(
            "holidays",
            present.FIELD_LABELS["holidays"],
            limit=HOLIDAYS_LIMIT,
            value=str(typed) if typed is not None else current,
            multiline=True,
        ),
        subtle(present.HOLIDAYS_HINT),  # the calendar file is sent to the bot in a message
        actions=[_submit("Save", dialog=HOLIDAYS)],
    )

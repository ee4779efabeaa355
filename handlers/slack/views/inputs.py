"""Modal inputs whose block id and action id are both the domain's field name, so a submitted
form reads back by field (see `handlers.slack.forms`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DatePickerElement,
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)

from handlers.slack.views.common import clip


def options(choices: dict[str, str]) -> list[Option]:
    return [Option(value=value, label=clip(label, 75)) for value, label in choices.items()]


def select(
    field: str, label: str, choices: dict[str, str], initial: str | None = None
) -> InputBlock:
    listed = options(choices)
    chosen = next((o for o in listed if o.value == initial), None)
    return InputBlock(
        block_id=field,
        label=label,
        element=StaticSelectElement(
            action_id=field, options=listed, initial_option=chosen, placeholder="Choose…"
        ),
    )


def radio(field: str, label: str, choices: dict[str, str]) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        element=RadioButtonsElement(action_id=field, options=options(choices)),
    )


def checks(
    field: str,
    label: str,
    choices: dict[str, str],
    *,
    optional: bool = True,
    initial: set[str] | None = None,
) -> InputBlock:
    chosen = [o for o in options(choices) if o.value in (initial or set())]
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        element=CheckboxesElement(
            action_id=field, options=options(choices), initial_options=chosen or None
        ),
    )


def text(
    field: str,
    label: str,
    *,
    limit: int,
    optional: bool = False,
    multiline: bool = False,
    initial: str = "",
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=field,
            multiline=multiline,
            max_length=limit,
            initial_value=clip(initial, limit) or None,
        ),
    )


def moment(field: str, label: str, *, initial: datetime, hint: str | None = None) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        hint=hint,
        element=DateTimePickerElement(action_id=field, initial_date_time=int(initial.timestamp())),
    )


def day(field: str, label: str, *, initial: date | None = None) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        element=DatePickerElement(
            action_id=field, initial_date=initial.isoformat() if initial else None
        ),
    )


def person(
    field: str, label: str, *, optional: bool = False, initial: str | None = None
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        element=UserSelectElement(
            action_id=field, placeholder="Choose someone", initial_user=initial or None
        ),
    )


def people(
    field: str,
    label: str,
    *,
    optional: bool = True,
    initial: Sequence[str] = (),
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        hint=hint,
        element=UserMultiSelectElement(
            action_id=field, placeholder="Choose people", initial_users=list(initial) or None
        ),
    )

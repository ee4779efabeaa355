"""The settings' two dialogs in Teams, as Adaptive Cards: people with Teams' people picker, and
the school's rules. Channels are chosen from inside them, as Teams cannot pick a channel in a
dialog. The words are `handlers.present.settings`'."""

from __future__ import annotations

from typing import Any

from bot.deadlines import UK_REGIONS
from bot.setup.school import DAY_NAMES, DAYS, People, School
from handlers.present import settings as present
from handlers.present.verbs import SetupAction
from handlers.teams import render
from handlers.teams.account_cards import people_picker
from handlers.teams.cards import Card, card, choice_input, errors_block, subtle, text_input

PEOPLE = render.dialog_name(SetupAction.PEOPLE)
SCHOOL = render.dialog_name(SetupAction.SCHOOL)
CHANNELS_HINT = (
    "To choose the SLT or moderators' channel, add the bot to it and say \"use this channel "
    'for SLT" (or "for moderators") there.'
)


def _submit(name: str) -> Card:
    return {"type": "Action.Submit", "title": "Save", "data": {"dialog": name}}


def _time(field: str, value: str) -> Card:
    return {
        "type": "Input.Time",
        "id": field,
        "label": present.LABELS[field],
        "value": value,
        "isRequired": True,
        "errorMessage": f"{present.LABELS[field]} is needed",
    }


def _days(field: str, value: object) -> Card:
    element: Card = {
        "type": "Input.Number",
        "id": field,
        "label": present.LABELS[field],
        "min": 1,
        "max": 36500,
        "isRequired": True,
        "errorMessage": f"{present.LABELS[field]} is needed",
    }
    if str(value).isdigit():  # what was typed comes back as text; anything else is left out
        element["value"] = int(str(value))
    return element


def people_dialog_card(people: People, *, errors: dict[str, str] | None = None) -> Card:
    return card(
        *errors_block(errors or {}, present.LABELS),
        *(
            people_picker(
                field, present.LABELS[field], value=",".join(getattr(people, field)), multi=True
            )
            for field in present.PEOPLE_FIELDS
        ),
        subtle(CHANNELS_HINT),
        actions=[_submit(PEOPLE)],
    )


def school_dialog_card(
    school: School, *, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None
) -> Card:
    """The form, filled with the settings, or with what was typed when it comes back with
    errors."""
    typed = values or {}

    def shown(field: str) -> Any:
        if field in typed:
            return typed[field]
        value = getattr(school, field)
        if field == "accounts":
            return "\n".join(value)
        if field in present.TIME_FIELDS:
            return value.strftime("%H:%M")
        if field == "reminder_thresholds":
            return present.value_text(field, value)
        return value

    return card(
        *errors_block(errors or {}, present.LABELS),
        text_input(
            "accounts",
            present.LABELS["accounts"],
            limit=2000,
            value=str(shown("accounts")),
            multiline=True,
        ),
        subtle(present.HINTS["accounts"]),
        text_input("timezone", present.LABELS["timezone"], limit=64, value=str(shown("timezone"))),
        choice_input(
            "holiday_region",
            present.LABELS["holiday_region"],
            {region: region for region in UK_REGIONS},
            value=shown("holiday_region"),
        ),
        _time("working_day_end", str(shown("working_day_end"))),
        text_input(
            "reminder_thresholds",
            present.LABELS["reminder_thresholds"],
            limit=100,
            value=str(shown("reminder_thresholds")),
        ),
        subtle(present.HINTS["reminder_thresholds"]),
        choice_input(
            "digest_day",
            present.LABELS["digest_day"],
            dict(zip(DAYS, DAY_NAMES, strict=True)),
            value=shown("digest_day"),
        ),
        _time("digest_time", str(shown("digest_time"))),
        *(_days(field, shown(field)) for field in present.RETENTION_FIELDS),
        *(_time(field, str(shown(field))) for field in present.CHECKIN_FIELDS),
        actions=[_submit(SCHOOL)],
    )

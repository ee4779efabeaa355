"""Adaptive Cards (version 1.5) for every Teams surface, validated by the Teams SDK's card model.

Buttons are Universal Actions (`Action.Execute` with a verb) with an `Action.Submit` fallback for
older clients; forms open as dialogs (`task/fetch`). Incidents are drawn from their present view
models (`handlers.teams.render`) and their forms in `handlers.teams.incident_cards`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from microsoft_teams.cards import AdaptiveCard

from handlers.present.forms import needed
from handlers.present.time import duration as duration  # the notifier's alerts use it

Card = dict[str, Any]
Name = Callable[[str], str]
_MARKDOWN = re.compile(r"([\\`*_\[\]#<>|~])")  # no link can form without [ ]


def plain(text: str) -> str:
    """User or document text made inert in a markdown TextBlock: no links, no formatting."""
    return _MARKDOWN.sub(r"\\\1", text)


# Teams' host config shows at most this many top-level actions; the rest must be in its overflow
# menu ("mode": "secondary") or Teams silently drops them.
MAX_ACTIONS = 6


def card(*body: Card, actions: Iterable[Card] = ()) -> Card:
    """A card of version 1.5, or 1.6 when it holds a people picker: its `Data.Query` choices
    are only in the 1.6 schema."""
    elements = list(body)
    built: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.6" if any("choices.data" in e for e in elements) else "1.5",
        "body": elements,
    }
    listed = list(actions)
    if len(listed) > MAX_ACTIONS:  # keep room for the overflow menu's own button
        listed = listed[: MAX_ACTIONS - 1] + [
            {**action, "mode": "secondary"} for action in listed[MAX_ACTIONS - 1 :]
        ]
    if listed:
        built["actions"] = listed
    AdaptiveCard.model_validate(built)  # refuses a malformed card before Teams sees it
    return built


def text(value: str, **style: Any) -> Card:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def heading(value: str) -> Card:
    return text(value, size="Large", weight="Bolder")


def subtle(value: str) -> Card:
    return text(value, isSubtle=True, size="Small")


def execute(title: str, verb: str, **data: Any) -> Card:
    """A Universal Action, falling back to a plain submit where it isn't supported."""
    payload = {"verb": verb, **data}
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload,
        "fallback": {"type": "Action.Submit", "title": title, "data": payload},
    }


def dialog(title: str, name: str, **data: Any) -> Card:
    """A button that opens a dialog (task module)."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {"msteams": {"type": "task/fetch"}, "dialog": name, **data},
    }


def _choices(choices: dict[str, str]) -> list[Card]:
    return [{"title": label, "value": value} for value, label in choices.items()]


def choice_input(
    field: str,
    label: str,
    choices: dict[str, str],
    *,
    value: Any = None,
    required: bool = True,
    multi: bool = False,
    expanded: bool = False,
) -> Card:
    element: Card = {
        "type": "Input.ChoiceSet",
        "id": field,
        "label": label,
        "choices": _choices(choices),
        "isRequired": required,
        "isMultiSelect": multi,
        "style": "expanded" if expanded or multi else "compact",
    }
    if required:
        element["errorMessage"] = needed(label)
    if value:
        element["value"] = value
    return element


def text_input(
    field: str,
    label: str,
    *,
    limit: int,
    value: str = "",
    required: bool = False,
    multiline: bool = False,
) -> Card:
    element: Card = {
        "type": "Input.Text",
        "id": field,
        "label": label,
        "maxLength": limit,
        "isRequired": required,
        "isMultiline": multiline,
    }
    if required:
        element["errorMessage"] = needed(label)
    if value:
        element["value"] = value[:limit]
    return element


def moment_inputs(field: str, label: str, value: datetime, zone: ZoneInfo) -> list[Card]:
    local_value = value.astimezone(zone)
    return [
        {
            "type": "Input.Date",
            "id": f"{field}_date",
            "label": f"{label} (date)",
            "value": local_value.strftime("%Y-%m-%d"),
            "isRequired": True,
            "errorMessage": needed(f"{label} (date)"),
        },
        {
            "type": "Input.Time",
            "id": f"{field}_time",
            "label": f"{label} (time)",
            "value": local_value.strftime("%H:%M"),
            "isRequired": True,
            "errorMessage": needed(f"{label} (time)"),
        },
    ]


def errors_block(errors: dict[str, str], labels: dict[str, str]) -> list[Card]:
    if not errors:
        return []
    lines = "\n".join(f"- **{labels.get(f, f)}**: {plain(m)}" for f, m in errors.items())
    return [text(f"Please check:\n{lines}", color="Attention")]


def note_card(message: str) -> Card:
    return card(text(message))


def alert_card(message: str) -> Card:
    return card(text(message, weight="Bolder"))

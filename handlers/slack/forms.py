"""Reading a submitted modal's values, whatever kind of input each block holds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = view.get("state", {}).get("values", {}).get(block_id, {})
    return next(iter(block.values()), {})


def text(view: dict[str, Any], block_id: str) -> str:
    return _element(view, block_id).get("value") or ""


def choice(view: dict[str, Any], block_id: str) -> str | None:
    selected = _element(view, block_id).get("selected_option")
    return selected.get("value") if selected else None


def checked(view: dict[str, Any], block_id: str) -> set[str]:
    return {o["value"] for o in _element(view, block_id).get("selected_options") or []}


def moment(view: dict[str, Any], block_id: str) -> datetime | None:
    stamp = _element(view, block_id).get("selected_date_time")
    return datetime.fromtimestamp(int(stamp), UTC) if stamp is not None else None


def values(view: dict[str, Any]) -> dict[str, Any]:
    """Every input's value by block id, read according to the kind of input it is."""
    read: dict[str, Any] = {}
    for block_id, elements in view.get("state", {}).get("values", {}).items():
        element: dict[str, Any] = next(iter(elements.values()), {})
        kind = element.get("type")
        if kind == "users_select":
            read[block_id] = element.get("selected_user")
        elif kind == "multi_users_select":
            read[block_id] = tuple(element.get("selected_users") or ())
        elif kind in ("checkboxes", "multi_static_select"):
            read[block_id] = checked(view, block_id)
        elif kind in ("static_select", "radio_buttons"):
            read[block_id] = choice(view, block_id)
        elif kind == "datetimepicker":
            read[block_id] = moment(view, block_id)
        else:
            read[block_id] = text(view, block_id)
    return read

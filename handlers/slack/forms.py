"""Reading a submitted modal's values, whatever kind of input each block holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot import validation
from bot.submissions import Key
from handlers.slack.ids import FRONT_END


def register(app: App) -> None:
    """Before any listener: text that can't be stored is refused on forms, stripped elsewhere."""
    app.middleware(refuse_unsafe_text)


def refuse_unsafe_text(req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
    """A modal with such text comes back with the message under each field; in anything else
    (a command's text, a message, a button's value) the text is cleaned, as for questions."""
    body = req.body
    if body.get("type") == "view_submission" and isinstance(body.get("view"), dict):
        typed = {
            block_id: element.get("value")
            for block_id, elements in (body["view"].get("state") or {}).get("values", {}).items()
            for element in elements.values()
            if isinstance(element, dict)
        }
        errors = validation.text_errors(typed)
        if errors:
            answer = {"response_action": "errors", "errors": errors}
            return BoltResponse(
                status=200,
                body=json.dumps(answer),
                headers={"content-type": "application/json;charset=utf-8"},
            )
    req.body = validation.cleaned(body)
    next()
    return None


def record_id(value: Any) -> int:
    """A record's id from a button's value or a modal's metadata; 0 (no such record, so "no
    longer available") for anything that is not one."""
    return validation.record_id(value) or 0


def target(value: Any) -> tuple[int, int]:
    """A record's id and version, as `id:version` in a button's value or a modal's metadata."""
    record, _, version = str(value or "").partition(":")
    return record_id(record), record_id(version)


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


def day(view: dict[str, Any], block_id: str) -> date | None:
    """A datepicker's day; None if none was chosen or it is not a date."""
    chosen = _element(view, block_id).get("selected_date")
    try:
        return date.fromisoformat(str(chosen)) if chosen else None
    except ValueError:
        return None


def files(view: dict[str, Any], block_id: str) -> list[dict[str, Any]]:
    """A file input's files, as Slack describes them (name, size, url_private_download…)."""
    return list(_element(view, block_id).get("files") or [])


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
        elif kind == "datepicker":
            read[block_id] = day(view, block_id)
        elif kind == "conversations_select":
            read[block_id] = element.get("selected_conversation")
        elif kind == "timepicker":
            read[block_id] = element.get("selected_time")
        else:
            read[block_id] = text(view, block_id)
    return read


def submission(body: dict[str, Any], view: dict[str, Any]) -> Key:
    """Who submitted which opening of a modal: Slack's view id is the same in a retry or a
    replay of the same submission, and new each time a modal is opened."""
    return Key(FRONT_END, body["user"]["id"], view["callback_id"], view["id"])

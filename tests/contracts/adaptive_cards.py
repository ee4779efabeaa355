"""Adaptive Cards against Microsoft's published schema of the version each declares, and
what Teams itself adds: its host config's action limit, verbs on `Action.Execute`, an
`errorMessage` on every required input, and no markdown Teams does not render."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator

HERE = Path(__file__).resolve().parent / "teams"
MAX_ACTIONS = json.loads((HERE / "host-config-microsoft-teams-light.json").read_text())["actions"][
    "maxActions"
]
CODE_SPAN = re.compile(r"(?<!\\)`")
INPUTS = {
    "Input.Text",
    "Input.ChoiceSet",
    "Input.Date",
    "Input.Time",
    "Input.Number",
    "Input.Toggle",
}


@cache
def _validator(version: str) -> Draft6Validator:
    schema = json.loads((HERE / f"adaptive-card-{version}.0.json").read_text())
    return Draft6Validator(schema)


def _walk(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *(n for value in node.values() for n in _walk(value))]
    if isinstance(node, list):
        return [n for item in node for n in _walk(item)]
    return []


def problems(card: dict[str, Any]) -> list[str]:
    """Everything wrong with one card, as Teams would see it."""
    version = str(card.get("version"))
    if version not in ("1.5", "1.6"):
        return [f"card version {version!r}: Teams supports up to 1.6; we use 1.5 or 1.6"]
    found = [
        f"schema {version}: {error.message[:200]}"
        for error in _validator(version).iter_errors(card)
    ]
    shown = [a for a in card.get("actions") or [] if a.get("mode") != "secondary"]
    if len(shown) > MAX_ACTIONS:
        found.append(f"{len(shown)} top-level actions (Teams shows {MAX_ACTIONS})")
    for node in _walk(card):
        kind = node.get("type")
        if kind == "Action.Execute" and not node.get("verb"):
            found.append(f"Action.Execute {node.get('title')!r} has no verb")
        if kind in INPUTS and node.get("isRequired") and not node.get("errorMessage"):
            found.append(f"required {kind} {node.get('id')!r} has no errorMessage")
        if kind == "TextBlock" and CODE_SPAN.search(str(node.get("text", ""))):
            found.append(f"code span in {node.get('text')!r}: Teams does not render it")
    return found


CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"


def invoke_problems(name: str, body: Any) -> list[str]:
    """An invoke response against the shape Teams documents for it: a dialog's `task` (continue
    with a card, or a message) and a Universal Action's `statusCode`, `type` and `value`."""
    if name in ("task/fetch", "task/submit"):
        task = body.get("task") if isinstance(body, dict) else None
        if not isinstance(task, dict) or task.get("type") not in ("continue", "message"):
            return [f"{name}: no task of type continue or message in {str(body)[:200]}"]
        if task["type"] == "message":
            return [] if isinstance(task.get("value"), str) else [f"{name}: message without text"]
        card = (task.get("value") or {}).get("card") or {}
        if card.get("contentType") != CARD_TYPE or not isinstance(card.get("content"), dict):
            return [f"{name}: continue without an Adaptive Card attachment"]
        return []
    if name == "adaptiveCard/action":
        if not isinstance(body, dict) or body.get("statusCode") != 200:
            return [f"{name}: statusCode is not 200 in {str(body)[:200]}"]
        if body.get("type") == CARD_TYPE and isinstance(body.get("value"), dict):
            return []
        if body.get("type") == MESSAGE_TYPE and isinstance(body.get("value"), str):
            return []
        return [f"{name}: value is neither a card nor a message"]
    return []

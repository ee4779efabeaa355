"""Checks shared by every form, and the rules for text from people, the same in every front end.

Text reaches the database and the platforms' APIs: a NUL byte or a lone UTF-16 surrogate is
refused by both (PostgreSQL rejects NUL, and a surrogate cannot be encoded as UTF-8), so such
text is refused with a message on forms and stripped from free text such as questions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_WEB_LINK = re.compile(r"^https?://[^\s<>|]+\.[^\s<>|]+$", re.IGNORECASE)
# Control characters other than tab and newlines, lone surrogates, and the non-characters.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
UNSAFE_TEXT = "This has characters that can't be stored. Retype it without them."
MAX_TEXT = 10_000  # longer than any form allows: more is never a person typing
TOO_LONG = f"Keep this under {MAX_TEXT:,} characters."
MAX_ID = 2**31 - 1  # the database's integer ids


def is_web_link(text: str) -> bool:
    """An http(s) address that can be shown as a link without breaking the message around it."""
    return bool(_WEB_LINK.match(text))


def text_problem(text: str) -> str | None:
    """What is wrong with a piece of typed text, or None when it can be stored and shown."""
    if _UNSAFE.search(text):
        return UNSAFE_TEXT
    if len(text) > MAX_TEXT:
        return TOO_LONG
    return None


def text_errors(fields: Mapping[str, Any]) -> dict[str, str]:
    """Each text field's problem, by field name (non-text values are not looked at)."""
    found = {}
    for name, value in fields.items():
        problem = text_problem(value) if isinstance(value, str) else None
        if problem:
            found[name] = problem
    return found


def clean(text: str) -> str:
    """Free text with what can't be stored taken out (for questions, where asking back would
    only get in the way)."""
    return _UNSAFE.sub("", text)[:MAX_TEXT]


def cleaned(value: Any) -> Any:
    """Every string inside `value` (dicts and lists too), cleaned."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {cleaned(k): cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v) for v in value]
    return value


def record_id(value: Any) -> int | None:
    """A record's id as sent back by a button or form: a positive whole number the database can
    hold, or None for anything else (letters, a list, a 40-digit number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None

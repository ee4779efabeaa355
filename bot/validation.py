"""Checks shared by every form."""

from __future__ import annotations

import re

_WEB_LINK = re.compile(r"^https?://[^\s<>|]+\.[^\s<>|]+$", re.IGNORECASE)


def is_web_link(text: str) -> bool:
    """An http(s) address that can be shown as a link without breaking the message around it."""
    return bool(_WEB_LINK.match(text))

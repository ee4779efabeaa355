"""Sentences every form shares, whichever platform shows it."""

from __future__ import annotations


def needed(label: str) -> str:
    """What a required field says when it is left empty."""
    return f"{label}: please fill this in."

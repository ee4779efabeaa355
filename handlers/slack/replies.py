"""How a listener answers one person privately, where they are."""

from __future__ import annotations

from slack_bolt import Respond

from handlers.slack.views.common import ephemeral_text


def private(respond: Respond, text: str) -> None:
    """A reply only the person who acted can see, leaving the original message as it was."""
    respond(**ephemeral_text(text), response_type="ephemeral", replace_original=False)

"""What a message shows once retention has erased the record it carried: nothing of it."""

from __future__ import annotations

from handlers.present.model import Card

WHAT = {"comment": "comment", "review": "draft"}


def erased_card(record: str) -> Card:
    """The same card for every message of every erased record: nothing left to tell them apart."""
    what = WHAT.get(record, "record")
    return Card(
        summary=f"This {what} was removed",
        lines=((f"This {what} has passed the school's retention period and was removed.",),),
    )

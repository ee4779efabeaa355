"""What every reader drops before sections are built: text that is on the page but is not policy."""

from __future__ import annotations

from collections.abc import Sequence

from bot.policy.reading.blocks import Block


def clean(blocks: Sequence[Block]) -> list[Block]:
    return list(blocks)

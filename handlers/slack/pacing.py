"""Spacing messages to one channel: Slack accepts about one message per second per channel.

Waiting here, rather than sending and being rate limited, means a burst of reminders all
arrive, in order, instead of some failing. Each message reserves the next free slot of its
channel under a short lock and then waits outside it, so a wait for one channel never holds up
another channel (or a listener answering someone).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Pacer:
    def __init__(
        self,
        interval: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        """Return once a message may go to `channel` without exceeding the rate."""
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next.get(channel, now))
            self._next[channel] = slot + self.interval
        if slot > now:
            self._sleep(slot - now)

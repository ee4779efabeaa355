"""Spacing messages to one channel: Slack accepts about one message per second per channel.

Waiting here, rather than sending and being rate limited, means a burst of reminders all
arrive, in order, instead of some failing.
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
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        """Return once a message may go to `channel` without exceeding the rate."""
        with self._lock:
            last = self._last.get(channel)
            if last is not None:
                gap = self._monotonic() - last
                if gap < self.interval:
                    self._sleep(self.interval - gap)
            self._last[channel] = self._monotonic()

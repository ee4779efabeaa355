"""Spacing messages to one channel: Slack accepts about one message per second per channel.

Waiting here, rather than sending and being rate limited, means a burst of reminders all
arrive, in order, instead of some failing. Each message reserves the next free slot of its
channel under a short lock and then waits outside it, so a wait for one channel never holds up
another channel (or a listener answering someone).

A listener thread is needed to answer the next person within Slack's 3 seconds, so it never
waits long: a delivery the database will offer again (a claimed one, see `bot.notices`) whose
channel is booked further ahead than `LISTENER_PATIENCE` is left to the next sweep, which may
wait. Otherwise a burst of cards to one channel would fill the listener pool with sleeping
threads and the acknowledgements would queue behind them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from bot.ports import DELIVERY, DeliveryDeferred
from store.tenancy import ContextExecutor

LISTENER_PATIENCE = 2.0  # seconds a listener thread may wait for its channel's slot
# Threads are made only as they are needed. One waiting its turn on a busy channel for a message
# the sweep does not send keeps its thread, so a burst may need many; the next person must still
# find a free one at once.
LISTENER_THREADS = 2048

_thread = threading.local()


def listener_pool(threads: int = LISTENER_THREADS) -> ContextExecutor:
    """The pool Bolt runs each listener on, and whatever it does after `ack()`; its threads are
    known to be answering someone. Bolt's default of 5 threads is taken by five slow deliveries,
    and the next request then waits for a thread past Slack's 3-second limit."""
    return ContextExecutor(
        threads, thread_name_prefix="slack-listener", initializer=answering_thread
    )


def answering_thread() -> None:
    """Mark the calling thread as one that answers people (a pool's initializer)."""
    _thread.answering = True


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
        """Return once a message may go to `channel` without exceeding the rate; raise
        `DeliveryDeferred` instead if a listener would wait too long for a delivery that can
        be left to the sweep."""
        patience = (
            LISTENER_PATIENCE
            if getattr(_thread, "answering", False) and DELIVERY.get() is not None
            else None
        )
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next.get(channel, now))
            if patience is not None and slot - now > patience:
                raise DeliveryDeferred(f"{channel} is busy for {slot - now:.0f} s")
            self._next[channel] = slot + self.interval
        if slot > now:
            self._sleep(slot - now)

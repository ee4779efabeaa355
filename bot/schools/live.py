"""What each school's requests and sweeps are answered from (its settings, its live policy),
made at the school's first use and kept for the process's life."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from store import tenancy

T = TypeVar("T")


class PerSchool(Generic[T]):
    """One `T` per school: `get()` gives the one of the school in scope (`store.tenancy`).

    `make` runs inside that school's scope, once per school however many ask at once."""

    def __init__(self, make: Callable[[int], T]) -> None:
        self._make = make
        self._made: dict[int, T] = {}
        self._making = threading.Lock()

    def get(self) -> T:
        school = tenancy.current()
        made = self._made.get(school)
        if made is not None:
            return made
        with self._making:
            made = self._made.get(school)
            if made is None:
                made = self._made[school] = self._make(school)
            return made

    def made(self) -> list[T]:
        """Those made so far, for every school seen."""
        return list(self._made.values())

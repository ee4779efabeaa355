"""Which school a Teams tenant is: the first school for a deployment registered for one tenant
(TEAMS_TENANT_ID), or each tenant its own school for a multi-tenant app.

The answer for a tenant never changes once found, so it is kept for the process's life and
the database is asked once per tenant.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.schools import service
from store import tenancy
from store.tenancy import FIRST_SCHOOL

SchoolOf = Callable[[str | None], int | None]


def one_tenant(sessions: sessionmaker[Session], tenant: str) -> SchoolOf:
    """Every activity is the first school's, as before a deployment could serve a trust; its
    tenant is recorded on the first school (once), so it can later grow into a trust's."""
    service.note_first(sessions, service.teams_key(tenant.strip().lower()))
    return lambda _tenant: FIRST_SCHOOL


def each_tenant(
    sessions: sessionmaker[Session], clock: Clock, *, ready: Callable[[], object] = lambda: None
) -> SchoolOf:
    """Each tenant's own school, made the first time it is seen (the first tenant seen takes
    the first school). An activity naming no tenant has none: None. `ready` runs in a school's
    scope when this process first finds it, before any listener: what is made at a school's
    first use (its live policy, imported into a new school) is made outside the listeners'
    transactions, which on SQLite would hold the one writer it waits for."""
    known: dict[str, int] = {}
    lock = threading.Lock()

    def school_of(tenant: str | None) -> int | None:
        if not tenant:
            return None
        with lock:
            found = known.get(tenant)
        if found is not None:
            return found
        school = service.school_for(sessions, service.teams_key(tenant), name=None, now=clock.now())
        with tenancy.scope(school):
            ready()
        with lock:
            known[tenant] = school
        return school

    return school_of

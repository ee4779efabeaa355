"""Who may do what: moderators, SLT, administrators, reviewers and who sets the bot up, from user
ids and/or user groups.

User group membership is looked up through a function the front end supplies (Slack's
usergroups.users.list) and cached, so a role check costs nothing on most requests.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.setup.school import People
from store import tenancy

logger = logging.getLogger(__name__)

GROUP_CACHE_TTL = timedelta(minutes=5)


class LookupFailed(Exception):
    """A user group's members could not be fetched."""


@dataclass
class Roles:
    """Each check reads the school's settings as they are now (`people`), so a change made in
    chat holds from the next request, on every instance."""

    people: Callable[[], People]
    members_of: Callable[[str], Iterable[str]]
    clock: Clock
    workspace_admin: Callable[[str], bool] = lambda user: False
    # By school and group: a school may name any group id, and must only see its own's members.
    _cache: dict[tuple[int, str], tuple[datetime, frozenset[str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def slt(self) -> frozenset[str]:
        return frozenset(self.people().slt)

    @property
    def moderators(self) -> frozenset[str]:
        return frozenset(self.people().moderators)

    @property
    def admins(self) -> frozenset[str]:
        return frozenset(self.people().admins)

    @property
    def reviewers(self) -> frozenset[str]:
        return frozenset(self.people().reviewers)

    def _group(self, group: str | None) -> frozenset[str]:
        if group is None:
            return frozenset()
        now = self.clock.now()
        key = (tenancy.current(), group)
        with self._lock:
            cached = self._cache.get(key)
        if cached and now - cached[0] < GROUP_CACHE_TTL:
            return cached[1]
        try:
            members = frozenset(self.members_of(group))
        except LookupFailed:
            logger.warning("could not look up user group %s; using what was known", group)
            return cached[1] if cached else frozenset()
        with self._lock:
            self._cache[key] = (now, members)
        return members

    def is_slt(self, user_id: str) -> bool:
        return user_id in self.slt or user_id in self._group(self.people().slt_group)

    def is_moderator(self, user_id: str) -> bool:
        """Moderators, and SLT, who oversee them."""
        return (
            user_id in self.moderators
            or user_id in self._group(self.people().moderator_group)
            or self.is_slt(user_id)
        )

    def is_admin(self, user_id: str) -> bool:
        """The school's account administrators, who create and hand over accounts."""
        return user_id in self.admins

    def is_reviewer(self, user_id: str) -> bool:
        """Named reviewers give second opinions; SLT always may."""
        return user_id in self.reviewers or self.is_slt(user_id)

    def named_reviewers(self) -> frozenset[str]:
        """Who is asked for a second opinion: the named reviewers, else SLT."""
        return self.reviewers or self.slt

    def slt_members(self) -> frozenset[str]:
        return self.slt | self._group(self.people().slt_group)

    def can_set_up(self, user_id: str) -> bool:
        """Who may change the school's settings: those named for it, and the workspace's own
        administrators (who installed the app, or could have)."""
        return user_id in self.people().setup_admins or self.workspace_admin(user_id)

"""Everything a front end needs from the domain, built once at start-up and handed to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.accounts import service as accounts
from bot.clock import Clock
from bot.comments.reminders import ReminderPolicy
from bot.deadlines import WorkingCalendar
from bot.health.service import HealthSetup
from bot.incidents.reminders import IncidentTimers
from bot.incidents.service import engaged_section
from bot.policy.service import PolicyService
from bot.ports import Notifier
from bot.roles import Roles
from store.db import read_scope


@dataclass(frozen=True)
class Services:
    zone: ZoneInfo
    school_accounts: tuple[str, ...]
    sessions: sessionmaker[Session]
    policy: PolicyService
    clock: Clock
    roles: Roles
    calendar: WorkingCalendar
    reminders: ReminderPolicy
    incident_timers: IncidentTimers
    notifier: Notifier
    health: HealthSetup = field(default_factory=HealthSetup)  # read by the health view

    def comment_accounts(self) -> list[str]:
        """The accounts a comment can be logged against: the register's live ones, then any
        configured in SCHOOL_ACCOUNTS."""
        with read_scope(self.sessions) as session:
            return accounts.comment_accounts(session, list(self.school_accounts))

    def policy_section(self, kind: str) -> str | None:
        """The section of the school's policy an incident of this kind engages."""
        return engaged_section(self.policy, kind)

"""Everything a front end needs from the domain, built once at start-up and handed to it.

What the school sets in chat (time zone, calendar, reminder times, people) is read from `school`
at each use, so a change holds from the next request, on every instance. A deployment can serve
many schools: `school` and `policy` are those of the school in scope (`store.tenancy`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.accounts import service as accounts
from bot.clock import Clock
from bot.comments.reminders import ReminderPolicy
from bot.deadlines import WorkingCalendar
from bot.incidents.reminders import IncidentTimers
from bot.incidents.service import engaged_section
from bot.policy.live import LivePolicy
from bot.ports import Notifier
from bot.roles import Roles
from bot.schools.live import PerSchool
from bot.setup.live import LiveSchool
from bot.setup.school import School
from store.db import read_scope


@dataclass(frozen=True)
class IncidentWindows:
    """How long SLT have to acknowledge a case, and when a case or a platform report is chased:
    fixed for the deployment."""

    ack: timedelta
    urgent_ack: timedelta
    stale: timedelta
    platform_chase: timedelta


@dataclass(frozen=True)
class Services:
    sessions: sessionmaker[Session]
    policies: PerSchool[LivePolicy]
    clock: Clock
    roles: Roles
    notifier: Notifier
    schools: PerSchool[LiveSchool]
    sweep_interval: timedelta
    incident_windows: IncidentWindows

    @property
    def school(self) -> LiveSchool:
        return self.schools.get()

    @property
    def policy(self) -> LivePolicy:
        return self.policies.get()

    @property
    def settings(self) -> School:
        return self.school.get()

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    @property
    def school_accounts(self) -> tuple[str, ...]:
        return self.settings.accounts

    @property
    def calendar(self) -> WorkingCalendar:
        return self.school.derived(
            "calendar",
            lambda s: WorkingCalendar(
                zone=s.zone, region=s.holiday_region, day_end=s.working_day_end
            ),
        )

    @property
    def reminders(self) -> ReminderPolicy:
        return ReminderPolicy(
            thresholds=self.settings.reminder_thresholds, sweep_interval=self.sweep_interval
        )

    @property
    def incident_timers(self) -> IncidentTimers:
        windows = self.incident_windows
        return IncidentTimers(
            ack=windows.ack,
            urgent_ack=windows.urgent_ack,
            stale=windows.stale,
            platform_chase=windows.platform_chase,
            has_media_contacts=self.settings.has_media_contacts,
        )

    def comment_accounts(self) -> list[str]:
        """The accounts a comment can be logged against: the register's live ones, then those
        the school named in its settings."""
        with read_scope(self.sessions) as session:
            return accounts.comment_accounts(session, list(self.school_accounts))

    def policy_section(self, kind: str) -> str | None:
        """The section of the school's policy an incident of this kind engages."""
        return engaged_section(self.policy, kind)

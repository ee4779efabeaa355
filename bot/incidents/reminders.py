"""Everything a case owes, delivered by the sweep and recorded once Slack accepted it.

Right after a report: its card for SLT, the reporter's confirmation, DMs to every SLT member when
a child may be at risk, and the media spokespeople for press contact. After each step: the card
redrawn, the step in the card's thread, and the reporter told of a new status. Over time: SLT
re-pinged once per acknowledgement window until someone takes the lead, the lead reminded when
the case sits idle, and a report to the platform chased until its answer is recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import sweeps
from bot.clock import Clock
from bot.incidents.service import MEDIA_KIND, Status
from bot.ports import DeliveryError, Notifier
from store.models import AuditEvent, Incident, IncidentNotice

logger = logging.getLogger(__name__)

STEP_ACTIONS = frozenset(
    {
        "took_lead",
        "assessed",
        "escalated",
        "platform_outcome",
        "resolved",
        "reopened",
        "handed_off",
        "legal_hold",
    }
)


@dataclass(frozen=True)
class IncidentTimers:
    ack: timedelta
    urgent_ack: timedelta
    stale: timedelta
    platform_chase: timedelta
    has_media_contacts: bool

    def ack_window(self, incident: Incident) -> timedelta:
        return self.urgent_ack if incident.urgent else self.ack


def reporter_status(status: str) -> str:
    """What the reporter is told of a case's status: where their report stands, never what is
    in it."""
    if status == Status.RESOLVED:
        return "resolved"
    if status == Status.REPORTED:
        return "received"
    return "in hand"


def _every(start: datetime, period: timedelta, now: datetime) -> int:
    """How many whole periods have passed since `start`."""
    return int((now - start) / period) if now >= start else 0


@dataclass
class _Case:
    """One case being delivered: what was sent, what is owed, when the next thing falls due."""

    session: Session
    incident: Incident
    notifier: Notifier
    timers: IncidentTimers
    section: str | None
    now: datetime
    sent: set[str]
    delivered: int = 0

    def record(self, kind: str) -> None:
        self.session.add(IncidentNotice(incident_id=self.incident.id, kind=kind, sent_at=self.now))
        self.sent.add(kind)
        self.delivered += 1

    def once(self, kind: str, send: Callable[[], object]) -> None:
        if kind not in self.sent:
            send()
            self.record(kind)


def _steps(session: Session, incident: Incident) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.incident_id == incident.id, AuditEvent.action.in_(STEP_ACTIONS))
            .order_by(AuditEvent.id)
        )
    )


def _deliver(case: _Case) -> None:
    incident, notifier, timers, now = case.incident, case.notifier, case.timers, case.now
    if "card" not in case.sent:
        posted = notifier.post_case(incident, section=case.section)
        incident.card_channel, incident.card_ts = posted.channel, posted.ts
        case.record("card")
        case.record(f"refresh-{incident.version}")
    case.once("confirm", lambda: notifier.confirm_to_reporter(incident))
    if incident.reporter_told is None:
        incident.reporter_told = reporter_status(incident.status)
    if incident.urgent:
        case.once("urgent-dm", lambda: notifier.alert_slt_members(incident))
    if incident.kind == MEDIA_KIND and timers.has_media_contacts:
        case.once("media", lambda: notifier.alert_media_contacts(incident))
    case.once(
        f"refresh-{incident.version}", lambda: notifier.refresh_case(incident, section=case.section)
    )
    for step in _steps(case.session, incident):
        case.once(f"step-{step.id}", partial(notifier.post_step, incident, step))
    status = reporter_status(incident.status)
    if status != incident.reporter_told:
        notifier.tell_reporter(incident, status=status)
        incident.reporter_told = status
        case.record(f"told-{incident.version}")
    if incident.status == Status.REPORTED:
        window = timers.ack_window(incident)
        periods = _every(incident.reported_at, window, now)
        if periods:
            case.once(
                f"reping-{periods}",
                lambda: notifier.reping(incident, waited=now - incident.reported_at),
            )
    if _idle_watch(incident):
        idle = _every(incident.updated_at, timers.stale, now)
        if idle:
            case.once(
                f"idle-{int(incident.updated_at.timestamp())}-{idle}",
                lambda: notifier.remind_lead(incident, idle=now - incident.updated_at),
            )
    reported_to_platform = incident.platform_reported_at
    if _chasing_platform(incident) and reported_to_platform is not None:
        chases = _every(reported_to_platform, timers.platform_chase, now)
        if chases:
            case.once(
                f"platform-{int(reported_to_platform.timestamp())}-{chases}",
                lambda: notifier.chase_platform(incident, waiting=now - reported_to_platform),
            )


def _idle_watch(incident: Incident) -> bool:
    return incident.status == Status.OPEN and incident.lead is not None


def _chasing_platform(incident: Incident) -> bool:
    return (
        incident.status != Status.RESOLVED
        and incident.platform_reported_at is not None
        and incident.platform_outcome is None
    )


def _next_moment(
    incident: Incident, timers: IncidentTimers, sent: set[str], now: datetime
) -> datetime | None:
    """When the sweep should next look at the case: now if anything failed, else the next
    re-ping, idle reminder or platform chase, else never."""
    if "card" not in sent or "confirm" not in sent:
        return now
    periodic: list[tuple[datetime, timedelta]] = []
    if incident.status == Status.REPORTED:
        periodic.append((incident.reported_at, timers.ack_window(incident)))
    if _idle_watch(incident):
        periodic.append((incident.updated_at, timers.stale))
    if _chasing_platform(incident):
        assert incident.platform_reported_at is not None
        periodic.append((incident.platform_reported_at, timers.platform_chase))
    moments = [start + period * (_every(start, period, now) + 1) for start, period in periodic]
    return min(moments) if moments else None


def _deliver_case(
    session: Session,
    incident: Incident,
    *,
    notifier: Notifier,
    timers: IncidentTimers,
    section_for: Callable[[str], str | None],
    now: datetime,
) -> int:
    sent = set(
        session.scalars(
            select(IncidentNotice.kind).where(IncidentNotice.incident_id == incident.id)
        )
    )
    case = _Case(session, incident, notifier, timers, section_for(incident.kind), now, sent)
    failed = False
    try:
        _deliver(case)
    except DeliveryError as error:
        failed = True
        logger.warning("%s: delivery failed, will retry next sweep: %s", incident.reference, error)
    incident.next_notice_at = now if failed else _next_moment(incident, timers, case.sent, now)
    return case.delivered


def deliver_now(
    *,
    sessions: sessionmaker[Session],
    incident_id: int,
    notifier: Notifier,
    timers: IncidentTimers,
    section_for: Callable[[str], str | None],
    clock: Clock,
) -> int:
    now = clock.now()
    return sweeps.deliver_now(
        sessions=sessions,
        model=Incident,
        row_id=incident_id,
        now=now,
        notifier=notifier,
        deliver=lambda session, incident, unlocked: _deliver_case(
            session, incident, notifier=unlocked, timers=timers, section_for=section_for, now=now
        ),
    )


def sweep(
    *,
    sessions: sessionmaker[Session],
    notifier: Notifier,
    timers: IncidentTimers,
    section_for: Callable[[str], str | None],
    clock: Clock,
) -> int:
    now = clock.now()
    return sweeps.sweep(
        sessions=sessions,
        model=Incident,
        now=now,
        notifier=notifier,
        deliver=lambda session, incident, unlocked: _deliver_case(
            session, incident, notifier=unlocked, timers=timers, section_for=section_for, now=now
        ),
    )

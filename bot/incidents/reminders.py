"""Everything a case owes, delivered by the sweep, each delivery to each person on its own.

Right after a report: its card for SLT, the reporter's confirmation, DMs to every SLT member when
a child may be at risk, and the media spokespeople for press contact. After each step: the card
redrawn, the step in the card's thread, and the reporter told of a new status. Over time: SLT
re-pinged once per acknowledgement window until someone takes the lead, the lead reminded when
the case sits idle, and a report to the platform chased until its answer is recorded.

Each delivery is claimed, sent and recorded on its own (`bot.notices.Ledger`): a reporter who
cannot be sent a DM never holds up SLT's urgent alerts, and one SLT member who cannot be reached
never makes the others hear it twice. A person still unreachable after their tries is given up
and SLT are told once, in the case's thread. A card that cannot be redrawn is given up too; the
steps and the reporter's news still go.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import notices, sweeps
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


CONFIRM = "confirm"
URGENT = "urgent-dm"  # one per SLT member: urgent-dm:<member>
MEDIA = "media"  # one per spokesperson: media:<contact>
UNREACHED = "unreached-"  # SLT told that the delivery after the dash could not be made


@dataclass
class _Case:
    """One case being delivered: its ledger of deliveries, and what this pass sent."""

    incident: Incident
    notifier: Notifier
    timers: IncidentTimers
    section: str | None
    now: datetime
    ledger: notices.Ledger[IncidentNotice]
    delivered: int = 0
    failed: bool = False  # something could not even be tried: look again next sweep

    def send(self, kind: str, send: Callable[[], object], *, person: bool = False) -> bool:
        """Whether `kind` is done (sent now or before, or given up). Messages to a person are
        given up after their tries; those to SLT's channel are retried until they go."""
        outcome = self.ledger.send(kind, send, tries=notices.TRIES if person else None)
        if outcome is notices.Outcome.SENT:
            self.delivered += 1
        return kind in self.ledger.done


def _steps(session: Session, incident: Incident) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.incident_id == incident.id, AuditEvent.action.in_(STEP_ACTIONS))
            .order_by(AuditEvent.id)
        )
    )


def _post_card(case: _Case) -> None:
    posted = case.notifier.post_case(case.incident, section=case.section)
    case.incident.card_channel, case.incident.card_ts = posted.channel, posted.ts
    case.ledger.mark_sent(f"refresh-{case.incident.version}")


def _recipients(case: _Case, list_them: Callable[[Incident], tuple[str, ...]]) -> tuple[str, ...]:
    try:
        return list_them(case.incident)
    except DeliveryError as error:
        logger.warning("%s: recipients unknown, will retry: %s", case.incident.reference, error)
        case.failed = True
        return ()


def _deliver(case: _Case, session: Session) -> None:
    """Each delivery on its own: none waits for, or repeats because of, another."""
    incident, notifier, timers, now = case.incident, case.notifier, case.timers, case.now
    done = case.ledger.done
    if "card" not in done:
        case.send("card", partial(_post_card, case))
    case.send(CONFIRM, lambda: notifier.confirm_to_reporter(incident), person=True)
    if incident.reporter_told is None:
        incident.reporter_told = reporter_status(incident.status)
    if incident.urgent and URGENT not in done:  # (a case from before each member had a record)
        for member in _recipients(case, notifier.urgent_recipients):
            case.send(
                f"{URGENT}:{member}",
                partial(notifier.alert_slt_member, incident, member=member),
                person=True,
            )
    if incident.kind == MEDIA_KIND and timers.has_media_contacts and MEDIA not in done:
        for contact in _recipients(case, notifier.media_recipients):
            case.send(
                f"{MEDIA}:{contact}",
                partial(notifier.alert_media_contact, incident, contact=contact),
                person=True,
            )
    refresh = f"refresh-{incident.version}"
    if refresh not in case.ledger.done and incident.card_ts:
        # A card that cannot be redrawn (deleted, say) is given up: the steps still go.
        case.ledger.send(refresh, lambda: notifier.refresh_case(incident, section=case.section))
    for step in _steps(session, incident):
        case.send(f"step-{step.id}", partial(notifier.post_step, incident, step))
    status = reporter_status(incident.status)
    if status != incident.reporter_told:
        told = f"told-{incident.version}"
        if case.send(told, partial(notifier.tell_reporter, incident, status=status), person=True):
            incident.reporter_told = status
    if incident.status == Status.REPORTED:
        window = timers.ack_window(incident)
        periods = _every(incident.reported_at, window, now)
        if periods:
            case.send(
                f"reping-{periods}",
                lambda: notifier.reping(incident, waited=now - incident.reported_at),
            )
    if _idle_watch(incident):
        idle = _every(incident.updated_at, timers.stale, now)
        if idle:
            case.send(
                f"idle-{int(incident.updated_at.timestamp())}-{idle}",
                lambda: notifier.remind_lead(incident, idle=now - incident.updated_at),
                person=True,
            )
    reported_to_platform = incident.platform_reported_at
    if _chasing_platform(incident) and reported_to_platform is not None:
        chases = _every(reported_to_platform, timers.platform_chase, now)
        if chases:
            case.send(
                f"platform-{int(reported_to_platform.timestamp())}-{chases}",
                lambda: notifier.chase_platform(incident, waiting=now - reported_to_platform),
            )
    _report_unreached(case)


def _unreached(kind: str, incident: Incident) -> tuple[str, str] | None:
    """Who a person's delivery was for, and what it was, from its kind."""
    if kind == CONFIRM:
        return incident.reporter, "confirmation"
    if kind.startswith(f"{URGENT}:"):
        return kind.split(":", 1)[1], "urgent alert"
    if kind.startswith(f"{MEDIA}:"):
        return kind.split(":", 1)[1], "media alert"
    if kind.startswith("told-"):
        return incident.reporter, "status update"
    if kind.startswith("idle-") and incident.lead:
        return incident.lead, "reminder"
    return None


def _report_unreached(case: _Case) -> None:
    """SLT told once of each person who could not be reached, so someone tells them."""
    for kind, row in list(case.ledger.rows.items()):
        person = _unreached(kind, case.incident) if row.given_up_at else None
        if person is not None:
            who, what = person
            case.send(
                f"{UNREACHED}{kind}",
                partial(case.notifier.case_unreachable, case.incident, who=who, what=what),
            )


def _idle_watch(incident: Incident) -> bool:
    return incident.status == Status.OPEN and incident.lead is not None


def _chasing_platform(incident: Incident) -> bool:
    return (
        incident.status != Status.RESOLVED
        and incident.platform_reported_at is not None
        and incident.platform_outcome is None
    )


def _next_moment(incident: Incident, timers: IncidentTimers, now: datetime) -> datetime | None:
    """The next re-ping, idle reminder or platform chase, else never."""
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
    rows = session.scalars(select(IncidentNotice).where(IncidentNotice.incident_id == incident.id))
    ledger = notices.Ledger(
        session=session,
        now=now,
        rows={row.kind: row for row in rows},
        new=lambda kind: IncidentNotice(incident_id=incident.id, kind=kind, attempts=0),
        find=lambda kind: session.scalars(
            select(IncidentNotice).where(
                IncidentNotice.incident_id == incident.id, IncidentNotice.kind == kind
            )
        ).first(),
        relock=partial(sweeps.relock, session, Incident, incident.id),
        marker_prefix=f"incident-{incident.id}",
    )
    case = _Case(incident, notifier, timers, section_for(incident.kind), now, ledger)
    _deliver(case, session)
    retry = case.failed or ledger.pending()
    incident.next_notice_at = now if retry else _next_moment(incident, timers, now)
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
        deliver=lambda session, incident: _deliver_case(
            session, incident, notifier=notifier, timers=timers, section_for=section_for, now=now
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
        deliver=lambda session, incident: _deliver_case(
            session, incident, notifier=notifier, timers=timers, section_for=section_for, now=now
        ),
    )

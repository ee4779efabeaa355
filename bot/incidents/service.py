"""Reporting an incident and running its case, every step written to the audit trail.

Every change takes the version the person was looking at: if the case has moved on since
(someone else took the lead, a double click), the change is refused and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.incidents import audit as audit_trail
from bot.incidents import options
from bot.policy.service import PolicyService
from bot.validation import is_web_link, text_errors
from store.models import AuditEvent, Incident, IncidentCounter

CLOCK_SKEW = timedelta(minutes=5)
MEDIA_KIND = "media"


class Field(StrEnum):
    """Incident form fields; front ends key their inline errors by these."""

    KIND = "kind"
    PLATFORM = "platform"
    ACCOUNT_TYPE = "account_type"
    LINK = "link"
    HAPPENED_AT = "happened_at"
    INVOLVED = "involved"
    DETAILS = "details"
    ACTIONS_TAKEN = "actions_taken"
    AT_RISK = "at_risk"
    SEVERITY = "severity"
    STAFF = "staff"
    AGENCIES = "agencies"
    NOTE = "note"
    AGENCY = "agency"
    REFERENCE = "reference"
    WHEN = "when"
    OUTCOME = "outcome"
    PLATFORM_OUTCOME = "platform_outcome"


class Status(StrEnum):
    REPORTED = "reported"  # waiting for SLT to take the lead
    OPEN = "open"  # being handled
    RESOLVED = "resolved"


@dataclass(frozen=True)
class IncidentForm:
    kind: str | None
    platform: str | None
    account_type: str | None
    link: str
    happened_at: datetime | None
    involved: frozenset[str]
    details: str
    actions_taken: frozenset[str]
    child_at_risk: bool


class CaseError(Exception):
    """A change that cannot be made; the message is fit to show the user."""

    def describe(self, mention: Callable[[str], str]) -> str:
        """The message, with any person named the way the front end names people."""
        return str(self)


class StaleCase(CaseError):
    """The case moved on since the person looked at it."""

    def __init__(self, reference: str, lead: str | None) -> None:
        super().__init__(f"{reference} changed since you looked at it; nothing was changed.")
        self.reference = reference
        self.lead = lead

    def describe(self, mention: Callable[[str], str]) -> str:
        moved = f"already taken by {mention(self.lead)}" if self.lead else "already changed"
        return (
            f"{self.reference} was {moved} since you looked at it; nothing was changed. "
            "The card now shows where it stands."
        )


def _limit(errors: dict[str, str], field: Field, text: str, limit: int) -> None:
    if len(text.strip()) > limit:
        errors[field] = f"Keep this under {limit} characters (it is {len(text.strip())})."


def validate(form: IncidentForm, *, now: datetime, platforms: dict[str, str]) -> dict[str, str]:
    errors = text_errors(asdict(form))
    if form.kind not in options.KINDS:
        errors[Field.KIND] = "Choose what kind of incident this is."
    if form.platform not in platforms:
        errors[Field.PLATFORM] = "Choose where it happened (Other if it isn't listed)."
    if form.account_type not in options.ACCOUNT_TYPES:
        errors[Field.ACCOUNT_TYPE] = "Say whose account it was on."
    link = form.link.strip()
    if link and not is_web_link(link):
        errors[Field.LINK] = "Give a web address starting with http:// or https://."
    _limit(errors, Field.LINK, link, options.LINK_LIMIT)
    if form.happened_at is None:
        errors[Field.HAPPENED_AT] = "Say when it happened (roughly is fine)."
    elif form.happened_at > now + CLOCK_SKEW:
        errors[Field.HAPPENED_AT] = "That time is in the future: when did it happen?"
    if not form.involved <= set(options.INVOLVED):
        errors[Field.INVOLVED] = "Choose from the list."
    if not form.details.strip():
        errors[Field.DETAILS] = "Say what happened. Use roles rather than names where you can."
    _limit(errors, Field.DETAILS, form.details, options.DETAILS_LIMIT)
    if not form.actions_taken <= set(options.ACTIONS_TAKEN):
        errors[Field.ACTIONS_TAKEN] = "Choose from the list."
    return errors


def engaged_section(policy: PolicyService, kind: str) -> str | None:
    """The section of the school's own policy that an incident of this kind engages."""
    question = options.POLICY_QUESTIONS.get(kind)
    best = policy.ask(question).answer.best if question else None
    return best.section.path_text if best else None


def audit(
    session: Session, incident: Incident, *, actor: str, action: str, summary: str, now: datetime
) -> None:
    """Write one entry on the audit trail, chained to the one before (`bot.incidents.audit`)."""
    audit_trail.append(
        session, incident_id=incident.id, at=now, actor=actor, action=action, summary=summary
    )


def redacted_summary(action: str, summary: str) -> str:
    """An audit summary without the references to other bodies' records it may hold (police,
    LADO, platform, safeguarding system), for a case whose retention period has ended. The
    summaries are written in this module, so the forms undone here are the ones written above.
    """
    if action == "escalated":
        for label in sorted(options.AGENCIES.values(), key=len, reverse=True):
            if summary.startswith(f"Escalated to {label}"):
                ref = " (reference removed)" if " (reference " in summary else ""
                return f"Escalated to {label}{ref}"
        return "Escalated outside the school (reference removed)"
    if action == "handed_off":
        return "Moved to the safeguarding record system (reference removed); details erased here"
    return summary


def _next_reference(session: Session, year: int) -> str:
    """The year's next reference. The year's counter is created if missing without a race
    (INSERT … ON CONFLICT DO NOTHING), then taken under its row lock, so reports submitted at
    once on an empty database each get their own number."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(IncidentCounter)
        .values(year=year, last=0)
        .on_conflict_do_nothing(index_elements=[IncidentCounter.school_id, IncidentCounter.year])
    )
    counter = session.scalars(
        select(IncidentCounter).where(IncidentCounter.year == year).with_for_update()
    ).one()
    counter.last += 1
    return f"INC-{year}-{counter.last:04d}"


def report(
    session: Session,
    *,
    form: IncidentForm,
    reporter: str,
    submission_key: str,
    now: datetime,
    comment_id: int | None = None,
    front_end: str = "slack",
) -> tuple[Incident, bool]:
    """Open a case from a validated report. The same submission twice gives the same case."""
    existing = session.scalars(
        select(Incident).where(Incident.submission_key == submission_key)
    ).first()
    if existing is not None:
        return existing, False
    assert form.happened_at is not None  # validate() guarantees it
    incident = Incident(
        reference=_next_reference(session, now.year),
        submission_key=submission_key,
        kind=form.kind,
        platform=form.platform,
        account_type=form.account_type,
        link=form.link.strip() or None,
        happened_at=form.happened_at,
        involved=",".join(sorted(form.involved)),
        details=form.details.strip(),
        actions_taken=",".join(sorted(form.actions_taken)),
        urgent=form.child_at_risk,
        reporter=reporter,
        reported_at=now,
        comment_id=comment_id,
        status=Status.REPORTED,
        updated_at=now,
        version=1,
        next_notice_at=now,
        front_end=front_end,
    )
    session.add(incident)
    session.flush()
    urgency = " (urgent: a child may be at risk)" if incident.urgent else ""
    audit(
        session,
        incident,
        actor=reporter,
        action="reported",
        summary=f"Reported: {options.KINDS[incident.kind]}{urgency}",
        now=now,
    )
    return incident, True


def get(session: Session, *, incident_id: int) -> Incident | None:
    return session.get(Incident, incident_id)


def by_reference(session: Session, *, reference: str) -> Incident | None:
    return session.scalars(select(Incident).where(Incident.reference == reference)).first()


def _case(session: Session, incident_id: int, version: int) -> Incident:
    incident = session.scalars(
        select(Incident).where(Incident.id == incident_id).with_for_update()
    ).first()
    if incident is None:
        raise CaseError("That case no longer exists.")
    if incident.version != version:
        raise StaleCase(incident.reference, incident.lead)
    return incident


def _changed(
    session: Session, incident: Incident, *, actor: str, action: str, summary: str, now: datetime
) -> Incident:
    incident.version += 1
    incident.updated_at = now
    incident.next_notice_at = now  # the sweep works out what, if anything, is now owed
    audit(session, incident, actor=actor, action=action, summary=summary, now=now)
    return incident


def take_lead(
    session: Session, *, incident_id: int, version: int, user: str, now: datetime
) -> Incident:
    incident = _case(session, incident_id, version)
    if incident.status == Status.RESOLVED:
        raise CaseError(f"{incident.reference} is resolved; reopen it first.")
    incident.lead = user
    incident.acknowledged_at = incident.acknowledged_at or now
    incident.status = Status.OPEN
    return _changed(
        session,
        incident,
        actor=user,
        action="took_lead",
        summary="Took the lead",
        now=now,
    )


def _labels(values: set[str], choices: dict[str, str]) -> str:
    return ", ".join(choices[v] for v in sorted(values) if v in choices) or "none"


def assess(
    session: Session,
    *,
    incident_id: int,
    version: int,
    user: str,
    severity: str,
    staff: str,
    agencies: set[str],
    note: str,
    now: datetime,
) -> Incident:
    if severity not in options.SEVERITIES:
        raise CaseError("Choose a severity.")
    incident = _open_case(session, incident_id, version)
    incident.severity = severity
    incident.staff_involved = staff.strip() or None
    incident.agencies = ",".join(sorted(agencies)) or None
    incident.assessment_note = note.strip() or None
    incident.lead = incident.lead or user
    incident.acknowledged_at = incident.acknowledged_at or now
    incident.status = Status.OPEN
    return _changed(
        session,
        incident,
        actor=user,
        action="assessed",
        summary=f"Initial assessment: {options.SEVERITIES[severity]} severity; agencies: "
        f"{_labels(agencies, options.AGENCIES)}",
        now=now,
    )


def _open_case(session: Session, incident_id: int, version: int) -> Incident:
    incident = _case(session, incident_id, version)
    if incident.status == Status.RESOLVED:
        raise CaseError(f"{incident.reference} is resolved; reopen it first.")
    return incident


def escalate(
    session: Session,
    *,
    incident_id: int,
    version: int,
    user: str,
    agency: str,
    reference: str,
    when: datetime,
    now: datetime,
) -> Incident:
    """Record a referral outside the school. Reported to the platform is tracked as its own
    step: it is chased until its outcome is recorded."""
    if agency not in options.AGENCIES:
        raise CaseError("Choose the agency.")
    incident = _open_case(session, incident_id, version)
    incident.external_agency = agency
    incident.external_reference = reference.strip()[: options.REFERENCE_LIMIT] or None
    incident.external_at = when
    if agency == "platform":
        incident.platform_report_reference = incident.external_reference
        incident.platform_reported_at = when
        incident.platform_outcome = None
    ref = f" (reference {incident.external_reference})" if incident.external_reference else ""
    return _changed(
        session,
        incident,
        actor=user,
        action="escalated",
        summary=f"Escalated to {options.AGENCIES[agency]}{ref}",
        now=now,
    )


def platform_outcome(
    session: Session, *, incident_id: int, version: int, user: str, outcome: str, now: datetime
) -> Incident:
    if outcome not in options.PLATFORM_OUTCOMES:
        raise CaseError("Choose what the platform did.")
    incident = _open_case(session, incident_id, version)
    if incident.platform_reported_at is None:
        raise CaseError(f"{incident.reference} has not been reported to the platform.")
    incident.platform_outcome = outcome
    return _changed(
        session,
        incident,
        actor=user,
        action="platform_outcome",
        summary=f"Platform's answer: {options.PLATFORM_OUTCOMES[outcome]}",
        now=now,
    )


def resolve(
    session: Session,
    *,
    incident_id: int,
    version: int,
    user: str,
    outcome: str,
    note: str,
    now: datetime,
) -> Incident:
    if outcome not in options.OUTCOMES:
        raise CaseError("Choose the outcome.")
    incident = _open_case(session, incident_id, version)
    incident.status = Status.RESOLVED
    incident.outcome = outcome
    incident.outcome_note = note.strip() or None
    incident.resolved_at = now
    incident.lead = incident.lead or user
    return _changed(
        session,
        incident,
        actor=user,
        action="resolved",
        summary=f"Resolved: {options.OUTCOMES[outcome]}",
        now=now,
    )


def reopen(
    session: Session, *, incident_id: int, version: int, user: str, now: datetime
) -> Incident:
    incident = _case(session, incident_id, version)
    if incident.status != Status.RESOLVED:
        raise CaseError(f"{incident.reference} is not resolved.")
    incident.status = Status.OPEN
    incident.resolved_at = None
    return _changed(
        session,
        incident,
        actor=user,
        action="reopened",
        summary="Reopened the case",
        now=now,
    )


def hand_off(
    session: Session, *, incident_id: int, version: int, user: str, reference: str, now: datetime
) -> Incident:
    """Moved to the school's safeguarding record system: keep only its reference, the kind,
    dates and the audit trail; the free-text details are erased here."""
    if not reference.strip():
        raise CaseError("Give the safeguarding system's reference.")
    incident = _case(session, incident_id, version)
    incident.safeguarding_reference = reference.strip()[: options.REFERENCE_LIMIT]
    incident.details = None
    incident.link = None
    incident.staff_involved = None
    incident.assessment_note = None
    incident.outcome_note = None
    return _changed(
        session,
        incident,
        actor=user,
        action="handed_off",
        summary=f"Moved to the safeguarding record system ({incident.safeguarding_reference}); "
        "details erased here",
        now=now,
    )


class Step(StrEnum):
    """The case steps SLT take through a form; each front end collects the same fields."""

    ASSESS = "assess"
    ESCALATE = "escalate"
    PLATFORM_OUTCOME = "platform_outcome"
    RESOLVE = "resolve"
    HAND_OFF = "hand_off"


def apply_step(
    session: Session,
    *,
    step: Step,
    values: Mapping[str, Any],
    incident_id: int,
    version: int,
    user: str,
    now: datetime,
) -> Incident:
    """Apply a submitted step form, its values keyed by `Field`: what each front end calls."""

    def text(field: Field) -> str:
        return str(values.get(field) or "")

    case: dict[str, Any] = {
        "incident_id": incident_id,
        "version": version,
        "user": user,
        "now": now,
    }
    if step == Step.ASSESS:
        return assess(
            session,
            severity=text(Field.SEVERITY),
            staff=text(Field.STAFF),
            agencies=set(values.get(Field.AGENCIES) or ()),
            note=text(Field.NOTE),
            **case,
        )
    if step == Step.ESCALATE:
        return escalate(
            session,
            agency=text(Field.AGENCY),
            reference=text(Field.REFERENCE),
            when=values.get(Field.WHEN) or now,
            **case,
        )
    if step == Step.PLATFORM_OUTCOME:
        return platform_outcome(session, outcome=text(Field.PLATFORM_OUTCOME), **case)
    if step == Step.RESOLVE:
        return resolve(session, outcome=text(Field.OUTCOME), note=text(Field.NOTE), **case)
    return hand_off(session, reference=text(Field.REFERENCE), **case)


def set_legal_hold(
    session: Session, *, incident_id: int, version: int, user: str, hold: bool, now: datetime
) -> Incident:
    """A case on legal hold is kept whole, whatever the retention period says."""
    incident = _case(session, incident_id, version)
    incident.legal_hold = hold
    summary = "Put on legal hold" if hold else "Legal hold released"
    return _changed(session, incident, actor=user, action="legal_hold", summary=summary, now=now)


def view_details(session: Session, *, incident_id: int, user: str, now: datetime) -> Incident:
    """SLT read the details; the reading itself goes on the audit trail."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise CaseError("That case no longer exists.")
    audit(
        session,
        incident,
        actor=user,
        action="viewed_details",
        summary="Viewed the details",
        now=now,
    )
    return incident


def open_cases(session: Session) -> list[Incident]:
    return list(
        session.scalars(
            select(Incident)
            .where(Incident.status != Status.RESOLVED)
            .order_by(Incident.urgent.desc(), Incident.reported_at)
        )
    )


def reports_by(session: Session, *, reporter: str) -> list[Incident]:
    return list(
        session.scalars(
            select(Incident)
            .where(Incident.reporter == reporter)
            .order_by(Incident.reported_at.desc())
            .limit(20)
        )
    )


def trail(session: Session, incident: Incident) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.incident_id == incident.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


def export(session: Session, *, reference: str) -> dict[str, Any] | None:
    """One case with its whole audit trail, for a subject-access request or a transfer."""
    incident = by_reference(session, reference=reference)
    if incident is None:
        return None
    columns = {c.name: getattr(incident, c.name) for c in Incident.__table__.columns}
    return {
        "case": {k: v.isoformat() if isinstance(v, datetime) else v for k, v in columns.items()},
        "audit_trail": [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "summary": e.summary}
            for e in trail(session, incident)
        ],
    }

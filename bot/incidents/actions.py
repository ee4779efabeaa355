"""What a person does with incidents, the same from every front end: the role check, the one
transaction, the messages owed right away, and a snapshot of the case for the handler to show.
Each front end knows its own people, so it passes the `roles` that name them.

Handlers translate a click or a form into one of these calls and render what it returns; a
`CaseError` carries the sentence to show the person privately.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.comments import service as comments
from bot.comments.actions import NOT_A_MODERATOR
from bot.comments.options import PLATFORMS
from bot.incidents import reminders, service
from bot.incidents.service import CaseError, IncidentForm, Step
from bot.roles import Roles
from bot.services import Services
from bot.submissions import Key, edit
from store.db import session_scope
from store.models import Incident

MOVED_ON = (
    "That case has moved on since this card was drawn; nothing was changed. "
    "The card now shows where it stands."
)


class NotSLT(CaseError):
    """Someone outside SLT tried to see or act on a case."""

    def __init__(self) -> None:
        super().__init__("Only SLT can see or act on incident cases.")


class CommentHidden(CaseError):
    """Someone who may not see comments started a report from one."""

    def __init__(self) -> None:
        super().__init__(NOT_A_MODERATOR)


class InvalidReport(CaseError):
    """The report form needs correcting; `errors` are keyed by `service.Field`."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Please check the report.")
        self.errors = errors


@dataclass(frozen=True)
class Case:
    """A case as it stood when the change was made: safe to show after the session closed."""

    id: int
    version: int
    reference: str
    kind: str
    platform: str
    account_type: str
    link: str | None
    happened_at: datetime
    involved: str
    details: str | None
    actions_taken: str
    urgent: bool
    reporter: str
    reported_at: datetime
    status: str
    lead: str | None
    severity: str | None
    staff_involved: str | None
    agencies: str | None
    assessment_note: str | None
    external_agency: str | None
    external_reference: str | None
    platform_reported_at: datetime | None
    platform_outcome: str | None
    outcome: str | None
    outcome_note: str | None
    legal_hold: bool
    safeguarding_reference: str | None

    @classmethod
    def of(cls, incident: Incident) -> Case:
        return cls(**{f.name: getattr(incident, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class Prefill:
    """What a report started from a logged comment begins with."""

    link: str = ""
    platform: str | None = None
    comment_id: int | None = None


Reply = Callable[[Case], object]


def _no_reply(_: Case) -> None:
    """Nothing to answer before the messages go out."""


def _require_slt(roles: Roles, user: str) -> None:
    if not roles.is_slt(user):
        raise NotSLT()


def _deliver(services: Services, incident_id: int) -> None:
    """The card, the steps and the reporter's news, sent now rather than at the next sweep."""
    reminders.deliver_now(
        sessions=services.sessions,
        incident_id=incident_id,
        notifier=services.notifier,
        timers=services.incident_timers,
        section_for=services.policy_section,
        clock=services.clock,
    )


def _change(
    services: Services, work: Callable[[Session, datetime], Incident], reply: Reply
) -> Case:
    """One change in one transaction; `reply` answers the person before delivery begins."""
    now = services.clock.now()
    with session_scope(services.sessions) as session:
        case = Case.of(work(session, now))
    reply(case)
    _deliver(services, case.id)
    return case


def prefill(services: Services, roles: Roles, *, comment_id: int | None, user: str) -> Prefill:
    """A report started from a comment's card carries its link and platform: only for those who
    may see comments (moderators and SLT)."""
    if comment_id is None:
        return Prefill()
    if not roles.is_moderator(user):
        raise CommentHidden()
    with session_scope(services.sessions) as session:
        comment = comments.get(session, comment_id=comment_id)
        if comment is None:
            return Prefill()
        return Prefill(link=comment.link or "", platform=comment.platform, comment_id=comment.id)


def report(
    services: Services,
    *,
    form: IncidentForm,
    reporter: str,
    submission_key: str,
    front_end: str,
    comment_id: int | None = None,
    reply: Reply = _no_reply,
) -> Case:
    """Anyone may report. The same submission twice gives the same case."""
    errors = service.validate(form, now=services.clock.now(), platforms=PLATFORMS)
    if errors:
        raise InvalidReport(errors)

    def work(session: Session, now: datetime) -> Incident:
        incident, _ = service.report(
            session,
            form=form,
            reporter=reporter,
            submission_key=submission_key,
            now=now,
            comment_id=comment_id,
            front_end=front_end,
        )
        return incident

    for attempt in range(2):
        try:
            return _change(services, work, reply)
        except IntegrityError:  # the same report arrived twice at once: the first one won
            if attempt:
                raise
    raise AssertionError("unreachable")


def view_details(services: Services, *, roles: Roles, incident_id: int, user: str) -> Case:
    """SLT only; the reading goes on the audit trail."""
    _require_slt(roles, user)
    now = services.clock.now()
    with session_scope(services.sessions) as session:
        return Case.of(service.view_details(session, incident_id=incident_id, user=user, now=now))


def step_form(
    services: Services, *, roles: Roles, incident_id: int, version: int, user: str
) -> Case:
    """The case a step's form is opened for, if it is still as the card showed it."""
    _require_slt(roles, user)
    with session_scope(services.sessions) as session:
        incident = service.get(session, incident_id=incident_id)
        if incident is None or incident.version != version:
            raise CaseError(MOVED_ON)
        return Case.of(incident)


def take_lead(
    services: Services,
    *,
    roles: Roles,
    incident_id: int,
    version: int,
    user: str,
    reply: Reply = _no_reply,
) -> Case:
    _require_slt(roles, user)
    return _change(
        services,
        lambda session, now: service.take_lead(
            session, incident_id=incident_id, version=version, user=user, now=now
        ),
        reply,
    )


def reopen(
    services: Services,
    *,
    roles: Roles,
    incident_id: int,
    version: int,
    user: str,
    reply: Reply = _no_reply,
) -> Case:
    _require_slt(roles, user)
    return _change(
        services,
        lambda session, now: service.reopen(
            session, incident_id=incident_id, version=version, user=user, now=now
        ),
        reply,
    )


def toggle_legal_hold(
    services: Services,
    *,
    roles: Roles,
    incident_id: int,
    version: int,
    user: str,
    reply: Reply = _no_reply,
) -> Case:
    """Put the case on legal hold, or release it: the card's one button does both."""
    _require_slt(roles, user)

    def work(session: Session, now: datetime) -> Incident:
        current = service.get(session, incident_id=incident_id)
        return service.set_legal_hold(
            session,
            incident_id=incident_id,
            version=version,
            user=user,
            hold=not (current is not None and current.legal_hold),
            now=now,
        )

    return _change(services, work, reply)


def apply_step(
    services: Services,
    *,
    roles: Roles,
    step: Step,
    values: Mapping[str, Any],
    incident_id: int,
    version: int,
    user: str,
    reply: Reply = _no_reply,
    submission: Key | None = None,
) -> Case:
    """A submitted step form (assessment, escalation, platform's answer, resolution, hand-off).
    The same `submission` again is answered from the case and changes nothing: no second step,
    audit entry or message."""
    _require_slt(roles, user)
    now = services.clock.now()

    def change(session: Session) -> Case:
        return Case.of(
            service.apply_step(
                session,
                step=step,
                values=values,
                incident_id=incident_id,
                version=version,
                user=user,
                now=now,
            )
        )

    def again(session: Session) -> Case | None:
        incident = service.get(session, incident_id=incident_id)
        return Case.of(incident) if incident is not None else None

    taken = edit(
        services.sessions,
        submission,
        record="incident",
        record_id=incident_id,
        version=version,
        now=now,
        change=change,
        again=again,
    )
    reply(taken.result)
    if taken.new:
        _deliver(services, incident_id)
    return taken.result


def open_cases(services: Services, *, roles: Roles, user: str) -> list[Case]:
    """SLT's list: every case not yet resolved, urgent first."""
    _require_slt(roles, user)
    with session_scope(services.sessions) as session:
        return [Case.of(i) for i in service.open_cases(session)]


def my_reports(services: Services, *, reporter: str) -> list[Case]:
    """Someone's own reports, newest first: where each stands, never anyone else's."""
    with session_scope(services.sessions) as session:
        return [Case.of(i) for i in service.reports_by(session, reporter=reporter)]

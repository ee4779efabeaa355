"""Incident reports and SLT cases as people see them, decided once for Slack and Teams.

The free-text details (what happened, staff to involve, notes) appear only in `details`, the
view SLT open on purpose; cards, steps, alerts and lists carry the kind, urgency, place, time and
where the case stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.comments.options import PLATFORMS
from bot.incidents import options
from bot.incidents.actions import Case
from bot.incidents.reminders import reporter_status
from bot.incidents.service import MEDIA_KIND, Field, Status, Step
from handlers.present.model import (
    Button,
    Card,
    Command,
    Group,
    Line,
    Link,
    Person,
    Strong,
    Style,
    line,
)
from handlers.present.time import duration, local
from handlers.present.verbs import IncidentAction
from store.models import AuditEvent

SLT = Group("SLT")
"""SLT where a front end has no mention of them as a group."""

# The report form --------------------------------------------------------------------------

REPORT_TITLE = "Report to SLT"
REPORT_SUBMIT = "Send to SLT"
REPORT_SENT = "Report sent"
REPORT_BUTTON = "Report an incident"
REPORT_INTRO = (
    "This goes to SLT only. Describe people by their role (a pupil, a member of staff), not by "
    "name, unless SLT need the name to act."
)
AT_RISK_LABEL = "A child may be at risk now"
SAFEGUARDING = line(
    "🛑 ",
    Strong("If a child may be at risk, follow the school's safeguarding procedures now."),
    " Contact the Designated Safeguarding Lead (DSL) immediately, in person or by phone; don't "
    "wait for this report to be read. A report saying a child may be at risk is flagged urgent.",
)
MEDIA_HOLDING_LINE = line(
    "Don't reply to the journalist yet. If you must answer, say only: \"Thank you for getting "
    "in touch. I'll pass your enquiry to the school, who will respond.\" The school's media "
    "policy must be followed before anyone responds."
)

LABELS: dict[str, str] = {
    Field.KIND: "What kind of incident",
    Field.PLATFORM: "Where: platform",
    Field.ACCOUNT_TYPE: "Where: whose account",
    Field.LINK: "Link",
    Field.HAPPENED_AT: "When it happened",
    Field.INVOLVED: "Who is involved (roles)",
    Field.DETAILS: "What happened",
    Field.ACTIONS_TAKEN: "What has already been done",
    Field.SEVERITY: "Severity",
    Field.STAFF: "Staff to involve",
    Field.AGENCIES: "External agencies",
    Field.NOTE: "Note",
    Field.AGENCY: "Agency",
    Field.REFERENCE: "Their reference",
    Field.WHEN: "When",
    Field.OUTCOME: "Outcome",
    Field.PLATFORM_OUTCOME: "What the platform did",
}
"""Every form field's label, on both front ends' forms and in their error lists."""

# The steps SLT take -----------------------------------------------------------------------

STEP_VERBS: dict[IncidentAction, Step] = {
    IncidentAction.ASSESS: Step.ASSESS,
    IncidentAction.ESCALATE: Step.ESCALATE,
    IncidentAction.PLATFORM_OUTCOME: Step.PLATFORM_OUTCOME,
    IncidentAction.RESOLVE: Step.RESOLVE,
    IncidentAction.HAND_OFF: Step.HAND_OFF,
}
"""The card's buttons that open a step's form, and the step each one takes."""
STEP_TITLES: dict[Step, str] = {
    Step.ASSESS: "Initial assessment",
    Step.ESCALATE: "Escalate externally",
    Step.PLATFORM_OUTCOME: "Platform's answer",
    Step.RESOLVE: "Resolve",
    Step.HAND_OFF: "Safeguarding hand-off",
}
STEP_SUBMIT: dict[Step, str] = {
    Step.ASSESS: "Save",
    Step.ESCALATE: "Save",
    Step.PLATFORM_OUTCOME: "Save",
    Step.RESOLVE: "Resolve",
    Step.HAND_OFF: "Hand off",
}
HAND_OFF_REFERENCE = "Safeguarding system reference"
HAND_OFF_WARNING = line(
    "Once the case is in the school's safeguarding record system, the bot keeps only that "
    "system's reference, the kind, the dates and the audit trail. ",
    Strong("The details written here are erased."),
)
DETAILS_AUDITED = "Viewing the details is recorded on the case's audit trail."

# Where a report stands, in the reporter's words ------------------------------------------

STATUS_WORDS = {
    "received": "received, and waiting for a senior leader",
    "in hand": "in hand: a senior leader is dealing with it",
    "resolved": "resolved",
}

OPEN_CASES = "Open incident cases"
NO_OPEN_CASES = "No open incident cases."
YOUR_REPORTS = "Your reports"
NO_REPORTS = "You haven't made any reports."


def _kind(case: Case) -> str:
    return options.KINDS.get(case.kind, case.kind)


def where(case: Case) -> str:
    platform = PLATFORMS.get(case.platform, case.platform)
    account = options.ACCOUNT_TYPES.get(case.account_type, case.account_type)
    return f"{platform}, {account.lower()}"


def state(case: Case) -> Line:
    if case.status == Status.RESOLVED:
        return line(f"✅ Resolved: {options.OUTCOMES.get(case.outcome or '', '')}")
    if case.status == Status.REPORTED:
        return line("🟠 Waiting for someone to take the lead")
    return line("🔵 Open, led by ", Person(case.lead or ""))


def step_header(case: Case) -> Line:
    """The line at the top of every step's form: which case, what kind."""
    return line(Strong(case.reference), f" · {_kind(case)}")


# The SLT card ------------------------------------------------------------------------------


def _facts(case: Case, zone: ZoneInfo) -> list[Line]:
    facts = [
        line(Strong(_kind(case))),
        line(f"Where: {where(case)} · When: {local(case.happened_at, zone)}"),
        line("Reported by ", Person(case.reporter), f" at {local(case.reported_at, zone)}"),
        state(case),
    ]
    if case.severity:
        facts.append(line(f"Severity: {options.SEVERITIES[case.severity]}"))
    if case.external_agency:
        agency = options.AGENCIES.get(case.external_agency, case.external_agency)
        reference = f" ({case.external_reference})" if case.external_reference else ""
        facts.append(line(f"Escalated to {agency}{reference}"))
    if case.platform_reported_at:
        answer = options.PLATFORM_OUTCOMES.get(case.platform_outcome or "", "waiting")
        facts.append(line(f"Reported to the platform: {answer}"))
    if case.legal_hold:
        facts.append(line("⚖️ On legal hold: kept whole whatever the retention period"))
    if case.safeguarding_reference:
        facts.append(
            line(
                f"Moved to the safeguarding record system ({case.safeguarding_reference}); "
                "details erased here"
            )
        )
    return facts


def _buttons(case: Case) -> tuple[Button, ...]:
    """What the case's state allows, in the order the card shows them."""
    ref = {"incident": case.id, "version": case.version}

    def form(verb: IncidentAction, label: str, style: Style | None = None) -> Button:
        return Button(verb, label, ref, style=style, opens_form=True)

    buttons: list[Button] = []
    if case.details is not None:
        buttons.append(form(IncidentAction.DETAILS, "View details"))
    hold = Button(
        IncidentAction.LEGAL_HOLD, "Release legal hold" if case.legal_hold else "Legal hold", ref
    )
    if case.status == Status.RESOLVED:
        return (*buttons, Button(IncidentAction.REOPEN, "Reopen", ref), hold)
    if case.status == Status.REPORTED:
        buttons.append(Button(IncidentAction.TAKE_LEAD, "Take the lead", ref, Style.PRIMARY))
    buttons += [
        form(IncidentAction.ASSESS, STEP_TITLES[Step.ASSESS]),
        form(IncidentAction.ESCALATE, STEP_TITLES[Step.ESCALATE]),
    ]
    if case.platform_reported_at and not case.platform_outcome:
        buttons.append(form(IncidentAction.PLATFORM_OUTCOME, STEP_TITLES[Step.PLATFORM_OUTCOME]))
    buttons.append(form(IncidentAction.RESOLVE, STEP_TITLES[Step.RESOLVE], Style.DANGER))
    if case.safeguarding_reference is None:
        buttons.append(form(IncidentAction.HAND_OFF, "Moved to safeguarding system"))
    return (*buttons, hold)


def case_card(case: Case, *, section: str | None, zone: ZoneInfo, slt: Group = SLT) -> Card:
    """The SLT channel's card: kind, urgency, where, when, where it stands. Never the details."""
    lines: list[Line] = []
    if case.status == Status.REPORTED:
        lines.append(line("📣 ", slt, " a new report needs someone to take the lead."))
    note = None
    if section:
        words = f"section {section.split(' › ')[-1]}"
        note = line(f"Policy: {section} · ", Command(words))
    return Card(
        summary=f"{case.reference}: {_kind(case)}" + (" (URGENT)" if case.urgent else ""),
        title=case.reference,
        alert=line("🚨 ", Strong("URGENT: a child may be at risk")) if case.urgent else None,
        lines=(*lines, *_facts(case, zone)),
        note=note,
        buttons=_buttons(case),
    )


def details(case: Case, *, zone: ZoneInfo) -> Card:
    """Everything the reporter wrote, and SLT's own notes: only ever shown to SLT."""
    involved = ", ".join(options.INVOLVED.get(v, v) for v in case.involved.split(",") if v)
    done = ", ".join(options.ACTIONS_TAKEN.get(v, v) for v in case.actions_taken.split(",") if v)
    lines = [
        line(Strong(_kind(case)), f" · {where(case)}"),
        line(f"When: {local(case.happened_at, zone)}"),
        line(f"Involved: {involved or 'not said'}"),
        line(f"Already done: {done or 'nothing yet'}"),
    ]
    if case.link:
        lines.append(line("Link: ", Link(case.link, case.link)))
    if case.staff_involved:
        lines.append(line(Strong("Staff to involve:"), f" {case.staff_involved}"))
    if case.assessment_note:
        lines.append(line(Strong("Assessment note:"), f" {case.assessment_note}"))
    if case.outcome_note:
        lines.append(line(Strong("Outcome note:"), f" {case.outcome_note}"))
    lines.append(line(Strong("What happened")))
    return Card(
        summary=f"{case.reference}: details",
        title=case.reference,
        lines=tuple(lines),
        quote=case.details or "",
        note=line(DETAILS_AUDITED),
    )


def step_message(case: Case, step: AuditEvent, *, zone: ZoneInfo) -> Card:
    """A step on the case, in the card's thread."""
    return Card(
        summary=f"{case.reference}: {step.summary}",
        lines=(line(step.summary, " — ", Person(step.actor), f", {local(step.at, zone)}"),),
    )


# The reporter ------------------------------------------------------------------------------


def reported(case: Case) -> Card:
    """What the form shows once the report is sent."""
    lines = [
        line(
            Strong(f"Sent to SLT as {case.reference}."),
            " You'll get a message when its status changes; ",
            Command("myreports"),
            " shows where your reports stand.",
        )
    ]
    if case.kind == MEDIA_KIND:
        lines.append(MEDIA_HOLDING_LINE)
    return Card(
        summary=f"Sent to SLT as {case.reference}",
        alert=SAFEGUARDING if case.urgent else None,
        lines=tuple(lines),
    )


def reporter_confirmation(case: Case) -> Card:
    lines = [
        line(
            "Thank you. Your report is with SLT as ",
            Strong(case.reference),
            f" ({_kind(case)}). You'll hear when its status changes.",
        )
    ]
    if case.kind == MEDIA_KIND:
        lines.append(MEDIA_HOLDING_LINE)
    return Card(summary=f"Your report {case.reference} is with SLT", lines=tuple(lines))


def reporter_update(case: Case, *, status: str) -> Card:
    return Card(
        summary=f"Your report {case.reference} is now {status}",
        lines=(
            line(
                "Your report ",
                Strong(case.reference),
                f" is now {STATUS_WORDS.get(status, status)}.",
            ),
        ),
    )


# Alerts and reminders ----------------------------------------------------------------------


def urgent_alert(case: Case, *, card_link: str | None) -> Card:
    """To each SLT member directly: no details, just where to find the case."""
    find: Line = (
        line(" ", Link(card_link, "Open the case"), ".")
        if card_link
        else line(" Open the case in the SLT channel.")
    )
    return Card(
        summary=f"Urgent report {case.reference}",
        lines=(
            line(
                "🚨 ",
                Strong(f"Urgent report {case.reference}: a child may be at risk."),
                f" {_kind(case)}, {where(case)}.",
                *find,
            ),
        ),
    )


def media_alert(case: Case) -> Card:
    return Card(
        summary=f"Media contact reported: {case.reference}",
        lines=(
            line(
                "📰 A member of staff (",
                Person(case.reporter),
                f") reports contact from a journalist or the media ({case.reference}). SLT "
                "have it too; you are named as the school's spokesperson. They have been told "
                "to say nothing beyond a holding line.",
            ),
        ),
    )


def reping(case: Case, *, waited: timedelta, slt: Group = SLT) -> Card:
    urgent = "🚨 URGENT " if case.urgent else ""
    return Card(
        summary=f"{case.reference} still needs a lead",
        lines=(
            line(
                "⏰ ",
                slt,
                f" {urgent}{case.reference} has waited {duration(waited)} without anyone "
                "taking the lead.",
            ),
        ),
    )


def lead_reminder(case: Case, *, idle: timedelta) -> Card:
    return Card(
        summary=f"{case.reference} has had no update",
        lines=(
            line(
                f"⏰ {case.reference}, which you lead, has had no update for {duration(idle)}. "
                "Record the next step, or resolve it."
            ),
        ),
    )


def platform_chase(case: Case, *, waiting: timedelta) -> Card:
    return Card(
        summary=f"{case.reference}: waiting for the platform",
        lines=(
            line(
                f"⏰ {case.reference}: the platform has not answered the report made "
                f"{duration(waiting)} ago. Chase it, or record its answer on the card."
            ),
        ),
    )


def unreachable(case: Case, *, who: str, what: str) -> Card:
    """SLT told once that someone could not be sent their message, so a person tells them."""
    return Card(
        summary=f"{case.reference}: could not reach someone",
        lines=(
            line(
                f"⚠️ {case.reference}: the {what} could not be sent to ",
                Person(who),
                " after several tries (they may be a guest, or their account closed). "
                "Please tell them another way.",
            ),
        ),
    )


# Lists -------------------------------------------------------------------------------------


def open_cases(cases: Sequence[Case], *, zone: ZoneInfo) -> Card:
    """SLT's list of cases not yet resolved."""
    if not cases:
        return Card(summary=NO_OPEN_CASES, lines=(line(NO_OPEN_CASES),))
    return Card(
        summary=OPEN_CASES,
        title=OPEN_CASES,
        lines=tuple(
            line(
                "🚨 " if c.urgent else "",
                Strong(c.reference),
                f" {_kind(c)} — ",
                *state(c),
                f" · reported {local(c.reported_at, zone)}",
            )
            for c in cases
        ),
    )


def my_reports(cases: Sequence[Case], *, zone: ZoneInfo) -> Card:
    """Someone's own reports: where each stands, in their words."""
    if not cases:
        return Card(summary=NO_REPORTS, lines=(line(NO_REPORTS),))
    return Card(
        summary=YOUR_REPORTS,
        title=YOUR_REPORTS,
        lines=tuple(
            line(
                Strong(c.reference),
                f" {_kind(c)} — {STATUS_WORDS.get(reporter_status(c.status), c.status)} "
                f"(reported {local(c.reported_at, zone)})",
            )
            for c in cases
        ),
    )


def step_saved(case: Case) -> str:
    """What the person who took a step through a form is told once it is saved."""
    return f"{case.reference} updated."

"""Incident reports and cases. The free-text details appear only in `details_modal` (SLT)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    HeaderBlock,
    Option,
)
from slack_sdk.models.views import View

from bot.comments.options import PLATFORMS
from bot.incidents import options
from bot.incidents.reminders import reporter_status
from bot.incidents.service import MEDIA_KIND, Field, Status
from handlers.present.time import duration, local
from handlers.present.verbs import IncidentAction
from handlers.slack.ids import COMMAND, IncidentCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import clip, escape, markdown, mention, message, note, quote
from store.models import AuditEvent, Incident

AT_RISK = "at_risk"
SAFEGUARDING = (
    "🛑 *A child may be at risk: follow the school's safeguarding procedures now.* Contact the "
    "Designated Safeguarding Lead (DSL) immediately, in person or by phone; don't wait for this "
    "report to be read. Finish the report afterwards; it will be flagged urgent."
)
MEDIA_HOLDING_LINE = (
    "Don't reply to the journalist yet. If you must answer, say only: _\"Thank you for getting in "
    "touch. I'll pass your enquiry to the school, who will respond.\"_ The school's media policy "
    "must be followed before anyone responds."
)


def report_modal(
    *,
    now: datetime,
    at_risk: bool = False,
    link: str = "",
    platform: str | None = None,
    metadata: str = "",
) -> View:
    """The one form every way of reporting opens. Roles, not names."""
    blocks: list[Block] = [
        markdown(
            "This goes to SLT only. Describe people by their role (a pupil, a member of "
            "staff), not by name, unless SLT need the name to act."
        ),
        inputs.select(Field.KIND, "What kind of incident", options.KINDS),
        inputs.select(Field.PLATFORM, "Where: platform", PLATFORMS, initial=platform),
        inputs.select(Field.ACCOUNT_TYPE, "Where: whose account", options.ACCOUNT_TYPES),
        inputs.text(Field.LINK, "Link", limit=options.LINK_LIMIT, optional=True, initial=link),
        inputs.moment(Field.HAPPENED_AT, "When it happened", initial=now),
        inputs.checks(Field.INVOLVED, "Who is involved (roles)", options.INVOLVED),
        inputs.text(
            Field.DETAILS,
            "What happened",
            limit=options.DETAILS_LIMIT,
            optional=False,
            multiline=True,
        ),
        inputs.checks(Field.ACTIONS_TAKEN, "What has already been done", options.ACTIONS_TAKEN),
        ActionsBlock(
            block_id=Field.AT_RISK,
            elements=[
                CheckboxesElement(
                    action_id=IncidentAction.AT_RISK,
                    options=[Option(value=AT_RISK, label="A child may be at risk now")],
                    initial_options=[Option(value=AT_RISK, label="A child may be at risk now")]
                    if at_risk
                    else None,
                )
            ],
        ),
    ]
    if at_risk:
        blocks.append(markdown(SAFEGUARDING))
    return View(
        type="modal",
        callback_id=IncidentCallback.REPORT,
        title="Report to SLT",
        submit="Send to SLT",
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    )


def reported_view(incident: Incident) -> View:
    blocks: list[Block] = [
        markdown(
            f"*Sent to SLT as {incident.reference}.* You'll get a message when its status changes; "
            f"`{COMMAND} myreports` shows where your reports stand."
        )
    ]
    if incident.urgent:
        blocks.append(markdown(SAFEGUARDING))
    if incident.kind == MEDIA_KIND:
        blocks.append(markdown(MEDIA_HOLDING_LINE))
    return View(type="modal", title="Report sent", close="Done", blocks=blocks)


def _where(incident: Incident) -> str:
    return (
        f"{PLATFORMS.get(incident.platform, incident.platform)}, "
        f"{options.ACCOUNT_TYPES.get(incident.account_type, incident.account_type).lower()}"
    )


def _state(incident: Incident) -> str:
    if incident.status == Status.RESOLVED:
        return f"✅ Resolved: {options.OUTCOMES.get(incident.outcome or '', '')}"
    if incident.status == Status.REPORTED:
        return "🟠 Waiting for someone to take the lead"
    return f"🔵 Open, led by <@{incident.lead}>"


def case_card(
    incident: Incident, *, section: str | None, zone: ZoneInfo, mention: str
) -> dict[str, Any]:
    """The SLT channel's card: kind, urgency, where, when, state. Never the details."""
    urgent = "🚨 *URGENT: a child may be at risk* · " if incident.urgent else ""
    facts = [
        f"{urgent}*{escape(options.KINDS[incident.kind])}*",
        f"Where: {escape(_where(incident))} · When: {local(incident.happened_at, zone)}",
        f"Reported by <@{incident.reporter}> at {local(incident.reported_at, zone)}",
        _state(incident),
    ]
    if incident.severity:
        facts.append(f"Severity: {options.SEVERITIES[incident.severity]}")
    if incident.external_agency:
        facts.append(
            f"Escalated to {options.AGENCIES[incident.external_agency]}"
            + (f" ({escape(incident.external_reference)})" if incident.external_reference else "")
        )
    if incident.platform_reported_at:
        answer = options.PLATFORM_OUTCOMES.get(incident.platform_outcome or "", "waiting")
        facts.append(f"Reported to the platform: {answer}")
    if incident.legal_hold:
        facts.append("⚖️ On legal hold: kept whole whatever the retention period")
    if incident.safeguarding_reference:
        facts.append(
            f"Moved to the safeguarding record system "
            f"({escape(incident.safeguarding_reference)}); details erased here"
        )
    blocks: list[Block] = [HeaderBlock(text=incident.reference)]
    if incident.status == Status.REPORTED:
        blocks.append(markdown(f"📣 {mention} a new report needs someone to take the lead."))
    blocks.append(markdown("\n".join(facts)))
    if section:
        blocks.append(
            note(
                f"Policy: {escape(section)} · `{COMMAND} section "
                f"{escape(section.split(' › ')[-1])}`"
            )
        )
    blocks.append(ActionsBlock(elements=_case_buttons(incident)))
    return message(
        f"{incident.reference}: {options.KINDS[incident.kind]}"
        + (" (URGENT)" if incident.urgent else ""),
        blocks,
    )


def _button(
    text: str, action: IncidentAction, incident: Incident, style: str | None = None
) -> ButtonElement:
    return ButtonElement(
        text=text, action_id=action, value=f"{incident.id}:{incident.version}", style=style
    )


def _case_buttons(incident: Incident) -> list[ButtonElement]:
    buttons = []
    if incident.details is not None:
        buttons.append(_button("View details", IncidentAction.DETAILS, incident))
    hold = _button(
        "Release legal hold" if incident.legal_hold else "Legal hold",
        IncidentAction.LEGAL_HOLD,
        incident,
    )
    if incident.status == Status.RESOLVED:
        return [*buttons, _button("Reopen", IncidentAction.REOPEN, incident), hold]
    if incident.status == Status.REPORTED:
        buttons.append(_button("Take the lead", IncidentAction.TAKE_LEAD, incident, "primary"))
    buttons += [
        _button("Initial assessment", IncidentAction.ASSESS, incident),
        _button("Escalate externally", IncidentAction.ESCALATE, incident),
    ]
    if incident.platform_reported_at and not incident.platform_outcome:
        buttons.append(_button("Platform's answer", IncidentAction.PLATFORM_OUTCOME, incident))
    buttons.append(_button("Resolve", IncidentAction.RESOLVE, incident, "danger"))
    if incident.safeguarding_reference is None:
        buttons.append(_button("Moved to safeguarding system", IncidentAction.HAND_OFF, incident))
    return [*buttons, hold][:25]


def details_modal(incident: Incident, *, zone: ZoneInfo) -> View:
    involved = ", ".join(options.INVOLVED[v] for v in incident.involved.split(",") if v)
    done = ", ".join(options.ACTIONS_TAKEN[v] for v in incident.actions_taken.split(",") if v)
    lines = [
        f"*{escape(options.KINDS[incident.kind])}* · {escape(_where(incident))}",
        f"When: {local(incident.happened_at, zone)}",
        f"Involved: {involved or 'not said'}",
        f"Already done: {done or 'nothing yet'}",
    ]
    if incident.link:
        lines.append(f"Link: <{incident.link}>")
    blocks: list[Block] = [
        markdown("\n".join(lines)),
        markdown(f"*What happened*\n{quote(escape(incident.details or ''))}"),
    ]
    if incident.staff_involved:
        blocks.append(markdown(f"*Staff to involve:* {escape(incident.staff_involved)}"))
    if incident.assessment_note:
        blocks.append(markdown(f"*Assessment note:* {escape(incident.assessment_note)}"))
    if incident.outcome_note:
        blocks.append(markdown(f"*Outcome note:* {escape(incident.outcome_note)}"))
    blocks.append(note("Viewing the details is recorded on the case's audit trail."))
    return View(
        type="modal", title=clip(incident.reference, 24), close="Close", blocks=blocks[:100]
    )


def _step_modal(
    incident: Incident, callback: IncidentCallback, title: str, submit: str, blocks: list[Block]
) -> View:
    return View(
        type="modal",
        callback_id=callback,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=f"{incident.id}:{incident.version}",
        blocks=[
            markdown(f"*{incident.reference}* · {escape(options.KINDS[incident.kind])}"),
            *blocks,
        ],
    )


def assess_modal(incident: Incident) -> View:
    return _step_modal(
        incident,
        IncidentCallback.ASSESS,
        "Initial assessment",
        "Save",
        [
            inputs.select(
                Field.SEVERITY, "Severity", options.SEVERITIES, initial=incident.severity
            ),
            inputs.text(
                Field.STAFF,
                "Staff to involve",
                limit=options.NOTE_LIMIT,
                optional=True,
                initial=incident.staff_involved or "",
            ),
            inputs.checks(
                Field.AGENCIES,
                "External agencies",
                options.AGENCIES,
                initial=set((incident.agencies or "").split(",")),
            ),
            inputs.text(
                Field.NOTE, "Note", limit=options.NOTE_LIMIT, optional=True, multiline=True
            ),
        ],
    )


def escalate_modal(incident: Incident, *, now: datetime) -> View:
    return _step_modal(
        incident,
        IncidentCallback.ESCALATE,
        "Escalate externally",
        "Save",
        [
            inputs.select(Field.AGENCY, "Agency", options.AGENCIES),
            inputs.text(
                Field.REFERENCE, "Their reference", limit=options.REFERENCE_LIMIT, optional=True
            ),
            inputs.moment(Field.WHEN, "When", initial=now),
        ],
    )


def platform_outcome_modal(incident: Incident) -> View:
    return _step_modal(
        incident,
        IncidentCallback.PLATFORM_OUTCOME,
        "Platform's answer",
        "Save",
        [inputs.radio(Field.PLATFORM_OUTCOME, "What the platform did", options.PLATFORM_OUTCOMES)],
    )


def resolve_modal(incident: Incident) -> View:
    return _step_modal(
        incident,
        IncidentCallback.RESOLVE,
        "Resolve",
        "Resolve",
        [
            inputs.select(Field.OUTCOME, "Outcome", options.OUTCOMES),
            inputs.text(
                Field.NOTE, "Note", limit=options.NOTE_LIMIT, optional=True, multiline=True
            ),
        ],
    )


def hand_off_modal(incident: Incident) -> View:
    return _step_modal(
        incident,
        IncidentCallback.HAND_OFF,
        "Safeguarding hand-off",
        "Hand off",
        [
            markdown(
                "Once the case is in the school's safeguarding record system, the bot keeps "
                "only that system's reference, the kind, the dates and the audit trail. "
                "*The details written here are erased.*"
            ),
            inputs.text(
                Field.REFERENCE,
                "Safeguarding system reference",
                limit=options.REFERENCE_LIMIT,
                optional=False,
            ),
        ],
    )


def step_message(incident: Incident, step: AuditEvent, *, zone: ZoneInfo) -> dict[str, Any]:
    text = f"{escape(step.summary)} — {mention(step.actor)}, {local(step.at, zone)}"
    return message(f"{incident.reference}: {step.summary}", [markdown(text)])


def reporter_confirmation(incident: Incident) -> dict[str, Any]:
    blocks: list[Block] = [
        markdown(
            f"Thank you. Your report is with SLT as *{incident.reference}* "
            f"({escape(options.KINDS[incident.kind])}). You'll hear when its status changes."
        )
    ]
    if incident.kind == MEDIA_KIND:
        blocks.append(markdown(MEDIA_HOLDING_LINE))
    return message(f"Your report {incident.reference} is with SLT", blocks)


STATUS_WORDS = {
    "received": "received, and waiting for a senior leader",
    "in hand": "in hand: a senior leader is dealing with it",
    "resolved": "resolved",
}


def reporter_update(incident: Incident, *, status: str) -> dict[str, Any]:
    text = f"Your report *{incident.reference}* is now {STATUS_WORDS.get(status, status)}."
    return message(f"Your report {incident.reference} is now {status}", [markdown(text)])


def urgent_alert(incident: Incident, *, card_link: str | None) -> dict[str, Any]:
    where = f" <{card_link}|Open the case>." if card_link else ""
    text = (
        f"🚨 *Urgent report {incident.reference}: a child may be at risk.* "
        f"{escape(options.KINDS[incident.kind])}, {escape(_where(incident))}.{where}"
    )
    return message(f"Urgent report {incident.reference}", [markdown(text)])


def media_alert(incident: Incident) -> dict[str, Any]:
    text = (
        f"📰 A member of staff (<@{incident.reporter}>) reports contact from a journalist or "
        f"the media ({incident.reference}). SLT have it too; you are named as the school's "
        "spokesperson. They have been told to say nothing beyond a holding line."
    )
    return message(f"Media contact reported: {incident.reference}", [markdown(text)])


def reping(incident: Incident, *, mention: str, waited: timedelta) -> dict[str, Any]:
    urgent = "🚨 URGENT " if incident.urgent else ""
    text = (
        f"⏰ {mention} {urgent}{incident.reference} has waited {duration(waited)} without "
        "anyone taking the lead."
    )
    return message(f"{incident.reference} still needs a lead", [markdown(text)])


def idle_reminder(incident: Incident, *, idle: timedelta) -> dict[str, Any]:
    text = (
        f"⏰ {incident.reference}, which you lead, has had no update for {duration(idle)}. "
        "Record the next step, or resolve it."
    )
    return message(f"{incident.reference} has had no update", [markdown(text)])


def platform_chase(incident: Incident, *, waiting: timedelta) -> dict[str, Any]:
    text = (
        f"⏰ {incident.reference}: the platform has not answered the report made "
        f"{duration(waiting)} ago. Chase it, or record its answer on the card."
    )
    return message(f"{incident.reference}: waiting for the platform", [markdown(text)])


def cases_message(
    cases: list[Incident], *, zone: ZoneInfo, title: str, empty: str
) -> dict[str, Any]:
    return message(title, cases_blocks(cases, zone=zone, title=title, empty=empty))


def cases_blocks(cases: list[Incident], *, zone: ZoneInfo, title: str, empty: str) -> list[Block]:
    if not cases:
        return [markdown(empty)]
    lines = [
        f"{'🚨 ' if c.urgent else ''}*{c.reference}* {escape(options.KINDS[c.kind])} — "
        f"{_state(c)} · reported {local(c.reported_at, zone)}"
        for c in cases
    ]
    return [markdown(f"*{title}*"), markdown("\n".join(lines))]


def my_reports_message(cases: list[Incident], *, zone: ZoneInfo) -> dict[str, Any]:
    if not cases:
        return message("No reports", [markdown("You haven't made any reports.")])
    lines = [
        f"*{c.reference}* {escape(options.KINDS[c.kind])} — "
        f"{STATUS_WORDS.get(reporter_status(c), c.status)} (reported {local(c.reported_at, zone)})"
        for c in cases
    ]
    return message("Your reports", [markdown("*Your reports*"), markdown("\n".join(lines))])


REPORT_BUTTON = ButtonElement(
    text="Report an incident", action_id=IncidentAction.OPEN_REPORT, style="danger"
)

INCIDENT_HELP = (
    f"`{COMMAND} report` — report an incident to SLT (anyone)",
    f"`{COMMAND} myreports` — where your reports stand",
    f"`{COMMAND} incidents` — open cases (SLT)",
    f"`{COMMAND} acknowledge` — confirm you have read the current policy",
    f"`{COMMAND} acknowledgements` — who has not confirmed it yet (SLT)",
    f"`{COMMAND} unanswered` — questions the policy could not answer (SLT)",
    f"`{COMMAND} report-csv <from> <to>` — figures and rows as a CSV, by DM (SLT)",
    f"`{COMMAND} review` — ask for a second opinion on a draft post or reply",
    f"`{COMMAND} apply` — apply for a new school social media account",
    f"`{COMMAND} accounts` — the register of school accounts",
    f"`{COMMAND} leaver @name` — someone has left: hand over their accounts (administrators)",
)

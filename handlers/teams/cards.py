"""Adaptive Cards (version 1.5) for every Teams surface, validated by the Teams SDK's card model.

Buttons are Universal Actions (`Action.Execute` with a verb) with an `Action.Submit` fallback for
older clients; forms open as dialogs (`task/fetch`). Case details appear only in `details_card`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from microsoft_teams.cards import AdaptiveCard

from bot.comments import options as comment_options
from bot.incidents import options as incident_options
from bot.incidents.reminders import reporter_status
from bot.incidents.service import MEDIA_KIND, Status
from bot.incidents.service import Field as IncidentField
from handlers.present.time import duration as duration  # the notifier's alerts use it
from handlers.present.time import local
from store.models import AuditEvent, DraftReview, Incident

Card = dict[str, Any]
Name = Callable[[str], str]
_MARKDOWN = re.compile(r"([\\`*_\[\]#<>|~])")  # no link can form without [ ]


def plain(text: str) -> str:
    """User or document text made inert in a markdown TextBlock: no links, no formatting."""
    return _MARKDOWN.sub(r"\\\1", text)


def card(*body: Card, actions: Iterable[Card] = ()) -> Card:
    built: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": list(body),
    }
    listed = list(actions)
    if listed:
        built["actions"] = listed
    AdaptiveCard.model_validate(built)  # refuses a malformed card before Teams sees it
    return built


def text(value: str, **style: Any) -> Card:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def heading(value: str) -> Card:
    return text(value, size="Large", weight="Bolder")


def subtle(value: str) -> Card:
    return text(value, isSubtle=True, size="Small")


def execute(title: str, verb: str, **data: Any) -> Card:
    """A Universal Action, falling back to a plain submit where it isn't supported."""
    payload = {"verb": verb, **data}
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload,
        "fallback": {"type": "Action.Submit", "title": title, "data": payload},
    }


def dialog(title: str, name: str, **data: Any) -> Card:
    """A button that opens a dialog (task module)."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {"msteams": {"type": "task/fetch"}, "dialog": name, **data},
    }


def _choices(choices: dict[str, str]) -> list[Card]:
    return [{"title": label, "value": value} for value, label in choices.items()]


def choice_input(
    field: str,
    label: str,
    choices: dict[str, str],
    *,
    value: Any = None,
    required: bool = True,
    multi: bool = False,
    expanded: bool = False,
) -> Card:
    element: Card = {
        "type": "Input.ChoiceSet",
        "id": field,
        "label": label,
        "choices": _choices(choices),
        "isRequired": required,
        "isMultiSelect": multi,
        "style": "expanded" if expanded or multi else "compact",
    }
    if value:
        element["value"] = value
    return element


def text_input(
    field: str,
    label: str,
    *,
    limit: int,
    value: str = "",
    required: bool = False,
    multiline: bool = False,
) -> Card:
    element: Card = {
        "type": "Input.Text",
        "id": field,
        "label": label,
        "maxLength": limit,
        "isRequired": required,
        "isMultiline": multiline,
    }
    if value:
        element["value"] = value[:limit]
    return element


def moment_inputs(field: str, label: str, value: datetime, zone: ZoneInfo) -> list[Card]:
    local_value = value.astimezone(zone)
    return [
        {
            "type": "Input.Date",
            "id": f"{field}_date",
            "label": f"{label} (date)",
            "value": local_value.strftime("%Y-%m-%d"),
            "isRequired": True,
        },
        {
            "type": "Input.Time",
            "id": f"{field}_time",
            "label": f"{label} (time)",
            "value": local_value.strftime("%H:%M"),
            "isRequired": True,
        },
    ]


def errors_block(errors: dict[str, str], labels: dict[str, str]) -> list[Card]:
    if not errors:
        return []
    lines = "\n".join(f"- **{labels.get(f, f)}**: {plain(m)}" for f, m in errors.items())
    return [text(f"Please check:\n{lines}", color="Attention")]


def note_card(message: str) -> Card:
    return card(text(message))


# Incidents -------------------------------------------------------------------------------

INCIDENT_LABELS = {
    IncidentField.KIND: "What kind",
    IncidentField.PLATFORM: "Platform",
    IncidentField.ACCOUNT_TYPE: "Whose account",
    IncidentField.LINK: "Link",
    IncidentField.HAPPENED_AT: "When it happened",
    IncidentField.INVOLVED: "Who is involved",
    IncidentField.DETAILS: "What happened",
    IncidentField.ACTIONS_TAKEN: "Already done",
    IncidentField.SEVERITY: "Severity",
    IncidentField.AGENCY: "Agency",
    IncidentField.REFERENCE: "Reference",
    IncidentField.OUTCOME: "Outcome",
    IncidentField.PLATFORM_OUTCOME: "Platform's answer",
}
SAFEGUARDING = (
    "If a child may be at risk now: follow the school's safeguarding procedures at once and "
    "contact the Designated Safeguarding Lead (DSL) immediately, in person or by phone. Don't "
    "wait for this report to be read; tick the box and it is flagged urgent."
)
MEDIA_HOLDING_LINE = (
    "Don't reply to the journalist yet. If you must answer, say only: \"Thank you for getting in "
    "touch. I'll pass your enquiry to the school, who will respond.\" The school's media policy "
    "must be followed before anyone responds."
)


def report_dialog_card(
    *,
    now: datetime,
    zone: ZoneInfo,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    comment_id: int | None = None,
) -> Card:
    values = values or {}
    data: Card = {"dialog": "report"}
    if comment_id is not None:
        data["comment"] = comment_id
    return card(
        *errors_block(errors or {}, INCIDENT_LABELS),
        text("This goes to SLT only. Describe people by their role, not by name."),
        text(SAFEGUARDING, color="Attention", weight="Bolder"),
        {
            "type": "Input.Toggle",
            "id": IncidentField.AT_RISK,
            "title": "A child may be at risk now",
            "value": values.get(IncidentField.AT_RISK, "false"),
        },
        choice_input(
            IncidentField.KIND,
            "What kind of incident",
            incident_options.KINDS,
            value=values.get(IncidentField.KIND),
        ),
        choice_input(
            IncidentField.PLATFORM,
            "Where: platform",
            comment_options.PLATFORMS,
            value=values.get(IncidentField.PLATFORM),
        ),
        choice_input(
            IncidentField.ACCOUNT_TYPE,
            "Where: whose account",
            incident_options.ACCOUNT_TYPES,
            value=values.get(IncidentField.ACCOUNT_TYPE),
        ),
        text_input(
            IncidentField.LINK,
            "Link",
            limit=incident_options.LINK_LIMIT,
            value=values.get(IncidentField.LINK, ""),
        ),
        *moment_inputs(IncidentField.HAPPENED_AT, "When it happened", now, zone),
        choice_input(
            IncidentField.INVOLVED,
            "Who is involved (roles)",
            incident_options.INVOLVED,
            value=values.get(IncidentField.INVOLVED),
            required=False,
            multi=True,
        ),
        text_input(
            IncidentField.DETAILS,
            "What happened",
            limit=incident_options.DETAILS_LIMIT,
            required=True,
            multiline=True,
            value=values.get(IncidentField.DETAILS, ""),
        ),
        choice_input(
            IncidentField.ACTIONS_TAKEN,
            "What has already been done",
            incident_options.ACTIONS_TAKEN,
            value=values.get(IncidentField.ACTIONS_TAKEN),
            required=False,
            multi=True,
        ),
        actions=[{"type": "Action.Submit", "title": "Send to SLT", "data": data}],
    )


def reported_card(incident: Incident) -> Card:
    body = [
        text(
            f"Sent to SLT as **{incident.reference}**. You'll hear when its status "
            "changes; **myreports** shows where your reports stand."
        )
    ]
    if incident.urgent:
        body.append(text(SAFEGUARDING, color="Attention", weight="Bolder"))
    if incident.kind == MEDIA_KIND:
        body.append(text(plain(MEDIA_HOLDING_LINE)))
    return card(*body)


def _where(incident: Incident) -> str:
    platform = comment_options.PLATFORMS.get(incident.platform, incident.platform)
    account = incident_options.ACCOUNT_TYPES.get(incident.account_type, incident.account_type)
    return f"{platform}, {account.lower()}"


def _state(incident: Incident, name: Name) -> str:
    if incident.status == Status.RESOLVED:
        return f"✅ Resolved: {incident_options.OUTCOMES.get(incident.outcome or '', '')}"
    if incident.status == Status.REPORTED:
        return "🟠 Waiting for someone to take the lead"
    return f"🔵 Open, led by {plain(name(incident.lead or ''))}"


def case_card(incident: Incident, *, section: str | None, zone: ZoneInfo, name: Name) -> Card:
    """The SLT conversation's card: kind, urgency, where, when, state. Never the details."""
    body = [heading(incident.reference)]
    if incident.urgent:
        body.append(text("🚨 URGENT: a child may be at risk", color="Attention", weight="Bolder"))
    body += [
        text(plain(incident_options.KINDS[incident.kind]), weight="Bolder"),
        text(f"Where: {plain(_where(incident))} · When: {local(incident.happened_at, zone)}"),
        text(
            f"Reported by {plain(name(incident.reporter))} at {local(incident.reported_at, zone)}"
        ),
        text(_state(incident, name)),
    ]
    if incident.severity:
        body.append(text(f"Severity: {incident_options.SEVERITIES[incident.severity]}"))
    if incident.external_agency:
        body.append(text(f"Escalated to {incident_options.AGENCIES[incident.external_agency]}"))
    if incident.legal_hold:
        body.append(text("⚖️ On legal hold: kept whole whatever the retention period"))
    if incident.safeguarding_reference:
        body.append(text("Moved to the safeguarding record system; details erased here"))
    if section:
        body.append(subtle(f"Policy: {plain(section)}"))
    ref = {"incident": incident.id, "version": incident.version}
    actions: list[Card] = []
    if incident.details is not None:
        actions.append(dialog("View details", "details", **ref))
    hold = execute(
        "Release legal hold" if incident.legal_hold else "Legal hold", "incident.legal_hold", **ref
    )
    if incident.status == Status.RESOLVED:
        actions += [execute("Reopen", "incident.reopen", **ref), hold]
    else:
        if incident.status == Status.REPORTED:
            actions.append(execute("Take the lead", "incident.take_lead", **ref))
        actions += [
            dialog("Initial assessment", "assess", **ref),
            dialog("Escalate externally", "escalate", **ref),
        ]
        if incident.platform_reported_at and not incident.platform_outcome:
            actions.append(dialog("Platform's answer", "platform_outcome", **ref))
        actions.append(dialog("Resolve", "resolve", **ref))
        if incident.safeguarding_reference is None:
            actions.append(dialog("Moved to safeguarding system", "hand_off", **ref))
        actions.append(hold)
    return card(*body, actions=actions)


def details_card(incident: Incident, *, zone: ZoneInfo) -> Card:
    involved = ", ".join(incident_options.INVOLVED[v] for v in incident.involved.split(",") if v)
    done = ", ".join(
        incident_options.ACTIONS_TAKEN[v] for v in incident.actions_taken.split(",") if v
    )
    body = [
        heading(incident.reference),
        text(f"{plain(incident_options.KINDS[incident.kind])} · {plain(_where(incident))}"),
        text(f"When: {local(incident.happened_at, zone)} · Involved: {involved or 'not said'}"),
        text(f"Already done: {done or 'nothing yet'}"),
        text(plain(incident.details or "")),
        subtle("Viewing the details is recorded on the case's audit trail."),
    ]
    return card(*body)


def step_dialog_card(
    incident: Incident,
    step: str,
    *,
    now: datetime,
    zone: ZoneInfo,
    errors: dict[str, str] | None = None,
) -> Card:
    fields: list[Card]
    if step == "assess":
        fields = [
            choice_input(IncidentField.SEVERITY, "Severity", incident_options.SEVERITIES),
            text_input(IncidentField.STAFF, "Staff to involve", limit=incident_options.NOTE_LIMIT),
            choice_input(
                IncidentField.AGENCIES,
                "External agencies",
                incident_options.AGENCIES,
                required=False,
                multi=True,
            ),
            text_input(
                IncidentField.NOTE, "Note", limit=incident_options.NOTE_LIMIT, multiline=True
            ),
        ]
    elif step == "escalate":
        fields = [
            choice_input(IncidentField.AGENCY, "Agency", incident_options.AGENCIES),
            text_input(
                IncidentField.REFERENCE, "Their reference", limit=incident_options.REFERENCE_LIMIT
            ),
            *moment_inputs(IncidentField.WHEN, "When", now, zone),
        ]
    elif step == "platform_outcome":
        fields = [
            choice_input(
                IncidentField.PLATFORM_OUTCOME,
                "What the platform did",
                incident_options.PLATFORM_OUTCOMES,
                expanded=True,
            ),
        ]
    elif step == "hand_off":
        fields = [
            text(
                "Once the case is in the school's safeguarding record system, the bot keeps only "
                "that system's reference, the kind, the dates and the audit trail. The details "
                "written here are erased."
            ),
            text_input(
                IncidentField.REFERENCE,
                "Safeguarding system reference",
                limit=incident_options.REFERENCE_LIMIT,
                required=True,
            ),
        ]
    else:
        fields = [
            choice_input(IncidentField.OUTCOME, "Outcome", incident_options.OUTCOMES),
            text_input(
                IncidentField.NOTE, "Note", limit=incident_options.NOTE_LIMIT, multiline=True
            ),
        ]
    return card(
        *errors_block(errors or {}, INCIDENT_LABELS),
        text(
            f"{incident.reference} · {plain(incident_options.KINDS[incident.kind])}",
            weight="Bolder",
        ),
        *fields,
        actions=[
            {
                "type": "Action.Submit",
                "title": "Save",
                "data": {"dialog": step, "incident": incident.id, "version": incident.version},
            }
        ],
    )


def step_card(incident: Incident, step: AuditEvent, *, zone: ZoneInfo, name: Name) -> Card:
    return card(
        text(
            f"{incident.reference}: {plain(step.summary)} by {plain(name(step.actor))}, "
            f"{local(step.at, zone)}"
        )
    )


def reporter_card(incident: Incident, *, status: str | None = None) -> Card:
    if status is None:
        body = [
            text(
                f"Thank you. Your report is with SLT as **{incident.reference}** "
                f"({plain(incident_options.KINDS[incident.kind])})."
            )
        ]
        if incident.kind == MEDIA_KIND:
            body.append(text(plain(MEDIA_HOLDING_LINE)))
        return card(*body)
    return card(text(f"Your report **{incident.reference}** is now {status}."))


def media_alert_card(incident: Incident, *, name: Name) -> Card:
    return card(
        text(
            f"📰 A member of staff ({plain(name(incident.reporter))}) reports contact from a "
            f"journalist or the media ({incident.reference}). SLT have it too; you are named as "
            "the school's spokesperson. They have been told to say nothing beyond a holding line."
        )
    )


def alert_card(message: str) -> Card:
    return card(text(message, weight="Bolder"))


def cases_card(cases: list[Incident], *, zone: ZoneInfo, name: Name, mine: bool = False) -> Card:
    if not cases:
        return card(text("You haven't made any reports." if mine else "No open incident cases."))
    lines = [
        f"- {'🚨 ' if c.urgent else ''}**{c.reference}** "
        f"{plain(incident_options.KINDS[c.kind])}: "
        f"{reporter_status(c) if mine else _state(c, name)} (reported {local(c.reported_at, zone)})"
        for c in cases
    ]
    return card(heading("Your reports" if mine else "Open incident cases"), text("\n".join(lines)))


# Second opinions ------------------------------------------------------------------------


def review_dialog_card(
    *,
    account: str = "",
    context: str = "",
    comment_id: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Card:
    values = values or {}
    data: Card = {"dialog": "review"}
    if comment_id is not None:
        data["comment"] = comment_id
    return card(
        *errors_block(errors or {}, {"account": "Account", "draft": "Draft", "context": "Context"}),
        text(
            "When in doubt, get a second opinion before posting. Anything that could be "
            "controversial needs the Head Teacher's agreement."
        ),
        text_input(
            "account",
            "Which account it will go out on",
            limit=200,
            value=values.get("account", account),
            required=True,
        ),
        text_input(
            "context",
            "Context (what it answers, why now)",
            limit=1000,
            value=values.get("context", context),
            multiline=True,
        ),
        text_input(
            "draft",
            "The draft",
            limit=3000,
            value=values.get("draft", ""),
            required=True,
            multiline=True,
        ),
        actions=[{"type": "Action.Submit", "title": "Ask for review", "data": data}],
    )


def review_card(review: DraftReview, *, name: Name) -> Card:
    body = [
        heading("Second opinion requested"),
        text(
            f"{plain(name(review.author))} asks for a second opinion on a post for "
            f"**{plain(review.account)}**"
        ),
    ]
    if review.context:
        body.append(subtle(plain(review.context)))
    body.append(text(plain(review.draft)))
    ref = {"review": review.id, "version": review.version}
    if review.status == "pending":
        return card(
            *body,
            actions=[
                execute("Approve", "review.approve", **ref),
                dialog("Send back with notes", "review_send_back", **ref),
            ],
        )
    outcome = "✅ Approved" if review.status == "approved" else "↩️ Sent back"
    notes = f": {plain(review.notes)}" if review.notes else ""
    body.append(text(f"{outcome} by {plain(name(review.reviewer or ''))}{notes}"))
    return card(*body)


def send_back_dialog_card(review: DraftReview) -> Card:
    return card(
        text_input("notes", "What should change", limit=1000, required=True, multiline=True),
        actions=[
            {
                "type": "Action.Submit",
                "title": "Send back",
                "data": {
                    "dialog": "review_send_back",
                    "review": review.id,
                    "version": review.version,
                },
            }
        ],
    )


def review_outcome_card(review: DraftReview, *, name: Name) -> Card:
    if review.status == "approved":
        return card(
            text(
                f"Your draft for **{plain(review.account)}** was approved by "
                f"{plain(name(review.reviewer or ''))}: it can go out."
            )
        )
    return card(
        text(
            f"Your draft for **{plain(review.account)}** was sent back by "
            f"{plain(name(review.reviewer or ''))}: {plain(review.notes or '')}"
        )
    )

"""Reporting incidents, and SLT running the case from its card."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.comments import service as comments
from bot.comments.options import PLATFORMS
from bot.incidents import reminders
from bot.incidents import service as incidents
from bot.incidents.service import CaseError, Field, IncidentForm, Step
from bot.services import Services
from handlers.present.verbs import IncidentAction
from handlers.slack import forms
from handlers.slack.ids import IncidentCallback
from handlers.slack.replies import private
from handlers.slack.views import incidents as views
from handlers.slack.views.common import ephemeral_text, mention
from store.db import session_scope
from store.models import Incident

logger = logging.getLogger(__name__)

NOT_SLT = "Only SLT can see or act on incident cases."


def register(app: App, services: Services) -> None:
    app.shortcut(IncidentCallback.FROM_MESSAGE)(
        lambda ack, shortcut, client: report_from_message(ack, shortcut, client, services)
    )
    app.shortcut(IncidentCallback.GLOBAL)(
        lambda ack, shortcut, client: open_report(ack, shortcut["trigger_id"], client, services)
    )
    app.action(IncidentAction.OPEN_REPORT)(
        lambda ack, body, action, client: open_report_button(ack, body, action, client, services)
    )
    app.action(IncidentAction.AT_RISK)(
        lambda ack, body, client: toggle_at_risk(ack, body, client, services)
    )
    app.view(IncidentCallback.REPORT)(
        lambda ack, body, view: submit_report(ack, body, view, services)
    )
    app.action(IncidentAction.DETAILS)(
        lambda ack, body, action, client, respond: view_details(
            ack, body, action, client, respond, services
        )
    )
    app.action(IncidentAction.TAKE_LEAD)(
        lambda ack, body, action, respond: take_lead(ack, body, action, respond, services)
    )
    app.action(IncidentAction.LEGAL_HOLD)(
        lambda ack, body, action, respond: legal_hold(ack, body, action, respond, services)
    )
    app.action(IncidentAction.REOPEN)(
        lambda ack, body, action, respond: reopen(ack, body, action, respond, services)
    )
    for action, modal in (
        (IncidentAction.ASSESS, views.assess_modal),
        (IncidentAction.ESCALATE, lambda i: views.escalate_modal(i, now=services.clock.now())),
        (IncidentAction.PLATFORM_OUTCOME, views.platform_outcome_modal),
        (IncidentAction.RESOLVE, views.resolve_modal),
        (IncidentAction.HAND_OFF, views.hand_off_modal),
    ):
        app.action(action)(_step_opener(services, modal))
    for callback, step in (
        (IncidentCallback.ASSESS, Step.ASSESS),
        (IncidentCallback.ESCALATE, Step.ESCALATE),
        (IncidentCallback.PLATFORM_OUTCOME, Step.PLATFORM_OUTCOME),
        (IncidentCallback.RESOLVE, Step.RESOLVE),
        (IncidentCallback.HAND_OFF, Step.HAND_OFF),
    ):
        app.view(callback)(_step_submitter(services, step))


def open_report(
    ack: Ack,
    trigger_id: str,
    client: WebClient,
    services: Services,
    *,
    link: str = "",
    platform: str | None = None,
    metadata: str = "",
) -> None:
    ack()
    view = views.report_modal(
        now=services.clock.now(), link=link, platform=platform, metadata=metadata
    )
    client.views_open(trigger_id=trigger_id, view=view)


def report_from_command(
    ack: Ack, command: dict[str, Any], client: WebClient, services: Services
) -> None:
    open_report(ack, command["trigger_id"], client, services)


def report_from_message(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, services: Services
) -> None:
    """Pre-fill a link to the message, so SLT can find it (if they can see that channel)."""
    ack()
    link = ""
    try:
        link = client.chat_getPermalink(
            channel=shortcut["channel"]["id"], message_ts=shortcut["message"]["ts"]
        )["permalink"]
    except SlackApiError:
        logger.info("no permalink for the reported message; the form opens without one")
    view = views.report_modal(now=services.clock.now(), link=link)
    client.views_open(trigger_id=shortcut["trigger_id"], view=view)


def open_report_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, services: Services
) -> None:
    """From App Home, or a comment's card/logged view (then pre-filled from the comment)."""
    ack()
    comment = None
    if action.get("value"):
        with session_scope(services.sessions) as session:
            comment = comments.get(session, comment_id=int(action["value"]))
    view = views.report_modal(
        now=services.clock.now(),
        link=(comment.link or "") if comment else "",
        platform=comment.platform if comment else None,
        metadata=str(comment.id) if comment else "",
    )
    if body.get("view") and body["view"].get("type") == "modal":
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def toggle_at_risk(ack: Ack, body: dict[str, Any], client: WebClient, services: Services) -> None:
    """Show the safeguarding instruction the moment the box is ticked; what was typed stays."""
    ack()
    view = body["view"]
    at_risk = views.AT_RISK in forms.checked(view, Field.AT_RISK)
    updated = views.report_modal(
        now=services.clock.now(), at_risk=at_risk, metadata=view.get("private_metadata", "")
    )
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)


def _form(view: dict[str, Any]) -> IncidentForm:
    return IncidentForm(
        kind=forms.choice(view, Field.KIND),
        platform=forms.choice(view, Field.PLATFORM),
        account_type=forms.choice(view, Field.ACCOUNT_TYPE),
        link=forms.text(view, Field.LINK),
        happened_at=forms.moment(view, Field.HAPPENED_AT),
        involved=frozenset(forms.checked(view, Field.INVOLVED)),
        details=forms.text(view, Field.DETAILS),
        actions_taken=frozenset(forms.checked(view, Field.ACTIONS_TAKEN)),
        child_at_risk=views.AT_RISK in forms.checked(view, Field.AT_RISK),
    )


def submit_report(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    """Validate, store (once, however often Slack sends it), then acknowledge."""
    form = _form(view)
    now = services.clock.now()
    errors = incidents.validate(form, now=now, platforms=PLATFORMS)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    metadata = view.get("private_metadata") or ""
    with session_scope(services.sessions) as session:
        incident, _ = incidents.report(
            session,
            form=form,
            reporter=body["user"]["id"],
            submission_key=view["id"],
            now=now,
            comment_id=int(metadata) if metadata.isdigit() else None,
        )
        incident_id = incident.id
        confirmation = views.reported_view(incident)
    ack(response_action="update", view=confirmation)
    _deliver(services, incident_id)


def _deliver(services: Services, incident_id: int) -> None:
    reminders.deliver_now(
        sessions=services.sessions,
        incident_id=incident_id,
        notifier=services.notifier,
        timers=services.incident_timers,
        section_for=services.policy_section,
        clock=services.clock,
    )


def _target(action: dict[str, Any]) -> tuple[int, int]:
    incident_id, version = action["value"].split(":")
    return int(incident_id), int(version)


def view_details(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    user = body["user"]["id"]
    if not services.roles.is_slt(user):
        private(respond, NOT_SLT)
        return
    incident_id, _ = _target(action)
    with session_scope(services.sessions) as session:
        incident = incidents.view_details(
            session, incident_id=incident_id, user=user, now=services.clock.now()
        )
        modal = views.details_modal(incident, zone=services.zone)
    client.views_open(trigger_id=body["trigger_id"], view=modal)


def _act(
    respond: Respond,
    body: dict[str, Any],
    services: Services,
    change: Callable[[Any, str], Incident],
) -> None:
    user = body["user"]["id"]
    if not services.roles.is_slt(user):
        private(respond, NOT_SLT)
        return
    try:
        with session_scope(services.sessions) as session:
            incident = change(session, user)
            incident_id = incident.id
    except CaseError as error:
        private(respond, error.describe(mention))
        return
    _deliver(services, incident_id)


def take_lead(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    incident_id, version = _target(action)
    _act(
        respond,
        body,
        services,
        lambda session, user: incidents.take_lead(
            session, incident_id=incident_id, version=version, user=user, now=services.clock.now()
        ),
    )


def legal_hold(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    incident_id, version = _target(action)

    def change(session: Any, user: str) -> Incident:
        current = incidents.get(session, incident_id=incident_id)
        hold = not (current.legal_hold if current else False)
        return incidents.set_legal_hold(
            session,
            incident_id=incident_id,
            version=version,
            user=user,
            hold=hold,
            now=services.clock.now(),
        )

    _act(respond, body, services, change)


def reopen(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    incident_id, version = _target(action)
    _act(
        respond,
        body,
        services,
        lambda session, user: incidents.reopen(
            session, incident_id=incident_id, version=version, user=user, now=services.clock.now()
        ),
    )


def _step_opener(services: Services, modal: Callable[[Incident], Any]) -> Callable[..., None]:
    """A listener for one step's button (Bolt passes listeners only the arguments it knows)."""
    return lambda ack, body, action, client, respond: open_step(
        ack, body, action, client, respond, services, modal
    )


def open_step(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
    modal: Callable[[Incident], Any],
) -> None:
    ack()
    if not services.roles.is_slt(body["user"]["id"]):
        private(respond, NOT_SLT)
        return
    incident_id, version = _target(action)
    with session_scope(services.sessions) as session:
        incident = incidents.get(session, incident_id=incident_id)
        if incident is None or incident.version != version:
            private(
                respond,
                "That case has moved on since this card was drawn; "
                "nothing was changed. The card now shows where it stands.",
            )
            return
        view = modal(incident)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _step_submitter(services: Services, step: Step) -> Callable[..., None]:
    return lambda ack, body, view: submit_step(ack, body, view, services, step)


def submit_step(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services, step: Step
) -> None:
    """Every SLT step: role check, the change (refused if the case moved on), audit, cards."""
    user = body["user"]["id"]
    incident_id, version = (int(part) for part in view["private_metadata"].split(":"))
    first_field = next(iter(view.get("state", {}).get("values", {})), Field.NOTE)
    if not services.roles.is_slt(user):
        ack(response_action="errors", errors={first_field: NOT_SLT})
        return
    try:
        with session_scope(services.sessions) as session:
            incidents.apply_step(
                session,
                step=step,
                values=forms.values(view),
                incident_id=incident_id,
                version=version,
                user=user,
                now=services.clock.now(),
            )
    except CaseError as error:
        ack(response_action="errors", errors={first_field: error.describe(mention)})
        return
    ack()
    _deliver(services, incident_id)


def open_cases(ack: Ack, command: dict[str, Any], services: Services) -> None:
    if not services.roles.is_slt(command["user_id"]):
        ack(**ephemeral_text(NOT_SLT))
        return
    with session_scope(services.sessions) as session:
        cases = incidents.open_cases(session)
    ack(
        **views.cases_message(
            cases,
            zone=services.zone,
            title="Open incident cases",
            empty="No open incident cases.",
        )
    )


def my_reports(ack: Ack, command: dict[str, Any], services: Services) -> None:
    with session_scope(services.sessions) as session:
        cases = incidents.reports_by(session, reporter=command["user_id"])
    ack(**views.my_reports_message(cases, zone=services.zone))

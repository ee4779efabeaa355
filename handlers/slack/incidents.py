"""Reporting incidents, and SLT running the case from its card: each listener reads what Slack
sent, calls the one domain action (`bot.incidents.actions`) and shows what it returns."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.incidents import actions
from bot.incidents.actions import Case, InvalidReport
from bot.incidents.service import CaseError, Field, IncidentForm, Step
from bot.services import Services
from handlers.present import incidents as present
from handlers.present.verbs import IncidentAction
from handlers.slack import forms, render
from handlers.slack.ids import FRONT_END, IncidentCallback
from handlers.slack.replies import private
from handlers.slack.views import incidents as views
from handlers.slack.views.common import ephemeral_text, mention

logger = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    app.shortcut(IncidentCallback.FROM_MESSAGE)(
        lambda ack, shortcut, client: report_from_message(ack, shortcut, client, services)
    )
    app.shortcut(IncidentCallback.GLOBAL)(
        lambda ack, shortcut, client: open_report(ack, shortcut["trigger_id"], client, services)
    )
    app.action(IncidentAction.OPEN_REPORT)(
        lambda ack, body, action, client, respond: open_report_button(
            ack, body, action, client, respond, services
        )
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
    for verb, change in (
        (IncidentAction.TAKE_LEAD, actions.take_lead),
        (IncidentAction.LEGAL_HOLD, actions.toggle_legal_hold),
        (IncidentAction.REOPEN, actions.reopen),
    ):
        app.action(verb)(_changer(services, change))
    for verb, step in present.STEP_VERBS.items():
        app.action(verb)(_step_opener(services, step))
    for step, callback in views.STEP_CALLBACKS.items():
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
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    """From App Home, or a comment's card/logged view (then pre-filled from the comment)."""
    ack()
    value = action.get("value")
    try:
        start = actions.prefill(
            services,
            services.roles,
            comment_id=forms.record_id(value) if value else None,
            user=body["user"]["id"],
        )
    except CaseError as error:
        private(respond, str(error))
        return
    view = views.report_modal(
        now=services.clock.now(),
        link=start.link,
        platform=start.platform,
        metadata=str(start.comment_id or ""),
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
    """Validate and store (once, however often Slack sends it), acknowledge, then deliver."""
    metadata = view.get("private_metadata") or ""
    try:
        actions.report(
            services,
            form=_form(view),
            reporter=body["user"]["id"],
            submission_key=forms.submission(body, view).digest(),
            front_end=FRONT_END,
            comment_id=forms.record_id(metadata) or None,
            reply=lambda case: ack(response_action="update", view=views.reported_view(case)),
        )
    except InvalidReport as invalid:
        ack(response_action="errors", errors=invalid.errors)


def _target(action: dict[str, Any]) -> tuple[int, int]:
    return forms.target(action.get("value"))


def view_details(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    incident_id, _ = _target(action)
    try:
        case = actions.view_details(
            services, roles=services.roles, incident_id=incident_id, user=body["user"]["id"]
        )
    except CaseError as error:
        private(respond, error.describe(mention))
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=views.details_modal(case, zone=services.zone)
    )


Change = Callable[..., Case]


def _changer(services: Services, change: Change) -> Callable[..., None]:
    """A listener for a button that changes the case at once (take the lead, legal hold,
    reopen); refusals come back privately, the card redraws for everyone."""

    def listener(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        incident_id, version = _target(action)
        try:
            change(
                services,
                roles=services.roles,
                incident_id=incident_id,
                version=version,
                user=body["user"]["id"],
            )
        except CaseError as error:
            private(respond, error.describe(mention))

    return listener


def _step_opener(services: Services, step: Step) -> Callable[..., None]:
    """A listener for one step's button (Bolt passes listeners only the arguments it knows)."""
    return lambda ack, body, action, client, respond: open_step(
        ack, body, action, client, respond, services, step
    )


def open_step(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
    step: Step,
) -> None:
    ack()
    incident_id, version = _target(action)
    try:
        case = actions.step_form(
            services,
            roles=services.roles,
            incident_id=incident_id,
            version=version,
            user=body["user"]["id"],
        )
    except CaseError as error:
        private(respond, error.describe(mention))
        return
    view = views.step_modal(case, step, now=services.clock.now())
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _step_submitter(services: Services, step: Step) -> Callable[..., None]:
    return lambda ack, body, view: submit_step(ack, body, view, services, step)


def submit_step(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services, step: Step
) -> None:
    """Every SLT step: refusals shown on the form, else the form closes and the card redraws."""
    incident_id, version = forms.target(view.get("private_metadata"))
    first_field = next(iter(view.get("state", {}).get("values", {})), Field.NOTE)
    try:
        actions.apply_step(
            services,
            roles=services.roles,
            step=step,
            values=forms.values(view),
            incident_id=incident_id,
            version=version,
            user=body["user"]["id"],
            reply=lambda _: ack(),
            submission=forms.submission(body, view),
        )
    except CaseError as error:
        ack(response_action="errors", errors={first_field: error.describe(mention)})


def open_cases(ack: Ack, command: dict[str, Any], services: Services) -> None:
    try:
        cases = actions.open_cases(services, roles=services.roles, user=command["user_id"])
    except CaseError as error:
        ack(**ephemeral_text(error.describe(mention)))
        return
    ack(**render.render(present.open_cases(cases, zone=services.zone)))


def my_reports(ack: Ack, command: dict[str, Any], services: Services) -> None:
    cases = actions.my_reports(services, reporter=command["user_id"])
    ack(**render.render(present.my_reports(cases, zone=services.zone)))

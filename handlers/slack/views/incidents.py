"""Incident reports and cases in Slack: the forms, and the present view models as Block Kit.
The free-text details appear only in `details_modal` (SLT)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    Option,
)
from slack_sdk.models.views import View

from bot.comments.options import PLATFORMS
from bot.incidents import options
from bot.incidents.actions import Case
from bot.incidents.service import Field, Step
from handlers.present import incidents as present
from handlers.present.incidents import LABELS, STEP_SUBMIT, STEP_TITLES
from handlers.present.model import Card
from handlers.present.verbs import IncidentAction
from handlers.slack import render
from handlers.slack.ids import IncidentCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import clip, markdown
from store.models import Incident

AT_RISK = "at_risk"


def report_modal(
    *,
    now: datetime,
    at_risk: bool = False,
    link: str = "",
    platform: str | None = None,
    metadata: str = "",
) -> View:
    """The one form every way of reporting opens. Roles, not names."""
    at_risk_box = Option(value=AT_RISK, label=present.AT_RISK_LABEL)
    blocks: list[Block] = [
        markdown(present.REPORT_INTRO),
        inputs.select(Field.KIND, LABELS[Field.KIND], options.KINDS),
        inputs.select(Field.PLATFORM, LABELS[Field.PLATFORM], PLATFORMS, initial=platform),
        inputs.select(Field.ACCOUNT_TYPE, LABELS[Field.ACCOUNT_TYPE], options.ACCOUNT_TYPES),
        inputs.text(
            Field.LINK, LABELS[Field.LINK], limit=options.LINK_LIMIT, optional=True, initial=link
        ),
        inputs.moment(Field.HAPPENED_AT, LABELS[Field.HAPPENED_AT], initial=now),
        inputs.checks(Field.INVOLVED, LABELS[Field.INVOLVED], options.INVOLVED),
        inputs.text(
            Field.DETAILS,
            LABELS[Field.DETAILS],
            limit=options.DETAILS_LIMIT,
            optional=False,
            multiline=True,
        ),
        inputs.checks(Field.ACTIONS_TAKEN, LABELS[Field.ACTIONS_TAKEN], options.ACTIONS_TAKEN),
        ActionsBlock(
            block_id=Field.AT_RISK,
            elements=[
                CheckboxesElement(
                    action_id=IncidentAction.AT_RISK,
                    options=[at_risk_box],
                    initial_options=[at_risk_box] if at_risk else None,
                )
            ],
        ),
    ]
    if at_risk:
        blocks.append(markdown(render.text(present.SAFEGUARDING)))
    return View(
        type="modal",
        callback_id=IncidentCallback.REPORT,
        title=present.REPORT_TITLE,
        submit=present.REPORT_SUBMIT,
        close="Cancel",
        private_metadata=metadata,
        blocks=blocks,
    )


def _modal(card: Card, *, title: str, close: str = "Close") -> View:
    """A view model shown in a modal: the modal's title stands in for the card's."""
    return View(
        type="modal",
        title=clip(title, 24),
        close=close,
        blocks=render.blocks(replace(card, title=None))[:100],
    )


def reported_view(case: Case) -> View:
    return _modal(present.reported(case), title=present.REPORT_SENT, close="Done")


def details_modal(case: Case, *, zone: ZoneInfo) -> View:
    return _modal(present.details(case, zone=zone), title=case.reference)


STEP_CALLBACKS: dict[Step, IncidentCallback] = {
    Step.ASSESS: IncidentCallback.ASSESS,
    Step.ESCALATE: IncidentCallback.ESCALATE,
    Step.PLATFORM_OUTCOME: IncidentCallback.PLATFORM_OUTCOME,
    Step.RESOLVE: IncidentCallback.RESOLVE,
    Step.HAND_OFF: IncidentCallback.HAND_OFF,
}


def _step_fields(case: Case, step: Step, now: datetime) -> list[Block]:
    if step == Step.ASSESS:
        return [
            inputs.select(
                Field.SEVERITY, LABELS[Field.SEVERITY], options.SEVERITIES, initial=case.severity
            ),
            inputs.text(
                Field.STAFF,
                LABELS[Field.STAFF],
                limit=options.NOTE_LIMIT,
                optional=True,
                initial=case.staff_involved or "",
            ),
            inputs.checks(
                Field.AGENCIES,
                LABELS[Field.AGENCIES],
                options.AGENCIES,
                initial=set((case.agencies or "").split(",")),
            ),
            inputs.text(
                Field.NOTE,
                LABELS[Field.NOTE],
                limit=options.NOTE_LIMIT,
                optional=True,
                multiline=True,
            ),
        ]
    if step == Step.ESCALATE:
        return [
            inputs.select(Field.AGENCY, LABELS[Field.AGENCY], options.AGENCIES),
            inputs.text(
                Field.REFERENCE,
                LABELS[Field.REFERENCE],
                limit=options.REFERENCE_LIMIT,
                optional=True,
            ),
            inputs.moment(Field.WHEN, LABELS[Field.WHEN], initial=now),
        ]
    if step == Step.PLATFORM_OUTCOME:
        return [
            inputs.radio(
                Field.PLATFORM_OUTCOME, LABELS[Field.PLATFORM_OUTCOME], options.PLATFORM_OUTCOMES
            )
        ]
    if step == Step.RESOLVE:
        return [
            inputs.select(Field.OUTCOME, LABELS[Field.OUTCOME], options.OUTCOMES),
            inputs.text(
                Field.NOTE,
                LABELS[Field.NOTE],
                limit=options.NOTE_LIMIT,
                optional=True,
                multiline=True,
            ),
        ]
    return [
        markdown(render.text(present.HAND_OFF_WARNING)),
        inputs.text(
            Field.REFERENCE,
            present.HAND_OFF_REFERENCE,
            limit=options.REFERENCE_LIMIT,
            optional=False,
        ),
    ]


def step_modal(case: Case, step: Step, *, now: datetime) -> View:
    """The form for one step SLT take, for the case (and version) its card showed."""
    return View(
        type="modal",
        callback_id=STEP_CALLBACKS[step],
        title=STEP_TITLES[step],
        submit=STEP_SUBMIT[step],
        close="Cancel",
        private_metadata=f"{case.id}:{case.version}",
        blocks=[markdown(render.text(present.step_header(case))), *_step_fields(case, step, now)],
    )


def cases_blocks(cases: list[Incident], *, zone: ZoneInfo) -> list[Block]:
    """SLT's open cases, for App Home."""
    return render.blocks(present.open_cases([Case.of(i) for i in cases], zone=zone))


REPORT_BUTTON = ButtonElement(
    text=present.REPORT_BUTTON, action_id=IncidentAction.OPEN_REPORT, style="danger"
)

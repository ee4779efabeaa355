"""The incident forms as Teams dialogs: the report, and each step SLT take on a case. Their
labels and texts are the present layer's, as on Slack's modals; everything else incidents show
is a present view model drawn by `handlers.teams.render`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.comments.options import PLATFORMS
from bot.incidents import options
from bot.incidents.actions import Case
from bot.incidents.service import Field, Step
from handlers.present import incidents as present
from handlers.present.incidents import LABELS
from handlers.teams import cards, render
from handlers.teams.render import Name

REPORT_DIALOG = "report"


def report_dialog_card(
    *,
    now: datetime,
    zone: ZoneInfo,
    name: Name,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    comment_id: int | None = None,
) -> cards.Card:
    """The one report form. Teams cannot show the safeguarding instruction only once the box is
    ticked, so it is always there, above the box."""
    values = values or {}
    data: cards.Card = {"dialog": REPORT_DIALOG}
    if comment_id is not None:
        data["comment"] = comment_id
    return cards.card(
        *cards.errors_block(errors or {}, LABELS),
        cards.text(cards.plain(present.REPORT_INTRO)),
        cards.text(render.text(present.SAFEGUARDING, name), color="Attention", weight="Bolder"),
        {
            "type": "Input.Toggle",
            "id": Field.AT_RISK,
            "title": present.AT_RISK_LABEL,
            "value": values.get(Field.AT_RISK, "false"),
        },
        cards.choice_input(
            Field.KIND, LABELS[Field.KIND], options.KINDS, value=values.get(Field.KIND)
        ),
        cards.choice_input(
            Field.PLATFORM, LABELS[Field.PLATFORM], PLATFORMS, value=values.get(Field.PLATFORM)
        ),
        cards.choice_input(
            Field.ACCOUNT_TYPE,
            LABELS[Field.ACCOUNT_TYPE],
            options.ACCOUNT_TYPES,
            value=values.get(Field.ACCOUNT_TYPE),
        ),
        cards.text_input(
            Field.LINK,
            LABELS[Field.LINK],
            limit=options.LINK_LIMIT,
            value=values.get(Field.LINK, ""),
        ),
        *cards.moment_inputs(Field.HAPPENED_AT, LABELS[Field.HAPPENED_AT], now, zone),
        cards.choice_input(
            Field.INVOLVED,
            LABELS[Field.INVOLVED],
            options.INVOLVED,
            value=values.get(Field.INVOLVED),
            required=False,
            multi=True,
        ),
        cards.text_input(
            Field.DETAILS,
            LABELS[Field.DETAILS],
            limit=options.DETAILS_LIMIT,
            required=True,
            multiline=True,
            value=values.get(Field.DETAILS, ""),
        ),
        cards.choice_input(
            Field.ACTIONS_TAKEN,
            LABELS[Field.ACTIONS_TAKEN],
            options.ACTIONS_TAKEN,
            value=values.get(Field.ACTIONS_TAKEN),
            required=False,
            multi=True,
        ),
        actions=[{"type": "Action.Submit", "title": present.REPORT_SUBMIT, "data": data}],
    )


def _step_fields(step: Step, *, now: datetime, zone: ZoneInfo, name: Name) -> list[cards.Card]:
    if step == Step.ASSESS:
        return [
            cards.choice_input(Field.SEVERITY, LABELS[Field.SEVERITY], options.SEVERITIES),
            cards.text_input(Field.STAFF, LABELS[Field.STAFF], limit=options.NOTE_LIMIT),
            cards.choice_input(
                Field.AGENCIES,
                LABELS[Field.AGENCIES],
                options.AGENCIES,
                required=False,
                multi=True,
            ),
            cards.text_input(
                Field.NOTE, LABELS[Field.NOTE], limit=options.NOTE_LIMIT, multiline=True
            ),
        ]
    if step == Step.ESCALATE:
        return [
            cards.choice_input(Field.AGENCY, LABELS[Field.AGENCY], options.AGENCIES),
            cards.text_input(
                Field.REFERENCE, LABELS[Field.REFERENCE], limit=options.REFERENCE_LIMIT
            ),
            *cards.moment_inputs(Field.WHEN, LABELS[Field.WHEN], now, zone),
        ]
    if step == Step.PLATFORM_OUTCOME:
        return [
            cards.choice_input(
                Field.PLATFORM_OUTCOME,
                LABELS[Field.PLATFORM_OUTCOME],
                options.PLATFORM_OUTCOMES,
                expanded=True,
            ),
        ]
    if step == Step.RESOLVE:
        return [
            cards.choice_input(Field.OUTCOME, LABELS[Field.OUTCOME], options.OUTCOMES),
            cards.text_input(
                Field.NOTE, LABELS[Field.NOTE], limit=options.NOTE_LIMIT, multiline=True
            ),
        ]
    return [
        cards.text(render.text(present.HAND_OFF_WARNING, name)),
        cards.text_input(
            Field.REFERENCE,
            present.HAND_OFF_REFERENCE,
            limit=options.REFERENCE_LIMIT,
            required=True,
        ),
    ]


def step_dialog_card(
    case: Case,
    step: Step,
    *,
    now: datetime,
    zone: ZoneInfo,
    name: Name,
) -> cards.Card:
    """One step's form, for the case (and version) its card showed."""
    return cards.card(
        cards.text(render.text(present.step_header(case), name)),
        *_step_fields(step, now=now, zone=zone, name=name),
        actions=[
            {
                "type": "Action.Submit",
                "title": present.STEP_SUBMIT[step],
                "data": {"dialog": str(step), "incident": case.id, "version": case.version},
            }
        ],
    )

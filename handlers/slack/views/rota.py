"""The seven-day watch's forms in Block Kit: the rota, an absence, the school's holidays. Block
and action ids are the domain's field names (a kind of day, "day", "absent", "cover",
"holidays"), so `InvalidForm.errors` show under the field they are about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from slack_sdk.models.blocks import Block, InputBlock
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from bot.rota.actions import RotaView
from bot.rota.days import DAY_KINDS, Holiday
from handlers.present import rota as present
from handlers.present.model import Card, Person, Strong, line
from handlers.slack import render
from handlers.slack.ids import RotaCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import markdown, note

HOLIDAYS = "holidays"  # the text's block and action id, where every error is shown
ICS_FILE = "holidays_file"  # the calendar file's
HOLIDAYS_LIMIT = 3000
TITLE_LIMIT = 24  # a modal's title


def rota_modal(view: RotaView) -> View:
    """Four lists of people, one per kind of day, in the order they are asked."""
    blocks: list[Block] = [
        markdown(render.text(line(Strong(view.account)))),
        note(present.ROTA_HINT),
    ]
    blocks += [
        inputs.people(
            kind.value,
            present.DAY_KIND_LABELS[kind],
            initial=view.rota.get(kind, ()),
        )
        for kind in DAY_KINDS
    ]
    return View(
        type="modal",
        callback_id=RotaCallback.ROTA,
        private_metadata=str(view.account_id),
        title=present.ROTA_TITLE[:TITLE_LIMIT],
        submit="Save",
        close="Cancel",
        blocks=blocks,
    )


def absence_modal(view: RotaView, *, user: str, today: date) -> View:
    """The day, who is away (the lead and SLT may name anyone; others record their own) and
    who covers."""
    away: Block = (
        inputs.person("absent", present.FIELD_LABELS["absent"], initial=user)
        if view.may_change
        else markdown(render.text(line(f"{present.FIELD_LABELS['absent']}: ", Person(user))))
    )
    return View(
        type="modal",
        callback_id=RotaCallback.ABSENCE,
        private_metadata=str(view.account_id),
        title=present.ABSENCE_TITLE[:TITLE_LIMIT],
        submit="Save",
        close="Cancel",
        blocks=[
            markdown(render.text(line(Strong(view.account)))),
            inputs.day("day", present.FIELD_LABELS["day"], initial=today),
            away,
            inputs.person("cover", present.FIELD_LABELS["cover"], optional=True),
        ],
    )


def holidays_modal(holidays: list[Holiday]) -> View:
    return View(
        type="modal",
        callback_id=RotaCallback.HOLIDAYS,
        title=present.HOLIDAYS_TITLE[:TITLE_LIMIT],
        submit="Save",
        close="Cancel",
        blocks=[
            inputs.text(
                HOLIDAYS,
                present.FIELD_LABELS["holidays"],
                limit=HOLIDAYS_LIMIT,
                optional=True,
                multiline=True,
                initial=present.holidays_text(holidays),
                hint=present.HOLIDAYS_HINT,
            ),
            InputBlock(
                block_id=ICS_FILE,
                label="Calendar file (.ics)",
                optional=True,
                element=FileInputElement(action_id=ICS_FILE, filetypes=["ics"], max_files=1),
            ),
        ],
    )


def done_view(card: Card) -> View:
    """What a form becomes once saved: the card, without buttons (a modal cannot open one)."""
    return View(
        type="modal",
        title=(card.title or card.summary)[:TITLE_LIMIT],
        close="Done",
        blocks=render.blocks(replace(card, buttons=())),
    )

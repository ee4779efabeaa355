"""School accounts' modals in Slack; their messages are `handlers.present.accounts`' cards."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.accounts.actions import Account, HandoverTask
from bot.accounts.service import TEXT_LIMIT, Field
from bot.comments.options import PLATFORMS
from handlers.present import accounts as present
from handlers.slack import render
from handlers.slack.ids import AccountCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import markdown

LABELS = present.LABELS


def _value(account: Account) -> str:
    return f"{account.id}:{account.version}"


def apply_modal() -> View:
    return View(
        type="modal",
        callback_id=AccountCallback.APPLY,
        title="New school account",
        submit="Apply",
        close="Cancel",
        blocks=[
            markdown(present.NO_PASSWORDS),
            inputs.select(Field.PLATFORM, LABELS[Field.PLATFORM], PLATFORMS),
            inputs.text(Field.HANDLE, LABELS[Field.HANDLE], limit=200),
            inputs.text(Field.PURPOSE, LABELS[Field.PURPOSE], limit=TEXT_LIMIT, multiline=True),
            inputs.person(Field.LEAD, LABELS[Field.LEAD]),
            inputs.people(Field.MODERATORS, LABELS[Field.MODERATORS]),
            inputs.text(
                Field.MONITORING, LABELS[Field.MONITORING], limit=TEXT_LIMIT, multiline=True
            ),
        ],
    )


def decline_modal(account: Account) -> View:
    return View(
        type="modal",
        callback_id=AccountCallback.DECLINE,
        title="Decline",
        submit="Decline",
        close="Cancel",
        private_metadata=_value(account),
        blocks=[
            markdown(render.text(present.declined_form_title(account))),
            inputs.text(Field.REASON, LABELS[Field.REASON], limit=TEXT_LIMIT, multiline=True),
        ],
    )


def created_modal(account: Account) -> View:
    return View(
        type="modal",
        callback_id=AccountCallback.CREATED,
        title="Account created",
        submit="Save",
        close="Cancel",
        private_metadata=_value(account),
        blocks=[
            inputs.text(Field.HANDLE, present.CREATED_HANDLE, limit=200, initial=account.handle),
            inputs.text(Field.LINK, LABELS[Field.LINK], limit=500, optional=True),
            inputs.text(
                Field.CREDENTIALS,
                LABELS[Field.CREDENTIALS],
                limit=300,
                hint=present.CREDENTIALS_HINT,
            ),
        ],
    )


def handover_modal(task: HandoverTask) -> View:
    return View(
        type="modal",
        callback_id=AccountCallback.HANDOVER,
        title="Handover",
        submit="Save",
        close="Cancel",
        private_metadata=str(task.id),
        blocks=[
            markdown(render.text(present.handover_prompt(task))),
            inputs.person(Field.NEW_LEAD, LABELS[Field.NEW_LEAD], optional=True),
        ],
    )

"""School accounts: the application form, SLT's card, the administrators' tasks, the register."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement
from slack_sdk.models.views import View

from bot.accounts.service import TEXT_LIMIT, Field, Status
from bot.comments.options import PLATFORMS
from handlers.present.time import local
from handlers.present.verbs import AccountAction
from handlers.slack.ids import COMMAND, AccountCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import clip, escape, markdown, mention, message, note
from store.models import Handover, SchoolAccount


def _name(account: SchoolAccount) -> str:
    return f"{PLATFORMS.get(account.platform, account.platform)}: {account.handle}"


def _value(account: SchoolAccount) -> str:
    return f"{account.id}:{account.version}"


def apply_modal() -> View:
    return View(
        type="modal",
        callback_id=AccountCallback.APPLY,
        title="New school account",
        submit="Apply",
        close="Cancel",
        blocks=[
            markdown("SLT approve every school account. Never put a password here."),
            inputs.select(Field.PLATFORM, "Platform", PLATFORMS),
            inputs.text(Field.HANDLE, "Proposed name or handle", limit=200),
            inputs.text(Field.PURPOSE, "Purpose and audience", limit=TEXT_LIMIT, multiline=True),
            inputs.person(Field.LEAD, "Lead member of staff"),
            inputs.people(Field.MODERATORS, "Moderators"),
            inputs.text(
                Field.MONITORING,
                "How it will be monitored, 7 days a week",
                limit=TEXT_LIMIT,
                multiline=True,
            ),
        ],
    )


def application_card(account: SchoolAccount) -> dict[str, Any]:
    moderators = " ".join(mention(m) for m in account.moderators.split(",") if m) or "none"
    lines = [
        f"*{escape(_name(account))}* — applied for by {mention(account.applied_by)}",
        f"*Purpose and audience:* {escape(account.purpose)}",
        f"*Lead:* {mention(account.lead)} · *Moderators:* {moderators}",
        f"*Monitoring:* {escape(account.monitoring)}",
        f"*Status:* {account.status}",
    ]
    if account.decline_reason:
        lines.append(f"*Declined:* {escape(account.decline_reason)}")
    blocks: list[Block] = [markdown(clip("\n".join(lines), 3000))]
    if account.status == Status.APPLIED:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Approve",
                        action_id=AccountAction.APPROVE,
                        value=_value(account),
                        style="primary",
                    ),
                    ButtonElement(
                        text="Decline",
                        action_id=AccountAction.DECLINE,
                        value=_value(account),
                        style="danger",
                    ),
                ]
            )
        )
    return message(f"Application for a school account: {_name(account)}", blocks)


def decline_modal(account: SchoolAccount) -> View:
    return View(
        type="modal",
        callback_id=AccountCallback.DECLINE,
        title="Decline",
        submit="Decline",
        close="Cancel",
        private_metadata=_value(account),
        blocks=[
            inputs.text(Field.REASON, "Reason, for the applicant", limit=TEXT_LIMIT, multiline=True)
        ],
    )


def create_request(account: SchoolAccount) -> dict[str, Any]:
    text = (
        f"SLT approved a new school account, *{escape(_name(account))}* (lead "
        f"{mention(account.lead)}). Please create it, then record it here. Keep its password "
        "in the school's password store: never in Slack."
    )
    return message(
        f"Please create {_name(account)}",
        [
            markdown(text),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Mark created",
                        style="primary",
                        action_id=AccountAction.MARK_CREATED,
                        value=_value(account),
                    )
                ]
            ),
        ],
    )


def created_modal(account: SchoolAccount) -> View:
    return View(
        type="modal",
        callback_id=AccountCallback.CREATED,
        title="Account created",
        submit="Save",
        close="Cancel",
        private_metadata=_value(account),
        blocks=[
            inputs.text(Field.HANDLE, "Handle", limit=200, initial=account.handle),
            inputs.text(Field.LINK, "Link", limit=500, optional=True),
            inputs.text(
                Field.CREDENTIALS,
                "Where the credentials are kept",
                limit=300,
                hint="A place, e.g. the school password manager. Never the password itself.",
            ),
        ],
    )


def decision_message(account: SchoolAccount) -> dict[str, Any]:
    if account.status == Status.DECLINED:
        text = (
            f"Your application for *{escape(_name(account))}* was declined: "
            f"{escape(account.decline_reason or '')}"
        )
    else:
        text = f"Your application for *{escape(_name(account))}* was approved by SLT."
    return message(text, [markdown(text)])


def handover_task(handover: Handover, account: SchoolAccount, *, reminder: int) -> dict[str, Any]:
    again = " (reminder)" if reminder else ""
    text = (
        f"🔑 {mention(handover.departed)} has left, and was on *{escape(_name(account))}*"
        f"{again}. Transfer the account to a new lead, or close it."
    )
    return message(
        f"Handover needed: {_name(account)}",
        [
            markdown(text),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Hand over or close",
                        style="primary",
                        action_id=AccountAction.HANDOVER,
                        value=str(handover.id),
                    )
                ]
            ),
        ],
    )


def handover_modal(handover: Handover, account: SchoolAccount) -> View:
    return View(
        type="modal",
        callback_id=AccountCallback.HANDOVER,
        title="Handover",
        submit="Save",
        close="Cancel",
        private_metadata=str(handover.id),
        blocks=[
            markdown(
                f"*{escape(_name(account))}*: choose the new lead, or leave it "
                "empty to close the account."
            ),
            inputs.person(Field.NEW_LEAD, "New lead", optional=True),
        ],
    )


def register_message(
    accounts: list[SchoolAccount], overdue: list[Handover], *, zone: ZoneInfo, now: datetime
) -> dict[str, Any]:
    if not accounts:
        return message(
            "No school accounts yet",
            [markdown(f"No school accounts are registered yet. Apply with `{COMMAND} apply`.")],
        )
    lines = [
        f"• *{escape(_name(a))}* — {a.status} · lead {mention(a.lead)}"
        + (
            f" · moderators {' '.join(mention(m) for m in a.moderators.split(',') if m)}"
            if a.moderators
            else ""
        )
        for a in accounts
    ]
    blocks: list[Block] = [
        markdown("*School social media accounts*"),
        markdown(clip("\n".join(lines), 3000)),
    ]
    if overdue:
        late = ", ".join(
            f"{mention(h.departed)} (since {local(h.opened_at, zone)})" for h in overdue
        )
        blocks.append(markdown(f"⚠️ *Overdue handovers:* {late}"))
    blocks.append(note(f"Updated {local(now, zone)}"))
    return message("School social media accounts", blocks)


def home_blocks(accounts: list[SchoolAccount]) -> list[Block]:
    """App Home's short register: every school account and where it stands."""
    if not accounts:
        return []
    lines = [f"• {escape(_name(a))} — {a.status}" for a in accounts[:40]]
    return [
        markdown("*School accounts*\n" + "\n".join(lines)),
        note(f"Apply for a new one with `{COMMAND} apply`."),
    ]

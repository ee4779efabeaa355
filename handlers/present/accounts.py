"""School accounts as both front ends show them: SLT's application card, the administrators'
tasks, the applicant's answer, the register, and the words of the forms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.accounts.actions import Account, HandoverTask, Register
from bot.accounts.service import Field, Status
from handlers.present.model import (
    Button,
    Card,
    Command,
    Line,
    Person,
    Strong,
    Style,
    line,
    plain,
)
from handlers.present.time import local
from handlers.present.verbs import AccountAction

LABELS: dict[str, str] = {
    Field.PLATFORM: "Platform",
    Field.HANDLE: "Proposed name or handle",
    Field.PURPOSE: "Purpose and audience",
    Field.LEAD: "Lead member of staff",
    Field.MODERATORS: "Moderators",
    Field.MONITORING: "How it will be monitored, 7 days a week",
    Field.REASON: "Reason, for the applicant",
    Field.LINK: "Link",
    Field.CREDENTIALS: "Where the credentials are kept",
    Field.NEW_LEAD: "New lead",
    "departed": "Who has left",
}
CREATED_HANDLE = "Handle"
NO_PASSWORDS = "SLT approve every school account. Never put a password here."
CREDENTIALS_HINT = "A place, e.g. the school password manager. Never the password itself."
LEAVER_PROMPT = "Someone has left: each school account they lead or moderate needs a handover."
APPLIED = "Sent to SLT for approval; you'll hear back here."
DECLINED = "Declined: the applicant has been told."
CLOSED = "Closed: the account is marked closed in the register."
REGISTER_TITLE = "School social media accounts"


def _ref(account: Account) -> dict[str, int | str]:
    return {"account": account.id, "version": account.version}


def _people(ids: Sequence[str]) -> Line:
    """People one after another, or "none"."""
    if not ids:
        return ("none",)
    spans: list[Person | str] = []
    for user in ids:
        if spans:
            spans.append(", ")
        spans.append(Person(user))
    return tuple(spans)


def application_card(account: Account, *, alert: str = "") -> Card:
    """SLT's card; its buttons go once the application is decided."""
    lines = [
        line(Strong(account.name)),
        line(Strong("Applied for by:"), " ", Person(account.applied_by)),
        line(Strong("Purpose and audience:"), " ", account.purpose),
        line(Strong("Lead:"), " ", Person(account.lead)),
        line(Strong("Moderators:"), " ", *_people(account.moderators)),
        line(Strong("Monitoring:"), " ", account.monitoring),
        line(Strong("Status:"), " ", account.status),
    ]
    if account.decline_reason:
        lines.append(line(Strong("Declined:"), " ", account.decline_reason))
    buttons: tuple[Button, ...] = ()
    if account.status == Status.APPLIED:
        buttons = (
            Button(AccountAction.APPROVE, "Approve", _ref(account), Style.PRIMARY),
            Button(AccountAction.DECLINE, "Decline", _ref(account), Style.DANGER, opens_form=True),
        )
    return Card(
        summary=f"Application for a school account: {account.name}",
        title="Application for a school account",
        lines=tuple(lines),
        alert=line(alert) if alert else None,
        buttons=buttons,
    )


def decision_card(account: Account) -> Card:
    """What the applicant hears."""
    if account.status == Status.DECLINED:
        said = line(
            "Your application for ",
            Strong(account.name),
            " was declined: ",
            account.decline_reason or "",
        )
    else:
        said = line("Your application for ", Strong(account.name), " was approved by SLT.")
    return Card(summary=plain(said), lines=(said,))


def create_request_card(account: Account) -> Card:
    """The administrators' task once SLT approve."""
    return Card(
        summary=f"Please create {account.name}",
        lines=(
            line(
                "SLT approved a new school account, ",
                Strong(account.name),
                " (lead ",
                Person(account.lead),
                "). Please create it, then record it here. Keep its password in the school's "
                "password store: never in a chat message.",
            ),
        ),
        buttons=(
            Button(
                AccountAction.MARK_CREATED,
                "Mark created",
                _ref(account),
                Style.PRIMARY,
                opens_form=True,
            ),
        ),
    )


def created(account: Account) -> str:
    return f"{account.name} is live in the register."


def declined_form_title(account: Account) -> Line:
    return line("Decline ", Strong(account.name))


def handover_card(task: HandoverTask, *, reminder: int) -> Card:
    """The administrators' task when someone on an account has left."""
    return Card(
        summary=f"Handover needed: {task.account.name}",
        title="Account handover (reminder)" if reminder else "Account handover",
        lines=(
            line(
                "🔑 ",
                Person(task.departed),
                " has left, and was on ",
                Strong(task.account.name),
                ". Transfer the account to a new lead, or close it.",
            ),
        ),
        buttons=(
            Button(
                AccountAction.HANDOVER,
                "Hand over or close",
                {"handover": task.id},
                Style.PRIMARY,
                opens_form=True,
            ),
        ),
    )


def handover_prompt(task: HandoverTask) -> Line:
    return line(
        Strong(task.account.name), ": choose the new lead, or leave it empty to close the account."
    )


def handed_over(new_lead: str) -> str:
    """The administrator's confirmation, naming the new lead."""
    return f"Handed over to {new_lead}."


def opened_handovers(count: int) -> str:
    return f"{count} account(s) now need a handover."


def _apply_button(label: str) -> Button:
    return Button(AccountAction.APPLY, label, opens_form=True)


def register_card(register: Register, *, zone: ZoneInfo, now: datetime) -> Card:
    if not register.accounts:
        return Card(
            summary="No school accounts yet",
            lines=(
                line("No school accounts are registered yet. Apply with ", Command("apply"), "."),
            ),
            buttons=(_apply_button("Apply for one"),),
        )
    lines = []
    for account in register.accounts:
        spans = line(
            "• ", Strong(account.name), f" — {account.status} · lead ", Person(account.lead)
        )
        if account.moderators:
            spans += (" · moderators ", *_people(account.moderators))
        lines.append(spans)
    alert = None
    if register.overdue:
        late: list[str | Person] = []
        for task in register.overdue:
            if late:
                late.append(", ")
            late += [Person(task.departed), f" (since {local(task.opened_at, zone)})"]
        alert = line("⚠️ Overdue handovers: ", *late)
    return Card(
        summary=REGISTER_TITLE,
        title=REGISTER_TITLE,
        lines=tuple(lines),
        alert=alert,
        note=line(f"Updated {local(now, zone)}"),
        buttons=(_apply_button("Apply for a new account"),),
    )


def home_card(accounts: Sequence[Account]) -> Card | None:
    """App Home's short register: every school account and where it stands."""
    if not accounts:
        return None
    return Card(
        summary="School accounts",
        lines=(
            line(Strong("School accounts")),
            *(line(f"• {a.name} — {a.status}") for a in accounts[:40]),
        ),
        note=line("Apply for a new one with ", Command("apply"), "."),
    )

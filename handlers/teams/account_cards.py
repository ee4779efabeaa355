"""School accounts in Teams: the application dialog, SLT's card, the administrators' tasks and
the register, as Adaptive Cards. People are chosen with Teams' own people picker."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.accounts.service import TEXT_LIMIT, Field, Status
from bot.comments.options import PLATFORMS
from handlers.present.time import local
from handlers.teams.cards import (
    Card,
    Name,
    card,
    choice_input,
    dialog,
    errors_block,
    execute,
    heading,
    plain,
    subtle,
    text,
    text_input,
)
from store.models import Handover, SchoolAccount

LABELS = {
    Field.PLATFORM: "Platform",
    Field.HANDLE: "Proposed name or handle",
    Field.PURPOSE: "Purpose and audience",
    Field.LEAD: "Lead member of staff",
    Field.MODERATORS: "Moderators",
    Field.MONITORING: "How it will be monitored, 7 days a week",
    Field.REASON: "Reason",
    Field.LINK: "Link",
    Field.CREDENTIALS: "Where the credentials are kept",
    Field.NEW_LEAD: "New lead",
    "departed": "Who has left",
}
NO_PASSWORDS = "SLT approve every school account. Never put a password here."


def account_name(account: SchoolAccount) -> str:
    return f"{PLATFORMS.get(account.platform, account.platform)}: {account.handle}"


def _ref(account: SchoolAccount) -> dict[str, int]:
    return {"account": account.id, "version": account.version}


def _submit(title: str, **data: Any) -> Card:
    return {"type": "Action.Submit", "title": title, "data": data}


def people_picker(
    field: str, label: str, *, value: str = "", multi: bool = False, required: bool = False
) -> Card:
    """Teams' people picker: searches the school's directory, answers with Entra object ids."""
    element: Card = {
        "type": "Input.ChoiceSet",
        "id": field,
        "label": label,
        "choices": [],
        "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
        "isMultiSelect": multi,
        "isRequired": required,
    }
    if value:
        element["value"] = value
    return element


def _people(ids: str, name: Name) -> str:
    return ", ".join(plain(name(i)) for i in ids.split(",") if i) or "none"


def apply_dialog_card(
    *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> Card:
    values = values or {}
    return card(
        *errors_block(errors or {}, LABELS),
        text(NO_PASSWORDS),
        choice_input(
            Field.PLATFORM, LABELS[Field.PLATFORM], PLATFORMS, value=values.get(Field.PLATFORM)
        ),
        text_input(
            Field.HANDLE,
            LABELS[Field.HANDLE],
            limit=200,
            value=str(values.get(Field.HANDLE) or ""),
            required=True,
        ),
        text_input(
            Field.PURPOSE,
            LABELS[Field.PURPOSE],
            limit=TEXT_LIMIT,
            value=str(values.get(Field.PURPOSE) or ""),
            required=True,
            multiline=True,
        ),
        people_picker(
            Field.LEAD, LABELS[Field.LEAD], value=str(values.get(Field.LEAD) or ""), required=True
        ),
        people_picker(
            Field.MODERATORS,
            LABELS[Field.MODERATORS],
            value=str(values.get(Field.MODERATORS) or ""),
            multi=True,
        ),
        text_input(
            Field.MONITORING,
            LABELS[Field.MONITORING],
            limit=TEXT_LIMIT,
            value=str(values.get(Field.MONITORING) or ""),
            required=True,
            multiline=True,
        ),
        actions=[_submit("Apply", dialog="apply")],
    )


def application_card(account: SchoolAccount, *, name: Name, note: str = "") -> Card:
    """SLT's card; its buttons go once the application is decided."""
    facts = [
        f"**Applied for by:** {plain(name(account.applied_by))}",
        f"**Purpose and audience:** {plain(account.purpose)}",
        f"**Lead:** {plain(name(account.lead))}",
        f"**Moderators:** {_people(account.moderators, name)}",
        f"**Monitoring:** {plain(account.monitoring)}",
        f"**Status:** {account.status}",
    ]
    if account.decline_reason:
        facts.append(f"**Declined:** {plain(account.decline_reason)}")
    body = [
        heading("Application for a school account"),
        text(f"**{plain(account_name(account))}**"),
        text("\n\n".join(facts)),
    ]
    if note:
        body.append(text(plain(note), color="Attention"))
    actions = []
    if account.status == Status.APPLIED:
        actions = [
            execute("Approve", "account.approve", **_ref(account)),
            dialog("Decline", "account_decline", **_ref(account)),
        ]
    return card(*body, actions=actions)


def decline_dialog_card(account: SchoolAccount, errors: dict[str, str] | None = None) -> Card:
    return card(
        *errors_block(errors or {}, LABELS),
        text(f"Decline **{plain(account_name(account))}**"),
        text_input(
            Field.REASON,
            "Reason, for the applicant",
            limit=TEXT_LIMIT,
            required=True,
            multiline=True,
        ),
        actions=[_submit("Decline", dialog="account_decline", **_ref(account))],
    )


def decision_card(account: SchoolAccount) -> Card:
    if account.status == Status.DECLINED:
        return card(
            text(
                f"Your application for **{plain(account_name(account))}** was declined: "
                f"{plain(account.decline_reason or '')}"
            )
        )
    return card(text(f"Your application for **{plain(account_name(account))}** was approved."))


def create_request_card(account: SchoolAccount, *, name: Name) -> Card:
    return card(
        text(
            f"SLT approved a new school account, **{plain(account_name(account))}** (lead "
            f"{plain(name(account.lead))}). Please create it, then record it here. Keep its "
            "password in the school's password store: never in Teams."
        ),
        actions=[dialog("Mark created", "account_created", **_ref(account))],
    )


def created_dialog_card(
    account: SchoolAccount,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    values = values or {}
    return card(
        *errors_block(errors or {}, LABELS),
        text_input(
            Field.HANDLE,
            "Handle",
            limit=200,
            value=str(values.get(Field.HANDLE) or account.handle),
            required=True,
        ),
        text_input(Field.LINK, "Link", limit=500, value=str(values.get(Field.LINK) or "")),
        text_input(
            Field.CREDENTIALS,
            LABELS[Field.CREDENTIALS],
            limit=300,
            value=str(values.get(Field.CREDENTIALS) or ""),
            required=True,
        ),
        subtle("A place, e.g. the school password manager. Never the password itself."),
        actions=[_submit("Save", dialog="account_created", **_ref(account))],
    )


def handover_task_card(
    handover: Handover, account: SchoolAccount, *, reminder: int, name: Name
) -> Card:
    again = " (reminder)" if reminder else ""
    return card(
        text(
            f"🔑 {plain(name(handover.departed))} has left, and was on "
            f"**{plain(account_name(account))}**{again}. Transfer the account to a new lead, "
            "or close it."
        ),
        actions=[dialog("Hand over or close", "account_handover", handover=handover.id)],
    )


def handover_dialog_card(
    handover: Handover, account: SchoolAccount, errors: dict[str, str] | None = None
) -> Card:
    return card(
        *errors_block(errors or {}, LABELS),
        text(
            f"**{plain(account_name(account))}**: choose the new lead, or leave it empty to "
            "close the account."
        ),
        people_picker(Field.NEW_LEAD, LABELS[Field.NEW_LEAD]),
        actions=[_submit("Save", dialog="account_handover", handover=handover.id)],
    )


def leaver_dialog_card(errors: dict[str, str] | None = None) -> Card:
    return card(
        *errors_block(errors or {}, LABELS),
        text("Someone has left: each school account they lead or moderate needs a handover."),
        people_picker("departed", LABELS["departed"], required=True),
        actions=[_submit("Open handovers", dialog="account_leaver")],
    )


def register_card(
    accounts: list[SchoolAccount],
    overdue: list[Handover],
    *,
    name: Name,
    zone: ZoneInfo,
    now: datetime,
) -> Card:
    if not accounts:
        return card(
            text("No school accounts are registered yet."),
            actions=[dialog("Apply for one", "apply")],
        )
    lines = []
    for account in accounts:
        line = (
            f"- **{plain(account_name(account))}**: {account.status} · lead "
            f"{plain(name(account.lead))}"
        )
        if account.moderators:
            line += f" · moderators {_people(account.moderators, name)}"
        lines.append(line)
    body = [heading("School social media accounts"), text("\n".join(lines))]
    if overdue:
        late = ", ".join(
            f"{plain(name(h.departed))} (since {local(h.opened_at, zone)})" for h in overdue
        )
        body.append(text(f"⚠️ **Overdue handovers:** {late}", color="Attention"))
    body.append(subtle(f"Updated {local(now, zone)}"))
    return card(*body, actions=[dialog("Apply for a new account", "apply")])

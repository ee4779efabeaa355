"""The school's settings as both front ends show them: the first-run guide (what is missing and
why it matters), the settings as they are, and who changed what."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.policy.versions import SETUP
from bot.setup.actions import Form, Gap, Overview
from bot.setup.school import DAY_NAMES, DAYS, People, School, describe_duration
from bot.setup.service import Change
from handlers.present.model import (
    Button,
    Card,
    Group,
    Line,
    Person,
    Place,
    Span,
    Strong,
    Style,
    line,
)
from handlers.present.time import local
from handlers.present.verbs import SetupAction

# What each setting is called, wherever it is shown or asked for.
LABELS: dict[str, str] = {
    "slt": "SLT",
    "slt_group": "SLT: a user group too",
    "moderators": "Moderators",
    "moderator_group": "Moderators: a user group too",
    "admins": "Account administrators",
    "reviewers": "Second-opinion reviewers",
    "media_contacts": "Media spokespeople",
    "setup_admins": "Who else may change these settings",
    "slt_place": "SLT channel",
    "moderators_place": "Moderators' channel",
    "accounts": "The school's accounts",
    "timezone": "Time zone",
    "holiday_region": "Bank holidays of",
    "working_day_end": "End of the working day",
    "reminder_thresholds": "Remind before a comment's deadline",
    "digest_day": "Weekly digest: day",
    "digest_time": "Weekly digest: time",
    "retention_comments_days": "Keep comments for (days)",
    "retention_incidents_days": "Keep closed incident cases for (days)",
    "retention_questions_days": "Keep questions asked for (days)",
    "retention_reviews_days": "Keep draft reviews for (days)",
    "checkin_ask_time": "Daily account check: ask the person on watch at",
    "checkin_lead_time": "Daily account check: tell the account's lead at",
    "checkin_slt_time": "Daily account check: tell SLT at",
    "policy": "the live policy version",
}
HINTS: dict[str, str] = {
    "accounts": "One a line, e.g. Facebook: @ourschool",
    "timezone": "A time zone name such as Europe/London",
    "reminder_thresholds": "Times left before the deadline, e.g. 4h, 1h or 30m",
}
PEOPLE_FIELDS = ("slt", "moderators", "admins", "reviewers", "media_contacts", "setup_admins")
GROUP_FIELDS = ("slt_group", "moderator_group")  # Slack's user groups
PLACE_FIELDS = ("slt_place", "moderators_place")
RETENTION_FIELDS = (
    "retention_comments_days",
    "retention_incidents_days",
    "retention_questions_days",
    "retention_reviews_days",
)
CHECKIN_FIELDS = ("checkin_ask_time", "checkin_lead_time", "checkin_slt_time")
TIME_FIELDS = ("working_day_end", "digest_time", *CHECKIN_FIELDS)
SCHOOL_FIELDS = (
    "accounts",
    "timezone",
    "holiday_region",
    "working_day_end",
    "reminder_thresholds",
    "digest_day",
    "digest_time",
    *RETENTION_FIELDS,
    *CHECKIN_FIELDS,
)
PEOPLE_TITLE = "People and channels"
SCHOOL_TITLE = "The school's rules"
SAVED = "Settings saved. They hold from now on, for everyone."
NO_CHANGE = "Nothing was changed."
CHANGES_SHOWN = 5
FIXED = "These settings are fixed by whoever runs the bot, in its environment."

FORM_BUTTONS = {
    Form.PEOPLE: Button(SetupAction.PEOPLE, "Choose people and channels", opens_form=True),
    Form.SCHOOL: Button(SetupAction.SCHOOL, "Set the school's rules", opens_form=True),
}
_FIXES = {
    "slt": "Name SLT",
    "slt_place": "Choose the SLT channel",
    "moderators_place": "Choose the moderators' channel",
    "moderators": "Name the moderators",
    "admins": "Name account administrators",
    "accounts": "List the school's accounts",
}


def label(key: str) -> str:
    """A setting's name from its dotted key ("slack.slt" → "SLT")."""
    leaf = key.rpartition(".")[2]
    return LABELS.get(leaf, leaf)


def guide(gaps: Sequence[Gap], *, can_fix: bool, locked: bool = False) -> list[Card]:
    """What is missing and why it matters: for those who can fix it, a button each; for
    everyone else, who can (when the settings are fixed in the environment, whoever runs the
    bot)."""
    if not gaps:
        return []
    if not can_fix or locked:
        said = line(
            "⚠️ The bot is not fully set up yet: ",
            "; ".join(f"{gap.why}" for gap in gaps[:2]),
            ". Whoever runs the bot can set it up in its environment."
            if locked
            else ". The workspace's admins can finish it from here.",
        )
        return [Card(summary="Set-up is not finished", note=said)]
    head = Card(
        summary="Finish setting up the bot",
        title="Finish setting up",
        lines=(line("A few things are still missing:"),),
    )
    return [head] + [
        Card(
            summary=gap.missing,
            lines=(line("❌ ", Strong(gap.missing), f": {gap.why}."),),
            buttons=(
                Button(
                    FORM_BUTTONS[gap.form].verb,
                    _FIXES.get(gap.key, FORM_BUTTONS[gap.form].label),
                    opens_form=True,
                    style=Style.PRIMARY,
                ),
            ),
        )
        for gap in gaps
    ]


def _people(ids: Sequence[str], group: str | None = None) -> Line:
    spans: list[Span] = []
    for user in ids:
        if spans:
            spans.append(", ")
        spans.append(Person(user))
    if group:
        spans += [
            ", " if spans else "",
            "members of ",
            Group("a user group", f"<!subteam^{group}>"),
        ]
    return tuple(spans) or ("nobody yet",)


def _place(place: str | None) -> Line:
    return (Place(place),) if place else ("not chosen",)


def value_text(key: str, value: Any) -> str:
    """A school rule's value as words."""
    if key == "accounts":
        return ", ".join(value) or "none listed"
    if key == "reminder_thresholds":
        return ", ".join(describe_duration(v) for v in value)
    if key == "digest_day":
        return DAY_NAMES[DAYS.index(value)]
    if key in TIME_FIELDS:
        return value.strftime("%H:%M")
    return str(value)


def settings_card(overview: Overview, *, front_end: str, zone: ZoneInfo) -> Card:
    """The settings as they are now, with the forms to change them and the latest changes."""
    school: School = overview.school
    people: People = school.people(front_end)
    lines: list[Line] = [
        line(Strong(LABELS["slt"]), ": ", *_people(people.slt, people.slt_group)),
        line(
            Strong(LABELS["moderators"]), ": ", *_people(people.moderators, people.moderator_group)
        ),
        line(Strong(LABELS["admins"]), ": ", *_people(people.admins)),
        line(Strong(LABELS["reviewers"]), ": ", *_people(people.reviewers)),
        line(Strong(LABELS["media_contacts"]), ": ", *_people(people.media_contacts)),
        line(Strong(LABELS["setup_admins"]), ": ", *_people(people.setup_admins)),
        line(Strong(LABELS["slt_place"]), ": ", *_place(people.slt_place)),
        line(Strong(LABELS["moderators_place"]), ": ", *_place(people.moderators_place)),
    ]
    lines += [
        line(Strong(LABELS[key]), ": ", value_text(key, getattr(school, key)))
        for key in SCHOOL_FIELDS
    ]
    shown = overview.changes[:CHANGES_SHOWN]
    note = None
    if shown:
        spans: list[Span] = ["Latest changes: "]
        for n, change in enumerate(shown):
            spans += [
                "; " if n else "",
                f"{local(change.at, zone)} ",
                "the set-up (POLICY_PATH)" if change.actor == SETUP else Person(change.actor),
                f" changed {label(change.key)}",
            ]
        note = tuple(spans)
    if overview.locked:
        return Card(
            summary="The bot's settings",
            title="Settings",
            lines=tuple(lines),
            note=line(FIXED),
        )
    return Card(
        summary="The bot's settings",
        title="Settings",
        lines=tuple(lines),
        note=note,
        buttons=(FORM_BUTTONS[Form.PEOPLE], FORM_BUTTONS[Form.SCHOOL]),
    )


def saved_line(changes: Sequence[Change]) -> str:
    if not changes:
        return NO_CHANGE
    return f"{SAVED} Changed: {', '.join(label(c.key) for c in changes)}."


def refusal(message: str) -> Card:
    return Card(summary=message, lines=(line(message),))


def changed_notice(actor: str, keys: Sequence[str]) -> Card:
    """What SLT are told when someone changes who may do what, or where messages go."""
    said = line(
        "⚙️ ", Person(actor), " changed the bot's settings: ", ", ".join(label(k) for k in keys), "."
    )
    return Card(summary="The bot's settings were changed", lines=(said,))

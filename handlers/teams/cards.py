"""Adaptive Cards (version 1.5) for every Teams surface, validated by the Teams SDK's card model.

Buttons are Universal Actions (`Action.Execute` with a verb) with an `Action.Submit` fallback for
older clients; forms open as dialogs (`task/fetch`). Incidents are drawn from their present view
models (`handlers.teams.render`) and their forms in `handlers.teams.incident_cards`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from microsoft_teams.cards import AdaptiveCard

from bot.comments import options as comment_options
from bot.comments.service import Field as CommentField
from bot.policy.document import Section
from bot.policy.search import Answer
from handlers.present.time import duration, local, time_left
from store.models import Comment

Card = dict[str, Any]
Name = Callable[[str], str]
_MARKDOWN = re.compile(r"([\\`*_\[\]()#<>|~])")


def plain(text: str) -> str:
    """User or document text made inert in a markdown TextBlock: no links, no formatting."""
    return _MARKDOWN.sub(r"\\\1", text)


def card(*body: Card, actions: Iterable[Card] = ()) -> Card:
    built: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": list(body),
    }
    listed = list(actions)
    if listed:
        built["actions"] = listed
    AdaptiveCard.model_validate(built)  # refuses a malformed card before Teams sees it
    return built


def text(value: str, **style: Any) -> Card:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def heading(value: str) -> Card:
    return text(value, size="Large", weight="Bolder")


def subtle(value: str) -> Card:
    return text(value, isSubtle=True, size="Small")


def execute(title: str, verb: str, **data: Any) -> Card:
    """A Universal Action, falling back to a plain submit where it isn't supported."""
    payload = {"verb": verb, **data}
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload,
        "fallback": {"type": "Action.Submit", "title": title, "data": payload},
    }


def dialog(title: str, name: str, **data: Any) -> Card:
    """A button that opens a dialog (task module)."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {"msteams": {"type": "task/fetch"}, "dialog": name, **data},
    }


def _choices(choices: dict[str, str]) -> list[Card]:
    return [{"title": label, "value": value} for value, label in choices.items()]


def choice_input(
    field: str,
    label: str,
    choices: dict[str, str],
    *,
    value: Any = None,
    required: bool = True,
    multi: bool = False,
    expanded: bool = False,
) -> Card:
    element: Card = {
        "type": "Input.ChoiceSet",
        "id": field,
        "label": label,
        "choices": _choices(choices),
        "isRequired": required,
        "isMultiSelect": multi,
        "style": "expanded" if expanded or multi else "compact",
    }
    if value:
        element["value"] = value
    return element


def text_input(
    field: str,
    label: str,
    *,
    limit: int,
    value: str = "",
    required: bool = False,
    multiline: bool = False,
) -> Card:
    element: Card = {
        "type": "Input.Text",
        "id": field,
        "label": label,
        "maxLength": limit,
        "isRequired": required,
        "isMultiline": multiline,
    }
    if value:
        element["value"] = value[:limit]
    return element


def moment_inputs(field: str, label: str, value: datetime, zone: ZoneInfo) -> list[Card]:
    local_value = value.astimezone(zone)
    return [
        {
            "type": "Input.Date",
            "id": f"{field}_date",
            "label": f"{label} (date)",
            "value": local_value.strftime("%Y-%m-%d"),
            "isRequired": True,
        },
        {
            "type": "Input.Time",
            "id": f"{field}_time",
            "label": f"{label} (time)",
            "value": local_value.strftime("%H:%M"),
            "isRequired": True,
        },
    ]


def errors_block(errors: dict[str, str], labels: dict[str, str]) -> list[Card]:
    if not errors:
        return []
    lines = "\n".join(f"- **{labels.get(f, f)}**: {plain(m)}" for f, m in errors.items())
    return [text(f"Please check:\n{lines}", color="Attention")]


# Answers ---------------------------------------------------------------------------------


def answer_card(answer: Answer, *, version: str, question_id: str, truncated: bool) -> Card:
    body: list[Card] = []
    if truncated:
        body.append(subtle("Your question was long, so I read its first 300 characters."))
    if answer.confident:
        for hit in answer.hits:
            body.append(text(plain(hit.section.path_text), weight="Bolder"))
            if hit.passage.context:
                body.append(subtle(plain(hit.passage.context)))
            body.append(text(plain(hit.passage.text)))
    else:
        body.append(
            text(
                "I couldn't find this in the policy."
                + (" These sections are the closest:" if answer.hits else "")
            )
        )
        body += [text(f"- {plain(h.section.path_text)}") for h in answer.hits]
    body.append(subtle(f"Policy {plain(version)}"))
    actions = [
        execute("Whole section", "answer.section", section=h.section.key) for h in answer.hits[:1]
    ]
    actions += [
        execute("Ask SLT", "answer.ask_slt", question=question_id),
        execute("👍", "answer.feedback", question=question_id, helpful=True),
        execute("👎", "answer.feedback", question=question_id, helpful=False),
    ]
    return card(*body, actions=actions)


def section_card(section: Section, *, version: str) -> Card:
    body = [heading(plain(section.title)), subtle(plain(section.path_text))]
    body += [text(f"- {plain(p.text)}") for p in section.passages[:60]]
    body.append(subtle(f"Policy {plain(version)}"))
    return card(*body)


def note_card(message: str) -> Card:
    return card(text(message))


def alert_card(message: str) -> Card:
    return card(text(message, weight="Bolder"))


HELP = (
    "**socialpolicy** *question* — ask about the social networking policy\n"
    "- **log** — log a comment received on a school account (moderators)\n"
    "- **pending** — comments awaiting a reply (moderators)\n"
    "- **report** — report an incident to SLT (anyone)\n"
    "- **myreports** — where your reports stand\n"
    "- **incidents** — open cases (SLT)\n"
    "- **acknowledge** — confirm you have read the current policy\n"
    "- **acknowledgements** — who has not confirmed it, with a nudge (SLT)\n"
    "- **unanswered** — questions the policy could not answer (SLT)\n"
    "- **accounts** — the register of school accounts\n"
    "- **apply** — apply for a new school account (SLT approve)\n"
    "- **leaver** — someone has left: hand over their accounts (administrators)\n"
    "- **report-csv** *from* *to* — the period's figures and rows as a CSV file (SLT)\n"
    "- **review** — ask for a second opinion on a draft post or reply\n"
    "- **help** — this message"
)


def help_card() -> Card:
    return card(
        heading("Social networking policy"),
        text(HELP),
        actions=[dialog("Log a comment", "log"), dialog("Report an incident", "report")],
    )


# Comments --------------------------------------------------------------------------------

COMMENT_LABELS = {
    CommentField.PLATFORM: "Platform",
    CommentField.ACCOUNT: "Which school account",
    CommentField.ACCOUNT_OTHER: "Account name",
    CommentField.KIND: "Kind",
    CommentField.AUTHOR: "Who wrote it",
    CommentField.LINK: "Link",
    CommentField.RECEIVED_AT: "When it was received",
    CommentField.SUMMARY: "Summary",
    CommentField.RESPONSE: "How it was handled",
    CommentField.NOTE: "Note",
}


def log_dialog_card(
    *,
    accounts: list[str],
    now: datetime,
    zone: ZoneInfo,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    values = values or {}
    account_choices = {a: a for a in accounts} | {comment_options.OTHER_ACCOUNT: "Other"}
    return card(
        *errors_block(errors or {}, COMMENT_LABELS),
        choice_input(
            CommentField.PLATFORM,
            "Platform",
            comment_options.PLATFORMS,
            value=values.get(CommentField.PLATFORM),
        ),
        choice_input(
            CommentField.ACCOUNT,
            "Which school account",
            account_choices,
            value=values.get(CommentField.ACCOUNT),
        ),
        text_input(
            CommentField.ACCOUNT_OTHER,
            "Account name, if not listed",
            limit=comment_options.ACCOUNT_LIMIT,
            value=values.get(CommentField.ACCOUNT_OTHER, ""),
        ),
        choice_input(
            CommentField.KIND, "Kind", comment_options.KINDS, value=values.get(CommentField.KIND)
        ),
        choice_input(
            CommentField.AUTHOR,
            "Who wrote it",
            comment_options.AUTHORS,
            value=values.get(CommentField.AUTHOR),
        ),
        text_input(
            CommentField.LINK,
            "Link to the comment",
            limit=comment_options.LINK_LIMIT,
            value=values.get(CommentField.LINK, ""),
        ),
        *moment_inputs(CommentField.RECEIVED_AT, "When it was received", now, zone),
        text_input(
            CommentField.SUMMARY,
            "Short summary (no pupils' names)",
            limit=comment_options.SUMMARY_LIMIT,
            required=True,
            multiline=True,
            value=values.get(CommentField.SUMMARY, ""),
        ),
        {
            "type": "Input.Toggle",
            "id": CommentField.OFFENSIVE,
            "title": "This looks offensive or inappropriate",
            "value": "false",
        },
        actions=[{"type": "Action.Submit", "title": "Log it", "data": {"dialog": "log"}}],
    )


def _headline(comment: Comment) -> str:
    kind = comment_options.KINDS.get(comment.kind, comment.kind)
    platform = comment_options.PLATFORMS.get(comment.platform, comment.platform)
    return f"#{comment.id} {kind} on {platform} · {comment.account}"


def comment_card(comment: Comment, *, zone: ZoneInfo, now: datetime, name: Name) -> Card:
    if comment.status == "responded" and comment.responded_at and comment.responded_by:
        how = comment_options.RESPONSES.get(comment.response or "", "")
        state = (
            f"✅ Responded ({how}) by {plain(name(comment.responded_by))}, "
            f"{local(comment.responded_at, zone)}"
        )
    elif now >= comment.due_at:
        state = (
            f"🔴 OVERDUE: was due {local(comment.due_at, zone)} ({time_left(comment.due_at, now)})"
        )
    else:
        state = f"⏳ Reply due {local(comment.due_at, zone)}: {time_left(comment.due_at, now)}"
    who = plain(name(comment.assignee)) if comment.assignee else "nobody yet"
    body = [
        heading(plain(_headline(comment))),
        text(state, weight="Bolder"),
        text(plain(comment.summary)),
        subtle(
            f"From: {comment_options.AUTHORS.get(comment.author, comment.author)} · received "
            f"{local(comment.received_at, zone)} · logged by {plain(name(comment.logged_by))} "
            f"· taken on by {who}"
        ),
    ]
    actions: list[Card] = []
    if comment.link:
        actions.append({"type": "Action.OpenUrl", "title": "Open the comment", "url": comment.link})
    if comment.status == "open":
        actions += [
            dialog("Mark responded", "respond", comment=comment.id),
            execute("Assign to me", "comment.assign", comment=comment.id),
            dialog("Report incident", "report", comment=comment.id),
            dialog("Draft a reply for review", "review", comment=comment.id),
        ]
    return card(*body, actions=actions)


def respond_dialog_card(comment: Comment, errors: dict[str, str] | None = None) -> Card:
    return card(
        *errors_block(errors or {}, COMMENT_LABELS),
        text(plain(_headline(comment)), weight="Bolder"),
        text(plain(comment.summary)),
        choice_input(
            CommentField.RESPONSE, "How was it handled?", comment_options.RESPONSES, expanded=True
        ),
        text_input(CommentField.NOTE, "Note", limit=comment_options.NOTE_LIMIT, multiline=True),
        actions=[
            {
                "type": "Action.Submit",
                "title": "Save",
                "data": {"dialog": "respond", "comment": comment.id},
            }
        ],
    )


def reminder_card(
    comment: Comment, *, left: timedelta, late_since: datetime | None, zone: ZoneInfo
) -> Card:
    message = (
        f"⏰ {duration(left)} left to reply to {plain(_headline(comment))}; due "
        f"{local(comment.due_at, zone)}."
    )
    if late_since is not None:
        message += f" This reminder is late: it fell due at {local(late_since, zone)}."
    return card(text(message))


def escalation_card(
    comment: Comment, *, late_since: datetime | None, zone: ZoneInfo, now: datetime
) -> Card:
    message = (
        f"🔴 SLT: {plain(_headline(comment))} was not answered within the policy's time: "
        f"due {local(comment.due_at, zone)}, now {time_left(comment.due_at, now)}."
    )
    if late_since is not None:
        message += " This alert is late: the bot was not running at the deadline."
    return card(text(message))


def pending_card(comments: list[Comment], *, zone: ZoneInfo, now: datetime) -> Card:
    if not comments:
        return card(text("No comments are waiting for a reply."))
    lines = [
        f"- {'🔴' if now >= c.due_at else '⏳'} {plain(_headline(c))}: "
        f"{time_left(c.due_at, now)} (due {local(c.due_at, zone)})"
        for c in comments
    ]
    return card(heading("Comments awaiting a reply"), text("\n".join(lines)))

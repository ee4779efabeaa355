"""The comment log as people see it on either front end: the tracking card and its state, the
reminders, the escalation, the pending list, the forms' labels and every reply."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.comments import options
from bot.comments.service import CommentFacts, Field
from handlers.present.model import (
    Button,
    Card,
    Command,
    Line,
    Link,
    Person,
    Span,
    Strong,
    Style,
    line,
)
from handlers.present.time import local, time_left
from handlers.present.verbs import CommentAction, IncidentAction, ReviewAction

LOG_TITLE = "Log a comment"
RESPOND_TITLE = "Mark responded"
OTHER_ACCOUNT_LABEL = "Other (name it below)"
LABELS: dict[str, str] = {
    Field.PLATFORM: "Platform",
    Field.ACCOUNT: "Which school account",
    Field.ACCOUNT_OTHER: "Account name, if not listed",
    Field.KIND: "Kind",
    Field.AUTHOR: "Who wrote it",
    Field.LINK: "Link to the comment",
    Field.RECEIVED_AT: "When it was received",
    Field.SUMMARY: "Summary",
    Field.OFFENSIVE: "This looks offensive or inappropriate",
    Field.RESPONSE: "How was it handled?",
    Field.NOTE: "Note",
}
HINTS: dict[str, str] = {
    Field.RECEIVED_AT: "Now, unless it arrived earlier: the 24-hour clock starts when it arrived.",
    Field.SUMMARY: "What it says or asks, in a line or two. No pupils' names.",
}
OFFENSIVE_ADVICE = (
    "Because it looks offensive or inappropriate, the policy asks you to deal with it swiftly: "
    "hide or delete it and block the person where that is warranted, tell the audience why, "
    "and report it to a senior member of staff."
)
HELP: tuple[Line, ...] = (
    line(Command("log"), " — log a comment received on a school account (moderators)"),
    line(Command("pending"), " — comments awaiting a reply, soonest deadline first (moderators)"),
)


def headline(comment: CommentFacts) -> str:
    """e.g. "Complaint on Facebook · Facebook: @ourschool"."""
    kind = options.KINDS.get(comment.kind, comment.kind)
    platform = options.PLATFORMS.get(comment.platform, comment.platform)
    return f"{kind} on {platform} · {comment.account}"


def status_line(comment: CommentFacts, *, zone: ZoneInfo, now: datetime) -> Line:
    if comment.status == "responded" and comment.responded_at and comment.responded_by:
        how = options.RESPONSES.get(comment.response or "", comment.response or "")
        return line(
            "✅ ",
            Strong(f"Responded ({how})"),
            " by ",
            Person(comment.responded_by),
            f", {local(comment.responded_at, zone)}",
        )
    due = local(comment.due_at, zone)
    if now >= comment.due_at:
        return line(
            "🔴 ", Strong("OVERDUE"), f" — was due {due} ({time_left(comment.due_at, now)})"
        )
    return line("⏳ ", Strong(f"Reply due {due}"), f" — {time_left(comment.due_at, now)}")


def _ref(comment: CommentFacts) -> dict[str, int | str]:
    return {"comment": comment.id}


def comment_card(comment: CommentFacts, *, zone: ZoneInfo, now: datetime) -> Card:
    """The tracking card where moderators work, redrawn as the comment moves on."""
    author = options.AUTHORS.get(comment.author, comment.author)
    taken: Span = Person(comment.assignee) if comment.assignee else "nobody yet"
    facts: list[Span] = [
        f"From: {author} · received {local(comment.received_at, zone)} · logged by ",
        Person(comment.logged_by),
        " · taken on by ",
        taken,
    ]
    if comment.link:
        facts += [" · ", Link(comment.link, "open the comment")]
    lines = [status_line(comment, zone=zone, now=now)]
    if comment.response_note:
        lines.append(line("Note: ", comment.response_note))
    buttons: tuple[Button, ...] = ()
    if comment.status == "open":
        ref = _ref(comment)
        buttons = (
            Button(CommentAction.RESPOND, "Mark responded", ref, Style.PRIMARY, opens_form=True),
            Button(CommentAction.ASSIGN, "Assign to me", ref),
            Button(IncidentAction.OPEN_REPORT, "Report incident", ref, opens_form=True),
            Button(ReviewAction.OPEN, "Draft a reply for review", ref, opens_form=True),
        )
    state = "responded" if comment.status == "responded" else time_left(comment.due_at, now)
    return Card(
        summary=f"{headline(comment)} ({state})",
        title=f"#{comment.id} {headline(comment)}",
        lines=tuple(lines),
        quote=comment.summary,
        note=tuple(facts),
        buttons=buttons,
    )


def reminder_card(
    comment: CommentFacts,
    *,
    left: timedelta,
    late_since: datetime | None,
    zone: ZoneInfo,
    to_assignee: bool = False,
) -> Card:
    """A reminder in the card's thread, or (with the summary) directly to the assignee."""
    who: Span = Person(comment.assignee) if comment.assignee and not to_assignee else "Moderators"
    hours = time_left(comment.due_at, comment.due_at - left)
    text = line(
        "⏰ ",
        who,
        f": {hours} to reply to #{comment.id} ({headline(comment)}); "
        f"due {local(comment.due_at, zone)}.",
    )
    late = (
        line(f"This reminder is late: it fell due at {local(late_since, zone)}.")
        if late_since is not None
        else None
    )
    return Card(
        summary=f"{hours} to reply to #{comment.id} ({headline(comment)})",
        lines=(text,),
        quote=comment.summary if to_assignee else None,
        note=late,
    )


def escalation_card(
    comment: CommentFacts,
    *,
    late_since: datetime | None,
    card_link: str | None,
    zone: ZoneInfo,
    now: datetime,
) -> Card:
    """SLT told that a comment's deadline passed without a reply."""
    text: list[Span] = [
        f"🔴 #{comment.id} ({headline(comment)}) was not answered within the policy's time: "
        f"due {local(comment.due_at, zone)}, now {time_left(comment.due_at, now)}."
    ]
    if card_link:
        text += [" ", Link(card_link, "See the card"), "."]
    late = (
        line("This alert is late: the bot was not running at the deadline.")
        if late_since is not None
        else None
    )
    return Card(summary=f"Comment #{comment.id} is overdue", lines=(tuple(text),), note=late)


def unreachable(comment: CommentFacts, *, who: str, what: str) -> Card:
    """SLT told once that someone could not be sent a comment's message."""
    return Card(
        summary=f"Comment #{comment.id}: could not reach someone",
        lines=(
            line(
                f"⚠️ #{comment.id} ({headline(comment)}): the {what} could not be sent to ",
                Person(who),
                " after several tries. Please tell them another way.",
            ),
        ),
    )


def pending_card(comments: Sequence[CommentFacts], *, zone: ZoneInfo, now: datetime) -> Card:
    """Open comments with their countdowns, soonest deadline first, and a way to log one."""
    lines: list[Line] = []
    for c in comments:
        entry: list[Span] = [
            "🔴 " if now >= c.due_at else "⏳ ",
            Strong(f"#{c.id}"),
            f" {headline(c)} — {time_left(c.due_at, now)} (due {local(c.due_at, zone)})",
        ]
        if c.assignee:
            entry += [" · ", Person(c.assignee)]
        lines.append(tuple(entry))
    return Card(
        summary="Comments awaiting a reply",
        title="Comments awaiting a reply, soonest deadline first",
        lines=tuple(lines) or (line("No comments are waiting for a reply. 🎉"),),
        buttons=(Button(CommentAction.LOG, LOG_TITLE, style=Style.PRIMARY, opens_form=True),),
    )


def logged(comment: CommentFacts) -> str:
    return f"Logged as #{comment.id}; the 24-hour clock is running."


def logged_offensive_card(comment: CommentFacts) -> Card:
    """After logging something offensive: the policy's next steps, and the report to SLT."""
    return Card(
        summary=logged(comment),
        lines=(line(Strong(logged(comment))), line(OFFENSIVE_ADVICE)),
        buttons=(
            Button(
                IncidentAction.OPEN_REPORT,
                "Report incident to SLT",
                _ref(comment),
                Style.DANGER,
                opens_form=True,
            ),
        ),
    )


def assigned(comment: CommentFacts) -> str:
    return f"#{comment.id} is yours: reminders will come to you directly too."


def responded(comment: CommentFacts) -> str:
    return f"#{comment.id} marked responded."


def logged_note(comment: CommentFacts) -> str:
    """The one-line confirmation where no card can follow (a closing dialog)."""
    if comment.offensive:
        return f"{logged(comment)} {OFFENSIVE_ADVICE} Use Report incident on its card."
    return logged(comment)

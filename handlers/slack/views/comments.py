"""The comment log: its modal, its tracking card, reminders, escalation and the pending list."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    HeaderBlock,
    InputBlock,
    Option,
)
from slack_sdk.models.views import View

from bot.comments import options
from bot.comments.service import Field
from handlers.present.time import local, time_left
from handlers.present.verbs import CommentAction, IncidentAction, ReviewAction
from handlers.slack.ids import COMMAND, CommentCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import clip, escape, markdown, message, note, quote
from store.models import Comment

OFFENSIVE = "offensive"


def log_modal(*, accounts: list[str], now: datetime, summary: str = "", link: str = "") -> View:
    """The form for logging a comment. Block and action ids are the domain's field names."""
    account_choices = {a[:150]: a for a in accounts} | {
        options.OTHER_ACCOUNT: "Other (name it below)"
    }
    blocks: list[Block] = [
        inputs.select(Field.PLATFORM, "Platform", options.PLATFORMS),
        inputs.select(
            Field.ACCOUNT,
            "Which school account",
            account_choices,
            initial=options.OTHER_ACCOUNT if not accounts else None,
        ),
        inputs.text(
            Field.ACCOUNT_OTHER,
            "Account name, if not listed",
            limit=options.ACCOUNT_LIMIT,
            optional=True,
        ),
        inputs.select(Field.KIND, "Kind", options.KINDS),
        inputs.select(Field.AUTHOR, "Who wrote it", options.AUTHORS),
        inputs.text(
            Field.LINK, "Link to the comment", limit=options.LINK_LIMIT, optional=True, initial=link
        ),
        inputs.moment(
            Field.RECEIVED_AT,
            "When it was received",
            initial=now,
            hint="Now, unless it arrived earlier: the 24-hour clock starts when it arrived.",
        ),
        inputs.text(
            Field.SUMMARY,
            "Short summary",
            limit=options.SUMMARY_LIMIT,
            multiline=True,
            initial=summary,
            hint="What it says or asks, in a line or two. No pupils' names.",
        ),
        InputBlock(
            block_id=Field.OFFENSIVE,
            label="Content",
            optional=True,
            element=CheckboxesElement(
                action_id=Field.OFFENSIVE,
                options=[Option(value=OFFENSIVE, label="This looks offensive or inappropriate")],
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CommentCallback.LOG,
        title="Log a comment",
        submit="Log it",
        close="Cancel",
        blocks=blocks,
    )


def logged_offensive_view(comment_id: int) -> View:
    """Shown after logging something offensive: the policy's next steps, and the report."""
    return View(
        type="modal",
        title="Comment logged",
        close="Done",
        blocks=[
            markdown(
                "*Logged, and the 24-hour clock is running.*\n"
                "Because it looks offensive or inappropriate, the policy asks you to deal with it "
                "swiftly: hide or delete it and block the person where that is warranted, tell "
                "the audience why, and report it to a senior member of staff."
            ),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Report incident to SLT",
                        action_id=IncidentAction.OPEN_REPORT,
                        value=str(comment_id),
                        style="danger",
                    ),
                ]
            ),
        ],
    )


def respond_modal(comment: Comment) -> View:
    return View(
        type="modal",
        callback_id=CommentCallback.RESPONDED,
        private_metadata=str(comment.id),
        title="Mark responded",
        submit="Save",
        close="Cancel",
        blocks=[
            markdown(
                f"*{escape(_headline(comment))}*\n{quote(escape(clip(comment.summary, 500)))}"
            ),
            inputs.radio(Field.RESPONSE, "How was it handled?", options.RESPONSES),
            inputs.text(
                Field.NOTE, "Note", limit=options.NOTE_LIMIT, optional=True, multiline=True
            ),
        ],
    )


def _headline(comment: Comment) -> str:
    kind = options.KINDS.get(comment.kind, comment.kind)
    platform = options.PLATFORMS.get(comment.platform, comment.platform)
    return f"{kind} on {platform} · {comment.account}"


def _status_line(comment: Comment, *, zone: ZoneInfo, now: datetime) -> str:
    if comment.status == "responded" and comment.responded_at:
        how = options.RESPONSES.get(comment.response or "", comment.response or "")
        when = local(comment.responded_at, zone)
        return f"✅ *Responded* ({how}) by <@{comment.responded_by}>, {when}"
    if now >= comment.due_at:
        due = local(comment.due_at, zone)
        return f"🔴 *OVERDUE* — was due {due} ({time_left(comment.due_at, now)})"
    return f"⏳ *Reply due {local(comment.due_at, zone)}* — {time_left(comment.due_at, now)}"


def card(comment: Comment, *, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    """The tracking card in the moderators' channel, redrawn as the comment moves on."""
    author = options.AUTHORS.get(comment.author, comment.author)
    link = f" · <{comment.link}|open the comment>" if comment.link else ""
    assignee = f"<@{comment.assignee}>" if comment.assignee else "nobody yet"
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"#{comment.id} {_headline(comment)}", 150)),
        markdown(_status_line(comment, zone=zone, now=now)),
        markdown(quote(escape(comment.summary))),
        note(
            f"From: {escape(author)} · received {local(comment.received_at, zone)} · "
            f"logged by <@{comment.logged_by}> · taken on by {assignee}{link}"
        ),
    ]
    if comment.response_note:
        blocks.append(note(f"Note: {escape(comment.response_note)}"))
    if comment.status == "open":
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Mark responded",
                        action_id=CommentAction.RESPOND,
                        value=str(comment.id),
                        style="primary",
                    ),
                    ButtonElement(
                        text="Assign to me", action_id=CommentAction.ASSIGN, value=str(comment.id)
                    ),
                    ButtonElement(
                        text="Report incident",
                        action_id=IncidentAction.OPEN_REPORT,
                        value=str(comment.id),
                    ),
                    ButtonElement(
                        text="Draft a reply for review",
                        action_id=ReviewAction.OPEN,
                        value=str(comment.id),
                    ),
                ]
            )
        )
    status = "responded" if comment.status == "responded" else time_left(comment.due_at, now)
    return message(f"{_headline(comment)} ({status})", blocks)


def reminder(
    comment: Comment,
    *,
    left: timedelta,
    late_since: datetime | None,
    zone: ZoneInfo,
    assignee_dm: bool = False,
) -> dict[str, Any]:
    who = f"<@{comment.assignee}>" if comment.assignee and not assignee_dm else "Moderators"
    hours = time_left(comment.due_at, comment.due_at - left)
    text = (
        f"⏰ {who}: {hours} to reply to #{comment.id} ({escape(_headline(comment))}); "
        f"due {local(comment.due_at, zone)}."
    )
    if late_since is not None:
        text += f" _This reminder is late: it fell due at {local(late_since, zone)}._"
    blocks: list[Block] = [markdown(text)]
    if assignee_dm:
        blocks.append(markdown(quote(escape(clip(comment.summary, 500)))))
    return message(text, blocks)


def escalation(
    comment: Comment,
    *,
    mention: str,
    card_link: str | None,
    late_since: datetime | None,
    zone: ZoneInfo,
    now: datetime,
) -> dict[str, Any]:
    where = f" <{card_link}|See the card>." if card_link else ""
    text = (
        f"🔴 {mention} #{comment.id} ({escape(_headline(comment))}) was not answered within "
        f"the policy's time: due {local(comment.due_at, zone)}, now "
        f"{time_left(comment.due_at, now)}.{where}"
    )
    if late_since is not None:
        text += " _This alert is late: the bot was not running at the deadline._"
    return message(f"Comment #{comment.id} is overdue", [markdown(text)])


def pending_blocks(comments: list[Comment], *, zone: ZoneInfo, now: datetime) -> list[Block]:
    if not comments:
        return [markdown("No comments are waiting for a reply. 🎉")]
    lines = [
        f"{'🔴' if now >= c.due_at else '⏳'} *#{c.id}* {escape(_headline(c))} — "
        f"{time_left(c.due_at, now)} (due {local(c.due_at, zone)})"
        + (f" · <@{c.assignee}>" if c.assignee else "")
        for c in comments
    ]
    return [
        markdown("*Comments awaiting a reply, soonest deadline first*"),
        markdown("\n".join(lines)),
    ]


def pending_message(comments: list[Comment], *, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    return message("Comments awaiting a reply", pending_blocks(comments, zone=zone, now=now))


def home_section(comments: list[Comment], *, zone: ZoneInfo, now: datetime) -> list[Block]:
    """The moderators' part of App Home: the queue with countdowns, and a way to log."""
    return [
        *pending_blocks(comments, zone=zone, now=now),
        ActionsBlock(
            elements=[
                ButtonElement(text="Log a comment", action_id=CommentAction.LOG, style="primary"),
            ]
        ),
    ]


COMMENT_HELP = (
    f"`{COMMAND} log` — log a comment received on a school account (moderators)",
    f"`{COMMAND} pending` — comments awaiting a reply, soonest deadline first (moderators)",
)

"""The comment log in Block Kit: its modals here; the cards and lists are the view models of
`handlers.present.comments`, rendered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, CheckboxesElement, InputBlock, Option
from slack_sdk.models.views import View

from bot.comments import options
from bot.comments.service import CommentFacts, Field
from handlers.present import comments as present
from handlers.present.comments import HINTS, LABELS
from handlers.present.model import Strong, line
from handlers.slack import render
from handlers.slack.ids import CommentCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import clip, markdown, quote
from store.models import Comment

OFFENSIVE = "offensive"


def log_modal(
    *,
    accounts: list[str],
    now: datetime,
    summary: str = "",
    link: str = "",
    account: str | None = None,
) -> View:
    """The form for logging a comment. Block and action ids are the domain's field names;
    `account`, if it is one of `accounts`, is chosen already (after a daily check)."""
    account_choices = {a[:150]: a for a in accounts} | {
        options.OTHER_ACCOUNT: present.OTHER_ACCOUNT_LABEL
    }
    blocks: list[Block] = [
        inputs.select(Field.PLATFORM, LABELS[Field.PLATFORM], options.PLATFORMS),
        inputs.select(
            Field.ACCOUNT,
            LABELS[Field.ACCOUNT],
            account_choices,
            initial=options.OTHER_ACCOUNT
            if not accounts
            else (account[:150] if account in accounts else None),
        ),
        inputs.text(
            Field.ACCOUNT_OTHER,
            LABELS[Field.ACCOUNT_OTHER],
            limit=options.ACCOUNT_LIMIT,
            optional=True,
        ),
        inputs.select(Field.KIND, LABELS[Field.KIND], options.KINDS),
        inputs.select(Field.AUTHOR, LABELS[Field.AUTHOR], options.AUTHORS),
        inputs.text(
            Field.LINK, LABELS[Field.LINK], limit=options.LINK_LIMIT, optional=True, initial=link
        ),
        inputs.moment(
            Field.RECEIVED_AT,
            LABELS[Field.RECEIVED_AT],
            initial=now,
            hint=HINTS[Field.RECEIVED_AT],
        ),
        inputs.text(
            Field.SUMMARY,
            LABELS[Field.SUMMARY],
            limit=options.SUMMARY_LIMIT,
            multiline=True,
            initial=summary,
            hint=HINTS[Field.SUMMARY],
        ),
        InputBlock(
            block_id=Field.OFFENSIVE,
            label="Content",
            optional=True,
            element=CheckboxesElement(
                action_id=Field.OFFENSIVE,
                options=[Option(value=OFFENSIVE, label=LABELS[Field.OFFENSIVE])],
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CommentCallback.LOG,
        title=present.LOG_TITLE,
        submit="Log it",
        close="Cancel",
        blocks=blocks,
    )


def logged_offensive_view(comment: CommentFacts) -> View:
    """Shown after logging something offensive: the policy's next steps, and the report."""
    return View(
        type="modal",
        title="Comment logged",
        close="Done",
        blocks=render.blocks(present.logged_offensive_card(comment)),
    )


def respond_modal(comment: CommentFacts) -> View:
    heading = render.text(line(Strong(present.headline(comment))))
    summary = render.text(line(clip(comment.summary, 500)))
    return View(
        type="modal",
        callback_id=CommentCallback.RESPONDED,
        private_metadata=str(comment.id),
        title=present.RESPOND_TITLE,
        submit="Save",
        close="Cancel",
        blocks=[
            markdown(f"{heading}\n{quote(summary)}"),
            inputs.radio(Field.RESPONSE, LABELS[Field.RESPONSE], options.RESPONSES),
            inputs.text(
                Field.NOTE,
                LABELS[Field.NOTE],
                limit=options.NOTE_LIMIT,
                optional=True,
                multiline=True,
            ),
        ],
    )


def pending_message(
    comments: Sequence[CommentFacts], *, zone: ZoneInfo, now: datetime
) -> dict[str, Any]:
    return render.render(present.pending_card(comments, zone=zone, now=now))


def home_section(comments: Sequence[Comment], *, zone: ZoneInfo, now: datetime) -> list[Block]:
    """The moderators' part of App Home: the queue with countdowns, and a way to log."""
    facts = [CommentFacts.of(c) for c in comments]
    return render.blocks(present.pending_card(facts, zone=zone, now=now))

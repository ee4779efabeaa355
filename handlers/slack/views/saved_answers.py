"""SLT teaching the bot in Slack's modals: the reply to a question passed on, and editing or
removing a saved answer. The words are `handlers.present.saved_answers`'."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.questions.replies import ReplyField, ToAnswer
from bot.saved_answers.service import ANSWER_LIMIT, QUESTION_LIMIT, SECTION_LIMIT, Field, Saved
from handlers.present import saved_answers as present
from handlers.slack import render
from handlers.slack.ids import TeachCallback
from handlers.slack.views import inputs
from handlers.slack.views.common import escape, markdown, quote

LABELS = present.LABELS


def reply_modal(question: ToAnswer) -> View:
    return View(
        type="modal",
        callback_id=TeachCallback.REPLY,
        title=present.REPLY_TITLE,
        submit=present.REPLY_SUBMIT,
        close="Cancel",
        private_metadata=question.question_id,
        blocks=[
            markdown(render.text(present.reply_intro(question))),
            markdown(quote(escape(question.text))),
            inputs.text(
                ReplyField.ANSWER, LABELS[ReplyField.ANSWER], limit=ANSWER_LIMIT, multiline=True
            ),
            inputs.checks(
                ReplyField.SAVE,
                LABELS[ReplyField.SAVE],
                {"yes": present.SAVE_LABEL},
            ),
        ],
    )


def edit_modal(saved: Saved) -> View:
    return View(
        type="modal",
        callback_id=TeachCallback.EDIT,
        title=present.EDIT_TITLE,
        submit="Save",
        close="Cancel",
        private_metadata=str(saved.id),
        blocks=[
            inputs.text(
                Field.QUESTION, LABELS[Field.QUESTION], limit=QUESTION_LIMIT, initial=saved.question
            ),
            inputs.text(
                Field.ANSWER,
                LABELS[Field.ANSWER],
                limit=ANSWER_LIMIT,
                multiline=True,
                initial=saved.answer,
            ),
            inputs.text(
                Field.SECTION,
                LABELS[Field.SECTION],
                limit=SECTION_LIMIT,
                optional=True,
                initial=saved.section or "",
                hint=present.SECTION_HINT,
            ),
        ],
    )


def remove_modal(saved: Saved) -> View:
    return View(
        type="modal",
        callback_id=TeachCallback.REMOVE,
        title=present.REMOVE_TITLE,
        submit=present.REMOVE_SUBMIT,
        close="Cancel",
        private_metadata=str(saved.id),
        blocks=render.blocks(present.saved_card(saved, actions=False)),
    )


def done(text: str) -> View:
    """What the modal shows once its submission has been taken."""
    return View(type="modal", title="Done", close="Close", blocks=[markdown(escape(text))])

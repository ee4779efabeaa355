"""SLT teaching the bot in Teams' dialogs, as Adaptive Cards: the reply to a question passed on,
and editing or removing a saved answer. The words are `handlers.present.saved_answers`'."""

from __future__ import annotations

from typing import Any

from bot.questions.replies import ReplyField, ToAnswer
from bot.saved_answers.service import ANSWER_LIMIT, QUESTION_LIMIT, SECTION_LIMIT, Field, Saved
from handlers.present import saved_answers as present
from handlers.present.verbs import TeachAction
from handlers.teams import render
from handlers.teams.cards import Card, Name, card, errors_block, plain, subtle, text, text_input

LABELS = present.LABELS
REPLY = render.dialog_name(TeachAction.REPLY)
EDIT = render.dialog_name(TeachAction.EDIT)
REMOVE = render.dialog_name(TeachAction.REMOVE)


def _submit(title: str, **data: Any) -> Card:
    return {"type": "Action.Submit", "title": title, "data": data}


def reply_dialog_card(
    question: ToAnswer,
    name: Name,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Card:
    values = values or {}
    return card(
        *errors_block(errors or {}, LABELS),
        text(render.text(present.reply_intro(question), name)),
        text(plain(question.text), isSubtle=True),
        text_input(
            ReplyField.ANSWER,
            LABELS[ReplyField.ANSWER],
            limit=ANSWER_LIMIT,
            value=str(values.get(ReplyField.ANSWER) or ""),
            required=True,
            multiline=True,
        ),
        {
            "type": "Input.Toggle",
            "id": ReplyField.SAVE,
            "title": present.SAVE_LABEL,
            "valueOn": "true",
            "valueOff": "false",
            "value": "true" if values.get(ReplyField.SAVE) == "true" else "false",
        },
        subtle(present.SAVE_HINT),
        actions=[_submit(present.REPLY_SUBMIT, dialog=REPLY, question=question.question_id)],
    )


def edit_dialog_card(
    saved: Saved, *, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None
) -> Card:
    values = values or {}
    return card(
        *errors_block(errors or {}, LABELS),
        text_input(
            Field.QUESTION,
            LABELS[Field.QUESTION],
            limit=QUESTION_LIMIT,
            value=str(values.get(Field.QUESTION, saved.question)),
            required=True,
        ),
        text_input(
            Field.ANSWER,
            LABELS[Field.ANSWER],
            limit=ANSWER_LIMIT,
            value=str(values.get(Field.ANSWER, saved.answer)),
            required=True,
            multiline=True,
        ),
        text_input(
            Field.SECTION,
            LABELS[Field.SECTION],
            limit=SECTION_LIMIT,
            value=str(values.get(Field.SECTION, saved.section or "")),
        ),
        subtle(present.SECTION_HINT),
        actions=[_submit("Save", dialog=EDIT, saved=saved.id)],
    )


def remove_dialog_card(saved: Saved, name: Name) -> Card:
    return card(
        *render.body(present.saved_card(saved, actions=False), name),
        actions=[_submit(present.REMOVE_SUBMIT, dialog=REMOVE, saved=saved.id)],
    )

"""SLT teaching the bot in Teams: Reply on a question passed on to them (a dialog), and the
`answers` message with Edit, Remove (dialogs) and Still holds on each saved answer.

The same actions as Slack (`bot.questions.replies`, `bot.saved_answers.actions`, which refuse
anyone not SLT) and the same words (`handlers.present.saved_answers`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from microsoft_teams.api import TaskModuleResponse

from bot.questions import replies
from bot.questions.actions import QuestionError
from bot.questions.replies import InvalidReply, ReplyField
from bot.saved_answers import actions
from bot.saved_answers.actions import InvalidForm, SavedAnswerError
from bot.saved_answers.service import Field, SavedForm
from handlers.present import saved_answers as present
from handlers.present.verbs import TeachAction
from handlers.teams import cards, render
from handlers.teams import saved_answer_cards as views
from handlers.teams.base import TeamsTurns, record_id

DIALOGS = frozenset({views.REPLY, views.EDIT, views.REMOVE})
VERBS = frozenset({TeachAction.STILL_HOLDS})


def _saved(data: dict[str, Any]) -> int:
    return record_id(data, "saved")


class SavedAnswerListeners(TeamsTurns):
    async def listing(self, user: str) -> cards.Card:
        """The `answers` message."""
        try:
            saved = await asyncio.to_thread(actions.listing, self.services, self.roles, user=user)
        except SavedAnswerError as refused:
            return cards.note_card(str(refused))
        return render.render_many(present.listing(saved), self._names())

    async def act(self, verb: str, data: dict[str, Any], user: str) -> cards.Card:
        """Still holds, the only button that is not a dialog."""
        try:
            saved = await asyncio.to_thread(
                actions.still_holds, self.services, self.roles, saved_id=_saved(data), user=user
            )
        except SavedAnswerError as error:
            return cards.note_card(str(error))
        return cards.note_card(cards.plain(present.still_holds(saved)))

    async def open_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if name == views.REPLY:
            try:
                question = await asyncio.to_thread(
                    replies.open_reply,
                    self.services,
                    self.roles,
                    question_id=str(data.get("question") or ""),
                    user=user,
                )
            except QuestionError as error:
                return self._done(str(error))
            return self._dialog(
                present.REPLY_TITLE, views.reply_dialog_card(question, self._names())
            )
        try:
            saved = await asyncio.to_thread(
                actions.open_saved, self.services, self.roles, saved_id=_saved(data), user=user
            )
        except SavedAnswerError as error:
            return self._done(str(error))
        if name == views.EDIT:
            return self._dialog(present.EDIT_TITLE, views.edit_dialog_card(saved))
        return self._dialog(present.REMOVE_TITLE, views.remove_dialog_card(saved, self._names()))

    async def submit_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if name == views.REPLY:
            return await self._reply(data, user)
        if name == views.EDIT:
            return await self._edit(data, user)
        try:
            await asyncio.to_thread(
                actions.remove, self.services, self.roles, saved_id=_saved(data), user=user
            )
        except SavedAnswerError as error:
            return self._done(str(error))
        return self._done(present.REMOVED)

    async def _reply(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        question_id = str(data.get("question") or "")
        try:
            result = await asyncio.to_thread(
                replies.reply,
                self.services,
                self.roles,
                question_id=question_id,
                user=user,
                answer=str(data.get(ReplyField.ANSWER) or ""),
                save=data.get(ReplyField.SAVE) in (True, "true"),
            )
        except InvalidReply as invalid:
            return await self._reply_again(question_id, user, invalid.errors, data)
        except QuestionError as error:
            return self._done(str(error))
        return self._done(present.replied(result))

    async def _reply_again(
        self, question_id: str, user: str, errors: dict[str, str], data: dict[str, Any]
    ) -> TaskModuleResponse:
        """The reply form shown again with what to fix, unless the question has moved on."""
        try:
            question = await asyncio.to_thread(
                replies.open_reply, self.services, self.roles, question_id=question_id, user=user
            )
        except QuestionError as error:
            return self._done(str(error))
        content = views.reply_dialog_card(question, self._names(), errors=errors, values=data)
        return self._dialog(present.REPLY_TITLE, content, again=data)

    async def _edit(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        form = SavedForm(
            question=str(data.get(Field.QUESTION) or ""),
            answer=str(data.get(Field.ANSWER) or ""),
            section=str(data.get(Field.SECTION) or ""),
        )
        try:
            saved = await asyncio.to_thread(
                actions.edit,
                self.services,
                self.roles,
                saved_id=_saved(data),
                user=user,
                form=form,
            )
        except InvalidForm as invalid:
            return await self._edit_again(_saved(data), user, invalid.errors, data)
        except SavedAnswerError as error:
            return self._done(str(error))
        return self._done(present.edited(saved))

    async def _edit_again(
        self, saved_id: int, user: str, errors: dict[str, str], data: dict[str, Any]
    ) -> TaskModuleResponse:
        """The edit form shown again with what to fix, unless the answer has been removed."""
        try:
            current = await asyncio.to_thread(
                actions.open_saved, self.services, self.roles, saved_id=saved_id, user=user
            )
        except SavedAnswerError as error:
            return self._done(str(error))
        content = views.edit_dialog_card(current, errors=errors, values=data)
        return self._dialog(present.EDIT_TITLE, content, again=data)

"""The comment log in Teams: the log and respond dialogs, Assign to me, the pending list.

Every rule is the domain's (`bot.comments.actions`), every sentence and card the view model's
(`handlers.present.comments`), exactly as for Slack; this only translates Teams' activities.
"""

from __future__ import annotations

import asyncio
from typing import Any

from microsoft_teams.api import TaskModuleResponse

from bot.comments import actions
from bot.comments.actions import InvalidForm
from bot.comments.service import CommentError, CommentForm, Field
from bot.submissions import Key
from handlers.present import comments as present
from handlers.present.verbs import CommentAction
from handlers.teams import cards, render
from handlers.teams.base import FRONT_END, TeamsTurns, record_id
from handlers.teams.comment_cards import log_dialog_card, respond_dialog_card

LOG = render.dialog_name(CommentAction.LOG)
RESPOND = render.dialog_name(CommentAction.RESPOND)
DIALOGS = (LOG, RESPOND)


def _comment_id(data: dict[str, Any]) -> int:
    return record_id(data, "comment")


class CommentListeners(TeamsTurns):
    # Messages and card actions -----------------------------------------------------------

    async def pending(self, user: str) -> cards.Card:
        try:
            waiting = await asyncio.to_thread(actions.pending, self.services, self.roles, user=user)
        except CommentError as error:
            return cards.note_card(cards.plain(str(error)))
        card = present.pending_card(waiting, zone=self.zone, now=self.services.clock.now())
        return render.render(card, self._names())

    async def assign(self, data: dict[str, Any], user: str) -> cards.Card:
        """Assign to me: the card, redrawn, is the answer, given before the card is redrawn for
        everyone else."""
        try:
            comment = await self._answer_first(
                actions.assign,
                services=self.services,
                roles=self.roles,
                comment_id=_comment_id(data),
                user=user,
            )
        except CommentError as error:
            return cards.note_card(cards.plain(error.describe(self._names())))
        card = present.comment_card(comment, zone=self.zone, now=self.services.clock.now())
        return render.render(card, self._names())

    # Dialogs -----------------------------------------------------------------------------

    async def open_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        try:
            if name == LOG:
                actions.check_moderator(self.roles, user)
                accounts = await asyncio.to_thread(self.services.comment_accounts)
                content = log_dialog_card(
                    accounts=accounts, now=self.services.clock.now(), zone=self.zone
                )
                return self._dialog(present.LOG_TITLE, content)
            comment = await asyncio.to_thread(
                actions.responding,
                self.services,
                self.roles,
                comment_id=_comment_id(data),
                user=user,
            )
        except CommentError as error:
            return self._done(error.describe(self._names()))
        return self._dialog(present.RESPOND_TITLE, respond_dialog_card(comment))

    async def submit_dialog(
        self, name: str, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        if name == LOG:
            return await self._submit_log(data, user, submission)
        return await self._submit_respond(data, user, submission)

    async def _submit_log(
        self, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        form = CommentForm(
            platform=data.get(Field.PLATFORM),
            account=data.get(Field.ACCOUNT),
            account_other=str(data.get(Field.ACCOUNT_OTHER) or ""),
            kind=data.get(Field.KIND),
            author=data.get(Field.AUTHOR),
            link=str(data.get(Field.LINK) or ""),
            received_at=self._moment(data, Field.RECEIVED_AT),
            summary=str(data.get(Field.SUMMARY) or ""),
            offensive=str(data.get(Field.OFFENSIVE)).lower() == "true",
        )
        try:
            comment = await asyncio.to_thread(
                actions.log,
                self.services,
                self.roles,
                form=form,
                user=user,
                front_end=FRONT_END,
                submission=submission,
            )
        except InvalidForm as refused:  # the form comes back with what was typed, and what to fix
            accounts = await asyncio.to_thread(self.services.comment_accounts)
            content = log_dialog_card(
                accounts=accounts,
                now=form.received_at or self.services.clock.now(),
                zone=self.zone,
                values=data,
                errors=refused.errors,
            )
            return self._dialog(present.LOG_TITLE, content, again=data)
        except CommentError as error:
            return self._done(str(error))
        self.follow_ups.submit(actions.post_card, self.services, comment_id=comment.id)
        return self._done(present.logged_note(comment))

    async def _submit_respond(
        self, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        comment_id = _comment_id(data)
        try:
            comment = await self._answer_first(
                actions.respond,
                services=self.services,
                roles=self.roles,
                comment_id=comment_id,
                user=user,
                response=data.get(Field.RESPONSE),
                note=str(data.get(Field.NOTE) or ""),
                submission=submission,
            )
        except InvalidForm as refused:
            try:
                open_comment = await asyncio.to_thread(
                    actions.responding, self.services, self.roles, comment_id=comment_id, user=user
                )
            except CommentError as error:
                return self._done(error.describe(self._names()))
            content = respond_dialog_card(open_comment, refused.errors)
            return self._dialog(present.RESPOND_TITLE, content)
        except CommentError as error:
            return self._done(error.describe(self._names()))
        return self._done(present.responded(comment))

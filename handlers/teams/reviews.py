"""Second opinions in Teams: the draft dialog, reviewers deciding, the author told.

The same actions as Slack (`bot.reviews.actions`) and the same cards
(`handlers.present.reviews`); the card goes to SLT's conversation and is redrawn there.
"""

from __future__ import annotations

import asyncio
from typing import Any

from microsoft_teams.api import TaskModuleResponse

from bot.reviews import actions
from bot.reviews.actions import InvalidForm
from bot.reviews.service import DraftForm, Field, ReviewError
from bot.submissions import Key
from handlers.present import reviews as present
from handlers.present.verbs import ReviewAction
from handlers.teams import cards, render
from handlers.teams import review_cards as views
from handlers.teams.base import FRONT_END, TeamsTurns, record_id

# The dialogs' names: the `review` command's, each button's verb's last part, and the name
# send-back cards used before that.
SLT_UNREACHED = "Your draft is saved, but SLT could not be reached in Teams just now."
DIALOGS: dict[str, ReviewAction] = {
    views.DRAFT: ReviewAction.OPEN,
    render.dialog_name(ReviewAction.OPEN): ReviewAction.OPEN,
    render.dialog_name(ReviewAction.SEND_BACK): ReviewAction.SEND_BACK,
    "review_send_back": ReviewAction.SEND_BACK,
}


def _comment(data: dict[str, Any]) -> int | None:
    return record_id(data, "comment") or None


class ReviewListeners(TeamsTurns):
    async def approve(self, data: dict[str, Any], user: str) -> cards.Card:
        """The card's Approve button."""
        return cards.note_card(await self._decide(data, user, approve=True))

    async def open_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if DIALOGS[name] == ReviewAction.OPEN:
            try:
                prefill = await asyncio.to_thread(
                    actions.prefill, self.services, self.roles, comment_id=_comment(data), user=user
                )
            except ReviewError as error:
                return self._done(str(error))
            return self._dialog(present.FORM_TITLE, views.draft_dialog_card(prefill))
        try:
            review = await asyncio.to_thread(
                actions.open_send_back,
                self.services,
                self.roles,
                review_id=record_id(data, "review"),
                user=user,
            )
        except ReviewError as error:
            return self._done(str(error))
        return self._dialog(present.SEND_BACK, views.send_back_dialog_card(review))

    async def submit_dialog(
        self, name: str, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        if DIALOGS[name] == ReviewAction.OPEN:
            return await self._submit(data, user, submission)
        return self._done(await self._decide(data, user, approve=False, submission=submission))

    async def _submit(self, data: dict[str, Any], user: str, submission: Key) -> TaskModuleResponse:
        form = DraftForm(
            account=str(data.get(Field.ACCOUNT) or ""),
            context=str(data.get(Field.CONTEXT) or ""),
            draft=str(data.get(Field.DRAFT) or ""),
        )
        comment_id = _comment(data)
        try:
            await self._answer_first(
                actions.submit,
                services=self.services,
                form=form,
                author=user,
                comment_id=comment_id,
                front_end=FRONT_END,
                submission=submission,
                then=lambda review: self._tell_unless(review.shown, user, SLT_UNREACHED),
            )
        except InvalidForm as invalid:
            return self._dialog(
                present.FORM_TITLE,
                views.draft_dialog_card(
                    actions.Prefill(comment_id=comment_id), errors=invalid.errors, values=data
                ),
                again=data,
            )
        return self._done(present.SENT)

    async def _decide(
        self, data: dict[str, Any], user: str, *, approve: bool, submission: Key | None = None
    ) -> str:
        try:
            review = await self._answer_first(
                actions.decide,
                services=self.services,
                roles=self.roles,
                review_id=record_id(data, "review"),
                version=record_id(data, "version"),
                reviewer=user,
                approve=approve,
                notes=str(data.get(Field.NOTES) or ""),
                submission=submission,
            )
        except ReviewError as error:
            return str(error)
        return present.decided(review)

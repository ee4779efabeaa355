"""The policy's answers in Teams: questions, whole sections, topics, help, feedback, Ask SLT.

The rules are the domain's (`bot.questions.actions`) and every card and sentence the view
model's (`handlers.present.answers`), exactly as for Slack.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.questions import actions
from bot.questions.actions import QuestionError
from handlers.present import answers as present
from handlers.present.verbs import Action
from handlers.teams import cards, render
from handlers.teams.base import FRONT_END, TeamsTurns

# Verbs on answer cards posted before the verbs were shared with Slack.
LEGACY_SECTION = "answer.section"
LEGACY_FEEDBACK = "answer.feedback"
VERBS = frozenset(
    {
        Action.WHOLE_SECTION,
        Action.HELPFUL,
        Action.NOT_HELPFUL,
        Action.ASK_SLT,
        LEGACY_SECTION,
        LEGACY_FEEDBACK,
    }
)


class AnswerListeners(TeamsTurns):
    # Messages ----------------------------------------------------------------------------

    def help(self) -> cards.Card:
        return render.render(present.help_card(), self._names())

    def topics(self) -> cards.Card:
        policy = self.services.policy
        return render.render(
            present.topics_card(policy.topics(), version=policy.version), self._names()
        )

    def section(self, name: str) -> cards.Card:
        policy = self.services.policy
        found = policy.find_section(name)
        card = (
            present.section_card(found, version=policy.version)
            if found
            else present.section_not_found_card(name)
        )
        return render.render(card, self._names())

    async def answer(self, text: str) -> cards.Card:
        """The answer goes out even when the question cannot be kept."""
        answered = await asyncio.to_thread(actions.answer, self.services, text=text)
        can_ask_slt = self.services.notifier.offers_ask_slt(front_end=FRONT_END)
        card = present.answer_card(answered, can_ask_slt=can_ask_slt, can_share=False)
        return render.render(card, self._names())

    # Card actions ------------------------------------------------------------------------

    async def act(self, verb: str, data: dict[str, Any], user: str) -> cards.Card:
        if verb in (Action.WHOLE_SECTION, LEGACY_SECTION):
            return self._whole_section(str(data.get("section")))
        question_id = str(data.get("question"))
        if verb == Action.ASK_SLT:
            return await self._ask_slt(question_id, user)
        helpful = verb == Action.HELPFUL or (
            verb == LEGACY_FEEDBACK and data.get("helpful") in (True, "true")
        )
        found = await asyncio.to_thread(
            actions.give_feedback, self.services, question_id=question_id, helpful=helpful
        )
        return cards.note_card(cards.plain(present.feedback_reply(helpful=helpful, found=found)))

    def _whole_section(self, key: str) -> cards.Card:
        section = self.services.policy.section(key)
        if section is None:
            return cards.note_card(cards.plain(present.SECTION_GONE))
        card = present.section_card(section, version=self.services.policy.version)
        return render.render(card, self._names())

    async def _ask_slt(self, question_id: str, user: str) -> cards.Card:
        try:
            await asyncio.to_thread(
                actions.ask_slt,
                self.services,
                question_id=question_id,
                user_id=user,
                front_end=FRONT_END,
            )
        except QuestionError as error:
            return cards.note_card(cards.plain(str(error)))
        return cards.note_card(cards.plain(present.SENT_TO_SLT))

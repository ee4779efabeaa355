"""What anyone can do with the policy's answers, decided once for every front end: ask, say
whether an answer helped, pass a question on to SLT, share an answer."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from bot.policy.search import Answer
from bot.policy.service import Asked
from bot.ports import DeliveryError
from bot.questions import service as questions
from bot.saved_answers import actions as saved_answers
from bot.saved_answers.service import Saved
from bot.services import Services
from store.db import read_scope, session_scope
from store.models import Question

logger = logging.getLogger(__name__)

CANNOT_PASS_ON = "Sorry, I can't pass that question on."
ALREADY_WITH_SLT = "That question has already gone to SLT."
SLT_UNREACHABLE = "SLT could not be reached just now; nothing was sent. Try again shortly."
ANSWER_EXPIRED = "That answer has expired; ask again to share it."


class QuestionError(Exception):
    """Something that cannot be done with a question; the message is fit to show the user."""


@dataclass(frozen=True)
class Answered:
    """An answer to show, and the id its buttons refer to (kept when the database allowed);
    `saved`, the school's answer to a question that means the same, is shown first."""

    asked: Asked
    question_id: str
    version: str
    saved: Saved | None = None


@dataclass(frozen=True)
class PassedOn:
    """A question on its way to SLT: the asker is named, since they chose to ask."""

    question_id: str
    text: str
    best_section: str | None
    asked_by: str

    @classmethod
    def of(cls, question: Question) -> PassedOn:
        return cls(
            question_id=question.id,
            text=question.text,
            best_section=question.best_section,
            asked_by=question.asked_by or "",
        )


def answer(services: Services, *, text: str) -> Answered:
    """Answer from the policy, with the school's saved answer first when one means the same;
    keep the question for SLT's review. A database failure never stops the policy's answer
    going out."""
    policy = services.policy.current()  # one version for the answer and its record
    asked = policy.ask(text)
    question_id = uuid.uuid4().hex
    version = policy.version
    saved = None
    try:
        with read_scope(services.sessions) as session:  # no write lock while questions compare
            concepts = policy.index.concepts(asked.answer.question)
            saved = saved_answers.closest(session, services, question=concepts)
        with session_scope(services.sessions) as session:
            questions.record(
                session,
                question_id=question_id,
                answer=asked.answer,
                version=version,
                saved_answer_id=saved.id if saved else None,
                now=services.clock.now(),
            )
    except SQLAlchemyError:
        logger.exception("could not store a question; answering it anyway")
    return Answered(asked=asked, question_id=question_id, version=version, saved=saved)


def give_feedback(services: Services, *, question_id: str, helpful: bool) -> bool:
    """Record whether the answer helped; False when the question is no longer kept."""
    with session_scope(services.sessions) as session:
        found = questions.give_feedback(session, question_id=question_id, helpful=helpful)
        return found is not None


def ask_slt(services: Services, *, question_id: str, user_id: str, front_end: str) -> PassedOn:
    """Pass a question to SLT through `front_end`, once: a second click, on any front end, is
    refused. Nothing is recorded unless it went."""
    if not services.notifier.offers_ask_slt(front_end=front_end):
        raise QuestionError(CANNOT_PASS_ON)
    with session_scope(services.sessions) as session:  # claimed, and committed before sending
        question = questions.get(session, question_id=question_id, lock=True)
        if question is None:
            raise QuestionError(CANNOT_PASS_ON)
        if question.sent_to_slt_at is not None:
            raise QuestionError(ALREADY_WITH_SLT)
        questions.send_to_slt(
            session,
            question_id=question_id,
            user_id=user_id,
            front_end=front_end,
            now=services.clock.now(),
        )
    try:
        services.notifier.ask_slt(question, front_end=front_end)
    except DeliveryError as error:  # given back: not recorded as sent, and who asked is not kept
        logger.warning("question %s not passed on to SLT: %s", question_id, error)
        with session_scope(services.sessions) as session:
            claimed = questions.get(session, question_id=question_id, lock=True)
            if claimed is not None:
                claimed.sent_to_slt_at = claimed.asked_by = claimed.front_end = None
        raise QuestionError(SLT_UNREACHABLE) from error
    return PassedOn.of(question)


def to_share(services: Services, *, question_id: str) -> Answer:
    """The answer to a kept question, found afresh, for posting to everyone; never who asked."""
    with session_scope(services.sessions) as session:
        question = questions.get(session, question_id=question_id)
        text = question.text if question else None
    found = services.policy.ask(text).answer if text else None
    if found is None or not found.hits:
        raise QuestionError(ANSWER_EXPIRED)
    return found

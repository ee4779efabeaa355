"""SLT answering a question passed on to them: the asker is sent the answer by DM, and SLT may
save it as the school's answer to that question.

The DM is a one-off notice (`bot.notices.send_once`): claimed before it is sent, so two
instances or a double submit never send it twice, and given back when it fails. What failed is
retried by `sweep` for `RETRY_FOR`, then left: the reply stays on the question for SLT to pass
on another way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notices import send_once, sent_already
from bot.ports import DeliveryError, Notifier
from bot.questions import service as questions
from bot.questions.actions import QuestionError
from bot.roles import Roles
from bot.saved_answers import service as saved_answers
from bot.services import Services
from store.db import session_scope
from store.models import Question

logger = logging.getLogger(__name__)

NOT_SLT = "Only SLT can answer questions passed on to them."
NOT_PASSED_ON = "That question is no longer kept, or was never passed on to SLT."
ALREADY_ANSWERED = "That question has already been answered."
RETRY_FOR = timedelta(days=7)


class ReplyField(StrEnum):
    """The reply form's fields, the same name in both front ends."""

    ANSWER = "answer"
    SAVE = "save"


class InvalidReply(QuestionError):
    """A reply form with mistakes: `errors` maps each field to what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Check the form.")
        self.errors = errors


@dataclass(frozen=True)
class ToAnswer:
    """A question passed on to SLT, as the reply form shows it: not who asked."""

    question_id: str
    text: str
    best_section: str | None


@dataclass(frozen=True)
class Replied:
    """What became of a reply: whether the asker has it yet, and whether it was saved."""

    delivered: bool
    saved: bool


def open_reply(services: Services, roles: Roles, *, question_id: str, user: str) -> ToAnswer:
    """The question SLT are about to answer; refused once it has been answered."""
    if not roles.is_slt(user):
        raise QuestionError(NOT_SLT)
    with session_scope(services.sessions) as session:
        question = _answerable(session, question_id)
        return ToAnswer(question.id, question.text, question.best_section)


def _recorded() -> None:
    """Nothing to acknowledge before the DM goes."""


def reply(
    services: Services,
    roles: Roles,
    *,
    question_id: str,
    user: str,
    answer: str,
    save: bool,
    recorded: Callable[[], object] = _recorded,
) -> Replied:
    """Answer the asker (once: a second reply is refused) and, if SLT chose, save the answer as
    the school's answer to the question, with the policy section the question came closest to.
    The reply is recorded before it is sent (then `recorded` is called, so a front end can
    acknowledge before the DM goes), and a failed DM is retried by the sweep."""
    if not roles.is_slt(user):
        raise QuestionError(NOT_SLT)
    errors = saved_answers.answer_errors(answer)
    if errors:
        raise InvalidReply({ReplyField.ANSWER: errors[saved_answers.Field.ANSWER]})
    now = services.clock.now()
    with session_scope(services.sessions) as session:
        question = _answerable(session, question_id, lock=True)
        question.slt_answer = answer.strip()
        question.slt_answered_by, question.slt_answered_at = user, now
        if save:
            saved_answers.save(
                session,
                question=question.text,
                answer=answer.strip(),
                section=question.best_section,
                policies=services.policy.policies,
                user=user,
                now=now,
            )
    recorded()
    delivered = deliver(
        sessions=services.sessions, notifier=services.notifier, question_id=question_id, now=now
    )
    return Replied(delivered=delivered, saved=save)


def deliver(
    *, sessions: sessionmaker[Session], notifier: Notifier, question_id: str, now: datetime
) -> bool:
    """Send SLT's reply to the asker unless it has gone; whether it has now."""
    key = f"slt-answer:{question_id}"
    with session_scope(sessions) as session:
        question = questions.get(session, question_id=question_id)
        if question is None or question.slt_answer is None:
            return False
        if question.slt_answer_sent_at is not None:
            return True
    try:
        send_once(
            sessions=sessions, key=key, now=now, send=lambda: notifier.answer_to_asker(question)
        )
    except DeliveryError as error:
        logger.warning(
            "SLT's answer to question %s not delivered, will retry: %s", question_id, error
        )
        return False
    with session_scope(sessions) as session:
        if not sent_already(session, key):
            return False  # another instance is sending it now
        sent = questions.get(session, question_id=question_id)
        if sent is not None:
            sent.slt_answer_sent_at = now
        return True


def sweep(*, sessions: sessionmaker[Session], notifier: Notifier, clock: Clock) -> int:
    """Retry SLT's answers that have not reached their askers, for `RETRY_FOR`."""
    now = clock.now()
    with session_scope(sessions) as session:
        waiting = list(
            session.scalars(
                select(Question.id).where(
                    Question.slt_answer_sent_at.is_(None),
                    Question.slt_answered_at >= now - RETRY_FOR,
                )
            )
        )
    return sum(
        deliver(sessions=sessions, notifier=notifier, question_id=question_id, now=now)
        for question_id in waiting
    )


def _answerable(session: Session, question_id: str, *, lock: bool = False) -> Question:
    question = questions.get(session, question_id=question_id, lock=lock)
    if question is None or question.sent_to_slt_at is None or question.asked_by is None:
        raise QuestionError(NOT_PASSED_ON)
    if question.slt_answered_at is not None:
        raise QuestionError(ALREADY_ANSWERED)
    return question

"""Recording questions, feedback on answers, and questions sent on to SLT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.policy.search import Answer
from store.models import Question


def record(
    session: Session,
    *,
    question_id: str,
    answer: Answer,
    version: str,
    saved_answer_id: int | None,
    now: datetime,
) -> Question:
    """Keep the question without its author: who asked is only stored if they ask SLT."""
    best = answer.best
    question = Question(
        id=question_id,
        asked_at=now,
        text=answer.question,
        best_section=best.section.path_text[:500] if best else None,
        confident=answer.confident,
        policy_version=version[:200],
        saved_answer_id=saved_answer_id,
    )
    session.add(question)
    return question


def get(session: Session, *, question_id: str, lock: bool = False) -> Question | None:
    """The question; `lock` holds it until the transaction ends (a second click waits)."""
    return session.get(Question, question_id, with_for_update=lock)


def give_feedback(session: Session, *, question_id: str, helpful: bool) -> Question | None:
    question = session.get(Question, question_id)
    if question is not None:
        question.feedback = 1 if helpful else -1
    return question


def send_to_slt(
    session: Session, *, question_id: str, user_id: str, front_end: str, now: datetime
) -> Question | None:
    """Who asked, and on which front end, so SLT's reply can reach them."""
    question = session.get(Question, question_id)
    if question is not None:
        question.asked_by = user_id
        question.front_end = front_end
        question.sent_to_slt_at = now
    return question

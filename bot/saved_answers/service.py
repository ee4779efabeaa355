"""Saved answers in the database: saving, finding those in force, editing, removing, and
flagging those saved against an older version of the policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.policy.document import PolicySet
from bot.validation import text_errors
from store.models import SavedAnswer

QUESTION_LIMIT = 300  # as much of a question as search reads
ANSWER_LIMIT = 2000
SECTION_LIMIT = 500


class Field(StrEnum):
    """The saved answer form's fields, the same name in both front ends."""

    QUESTION = "question"
    ANSWER = "answer"
    SECTION = "section"


@dataclass(frozen=True)
class SavedForm:
    """A saved answer as SLT typed it; `section` is a section's name, or empty for none."""

    question: str
    answer: str
    section: str


@dataclass(frozen=True)
class Saved:
    """A saved answer as people are shown it: never who asked the question."""

    id: int
    question: str
    answer: str
    section: str | None
    answered_on: date  # in the school's time zone
    needs_review: bool

    @classmethod
    def of(cls, row: SavedAnswer, zone: ZoneInfo) -> Saved:
        return cls(
            id=row.id,
            question=row.question,
            answer=row.answer,
            section=row.section,
            answered_on=row.updated_at.astimezone(zone).date(),
            needs_review=row.needs_review_since is not None,
        )


def validate(form: SavedForm) -> dict[str, str]:
    """What to fix, by field; the section's name is checked against the policy by the caller."""
    errors = text_errors({f.value: getattr(form, f.value) for f in Field})
    if not form.question.strip():
        errors[Field.QUESTION] = "Say what the question is."
    elif len(form.question) > QUESTION_LIMIT:
        errors[Field.QUESTION] = f"Keep the question under {QUESTION_LIMIT} characters."
    errors.update(answer_errors(form.answer))
    return errors


def answer_errors(answer: str) -> dict[str, str]:
    if not answer.strip():
        return {Field.ANSWER: "Write the answer."}
    if len(answer) > ANSWER_LIMIT:
        return {Field.ANSWER: f"Keep the answer under {ANSWER_LIMIT} characters."}
    return {}


def save(
    session: Session,
    *,
    question: str,
    answer: str,
    section: str | None,
    policies: PolicySet,
    user: str,
    now: datetime,
) -> SavedAnswer:
    row = SavedAnswer(
        question=question[:QUESTION_LIMIT],
        answer=answer[:ANSWER_LIMIT],
        section=section[:SECTION_LIMIT] if section else None,
        version_key=policies.version_key,
        policy_version=policies.version[:200],
        saved_by=user,
        saved_at=now,
        updated_by=user,
        updated_at=now,
    )
    session.add(row)
    return row


def get(session: Session, *, saved_id: int, lock: bool = False) -> SavedAnswer | None:
    """The saved answer, unless it was removed; `lock` holds it until the transaction ends."""
    row = session.get(SavedAnswer, saved_id, with_for_update=lock)
    return row if row is not None and row.removed_at is None else None


def in_force(session: Session, *, version_key: str) -> list[SavedAnswer]:
    """What later questions may be given: saved (or confirmed) against this version."""
    return list(
        session.scalars(
            select(SavedAnswer).where(
                SavedAnswer.removed_at.is_(None), SavedAnswer.version_key == version_key
            )
        )
    )


def listed(session: Session) -> list[SavedAnswer]:
    """Every saved answer not removed: those needing a look first, then the newest."""
    return list(
        session.scalars(
            select(SavedAnswer)
            .where(SavedAnswer.removed_at.is_(None))
            .order_by(SavedAnswer.needs_review_since.is_(None), SavedAnswer.updated_at.desc())
        )
    )


def edit(
    row: SavedAnswer,
    *,
    form: SavedForm,
    section: str | None,
    policies: PolicySet,
    user: str,
    now: datetime,
) -> None:
    """New words from SLT, who have looked at it against the current version."""
    row.question = form.question[:QUESTION_LIMIT]
    row.answer = form.answer[:ANSWER_LIMIT]
    row.section = section[:SECTION_LIMIT] if section else None
    confirm(row, policies=policies, user=user, now=now)


def confirm(row: SavedAnswer, *, policies: PolicySet, user: str, now: datetime) -> None:
    """SLT say it still holds for the current version: no longer flagged."""
    row.version_key = policies.version_key
    row.policy_version = policies.version[:200]
    row.needs_review_since = None
    row.updated_by, row.updated_at = user, now


def remove(row: SavedAnswer, *, user: str, now: datetime) -> None:
    """Kept as the record of who removed it and when; never given again."""
    row.removed_by, row.removed_at = user, now


def flag_outdated(session: Session, *, version_key: str, now: datetime) -> list[SavedAnswer]:
    """Flag what was saved against another version of the policy; every flagged answer."""
    session.execute(
        update(SavedAnswer)
        .where(
            SavedAnswer.removed_at.is_(None),
            SavedAnswer.needs_review_since.is_(None),
            SavedAnswer.version_key != version_key,
        )
        .values(needs_review_since=now)
    )
    return list(
        session.scalars(
            select(SavedAnswer)
            .where(SavedAnswer.removed_at.is_(None), SavedAnswer.needs_review_since.is_not(None))
            .order_by(SavedAnswer.id)
        )
    )

"""What SLT do with the school's saved answers, one function per action for every front end:
list them, edit, remove, say one still holds; and the saved answer a question is given first.
Only SLT may act; everyone else is refused before anything is read."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.policy import meaning
from bot.policy.analysis import Concept
from bot.roles import Roles
from bot.saved_answers import service
from bot.saved_answers.service import Field, Saved, SavedForm
from bot.services import Services
from store.db import session_scope
from store.models import SavedAnswer

NOT_SLT = "Only SLT can see or change the school's saved answers."
GONE = "That saved answer has been removed."
NO_SUCH_SECTION = "There is no section of the policy by that name: check it against “topics”."


class SavedAnswerError(Exception):
    """Something that cannot be done with a saved answer; the message is fit to show the user."""


class NotAllowed(SavedAnswerError):
    """Someone who is not SLT tried."""


class InvalidForm(SavedAnswerError):
    """A saved answer form with mistakes: `errors` maps each field to what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Check the form.")
        self.errors = errors


def require_slt(roles: Roles, user: str) -> None:
    if not roles.is_slt(user):
        raise NotAllowed(NOT_SLT)


def listing(services: Services, roles: Roles, *, user: str) -> list[Saved]:
    """Every saved answer, those needing a look first."""
    require_slt(roles, user)
    with session_scope(services.sessions) as session:
        return [Saved.of(row, services.zone) for row in service.listed(session)]


def open_saved(services: Services, roles: Roles, *, saved_id: int, user: str) -> Saved:
    """A saved answer as it stands, for the edit or remove form."""
    require_slt(roles, user)
    with session_scope(services.sessions) as session:
        return Saved.of(_found(session, saved_id), services.zone)


def section_name(services: Services, name: str) -> str | None:
    """The section SLT mean by `name`, as its full path; None when there is no such section."""
    found = services.policy.find_section(name) if name.strip() else None
    return found.path_text if found else None


def edit(services: Services, roles: Roles, *, saved_id: int, user: str, form: SavedForm) -> Saved:
    """New words for a saved answer; it now stands for the current version of the policy."""
    require_slt(roles, user)
    errors = service.validate(form)
    section = section_name(services, form.section)
    if form.section.strip() and section is None:
        errors[Field.SECTION] = NO_SUCH_SECTION
    if errors:
        raise InvalidForm(errors)
    with session_scope(services.sessions) as session:
        row = _found(session, saved_id, lock=True)
        service.edit(
            row,
            form=SavedForm(form.question.strip(), form.answer.strip(), form.section),
            section=section,
            policies=services.policy.policies,
            user=user,
            now=services.clock.now(),
        )
        return Saved.of(row, services.zone)


def remove(services: Services, roles: Roles, *, saved_id: int, user: str) -> Saved:
    """No later question is given it again."""
    require_slt(roles, user)
    with session_scope(services.sessions) as session:
        row = _found(session, saved_id, lock=True)
        service.remove(row, user=user, now=services.clock.now())
        return Saved.of(row, services.zone)


def still_holds(services: Services, roles: Roles, *, saved_id: int, user: str) -> Saved:
    """SLT have looked again after the policy changed: it is given again, no longer flagged."""
    require_slt(roles, user)
    with session_scope(services.sessions) as session:
        row = _found(session, saved_id, lock=True)
        service.confirm(row, policies=services.policy.policies, user=user, now=services.clock.now())
        return Saved.of(row, services.zone)


def closest(session: Session, services: Services, *, question: Sequence[Concept]) -> Saved | None:
    """The saved answer in force whose question means the same as `question`, if one does."""
    candidates = service.in_force(session, version_key=services.policy.policies.version_key)
    concepts = services.policy.index.concepts
    found = meaning.closest(question, ((row, concepts(row.question)) for row in candidates))
    return Saved.of(found, services.zone) if found is not None else None


def _found(session: Session, saved_id: int, *, lock: bool = False) -> SavedAnswer:
    row = service.get(session, saved_id=saved_id, lock=lock)
    if row is None:
        raise SavedAnswerError(GONE)
    return row

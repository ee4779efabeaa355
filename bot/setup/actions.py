"""What a person does with the school's settings, one function per action for every front end:
seeing them with what is missing, changing them, and choosing a channel from inside it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.incidents.audit import serialise
from bot.ports import DeliveryError
from bot.roles import Roles
from bot.services import Services
from bot.setup import service
from bot.setup.school import School
from bot.setup.service import Change, Invalid
from store.db import read_scope, session_scope

__all__ = ["Invalid"]

logger = logging.getLogger(__name__)

NOT_SETUP = (
    "Only the people who look after the bot's settings can change them: the workspace's "
    "owners and admins, whoever installed the app, and those they name in Settings."
)
LOCKED_OUT = (
    "Keep yourself in this list: without it you could no longer change the settings (another "
    "person in it can take you off later)."
)
LOCKED = (
    "These settings are fixed by whoever runs the bot (SETTINGS_IN_CHAT=false in its "
    "environment): ask them to change them."
)
NOT_SLT_OR_SETUP = "Only SLT, or those who look after the bot's settings, can choose its channels."


class NotAllowed(Exception):
    """Someone without the role asked; the message says whose it is."""


class Form(StrEnum):
    """The settings forms: who holds each role (and where their messages go), and the school's
    rules."""

    PEOPLE = "people"
    SCHOOL = "school"


@dataclass(frozen=True)
class Gap:
    """Something a working set-up needs and this one lacks: what, why it matters, and the form
    that fixes it."""

    key: str
    missing: str
    why: str
    form: Form


@dataclass(frozen=True)
class Overview:
    """The settings as they are now, what they lack, and the latest changes."""

    school: School
    gaps: tuple[Gap, ...]
    changes: tuple[Change, ...]
    locked: bool  # fixed by the deployment's environment: shown, not changed


def gaps(school: School, front_end: str, *, accounts: list[str]) -> list[Gap]:
    """What is missing for `front_end` to work, most urgent first."""
    people = school.people(front_end)
    found: list[Gap] = []
    if not people.slt and not people.slt_group:
        found.append(
            Gap(
                "slt",
                "No SLT named",
                "nobody can run incident cases or decide escalations",
                Form.PEOPLE,
            )
        )
    if not people.slt_place:
        found.append(
            Gap(
                "slt_place",
                "No SLT channel",
                "escalations and incident alerts have nowhere to go",
                Form.PEOPLE,
            )
        )
    if not people.moderators_place:
        found.append(
            Gap(
                "moderators_place",
                "No moderators' channel",
                "logged comments and their reminders have nowhere to go",
                Form.PEOPLE,
            )
        )
    if not people.moderators and not people.moderator_group:
        found.append(
            Gap(
                "moderators",
                "No moderators named",
                "only SLT can log and answer comments on the school's accounts",
                Form.PEOPLE,
            )
        )
    if not people.admins:
        found.append(
            Gap(
                "admins",
                "No account administrators",
                "approved accounts have nobody to create them or take them over",
                Form.PEOPLE,
            )
        )
    if not accounts:
        found.append(
            Gap(
                "accounts",
                "No school accounts listed",
                "comments cannot be logged against the school's social media accounts",
                Form.SCHOOL,
            )
        )
    return found


def missing(services: Services, front_end: str) -> list[Gap]:
    """What the set-up lacks now, for a guide anyone may see."""
    return gaps(services.settings, front_end, accounts=services.comment_accounts())


def overview(services: Services, roles: Roles, *, user: str, front_end: str) -> Overview:
    if not roles.can_set_up(user):
        raise NotAllowed(NOT_SETUP)
    with read_scope(services.sessions) as session:
        changes = service.history(session)
    return Overview(
        school=services.settings,
        gaps=tuple(missing(services, front_end)),
        changes=tuple(changes),
        locked=services.school.locked,
    )


def may_change(services: Services, roles: Roles, *, user: str) -> None:
    """Refuse, before a form is opened, anyone who could not save it."""
    if not roles.can_set_up(user):
        raise NotAllowed(NOT_SETUP)
    if services.school.locked:
        raise NotAllowed(LOCKED)


def change(
    services: Services, roles: Roles, *, user: str, front_end: str, updates: dict[str, Any]
) -> list[Change]:
    """Change settings from a form; all or nothing. Raises `Invalid` with each wrong field, and
    if the change would leave its maker unable to change the settings again."""
    if not roles.can_set_up(user):
        raise NotAllowed(NOT_SETUP)
    if services.school.locked:
        raise NotAllowed(LOCKED)
    key = f"{front_end}.setup_admins"
    if key in updates and user not in (updates[key] or ()) and not roles.workspace_admin(user):
        raise Invalid({key: LOCKED_OUT})
    return _apply(services, user=user, front_end=front_end, updates=updates)


def choose_place(
    services: Services, roles: Roles, *, user: str, front_end: str, role: str, place: str
) -> list[Change]:
    """SLT, or those who set the bot up, pick from inside a channel where `role`'s messages go
    ("slt" or "moderators")."""
    if not (roles.is_slt(user) or roles.can_set_up(user)):
        raise NotAllowed(NOT_SLT_OR_SETUP)
    if services.school.locked:
        raise NotAllowed(LOCKED)
    key = f"{front_end}.{'slt' if role == 'slt' else 'moderators'}_place"
    return _apply(services, user=user, front_end=front_end, updates={key: place})


def installed_by(services: Services, *, user: str, front_end: str) -> bool:
    """Whoever installs the app looks after its settings, unless someone already does.
    Returns whether they were made the first one."""
    if services.school.locked:
        return False
    with session_scope(services.sessions) as session:
        serialise(session)  # two installing at once: the second finds the first
        school = service.current(session, services.school.defaults)
        if school.people(front_end).setup_admins:
            return False
        service.change(
            session,
            services.school.defaults,
            {f"{front_end}.setup_admins": [user]},
            actor=user,
            front_end=front_end,
            now=services.clock.now(),
        )
    services.school.changed()
    return True


def _apply(
    services: Services, *, user: str, front_end: str, updates: dict[str, Any]
) -> list[Change]:
    with session_scope(services.sessions) as session:
        _, made = service.change(
            session,
            services.school.defaults,
            updates,
            actor=user,
            front_end=front_end,
            now=services.clock.now(),
        )
    services.school.changed()
    _tell_slt(services, front_end=front_end, actor=user, made=made)
    return made


def _tell_slt(services: Services, *, front_end: str, actor: str, made: list[Change]) -> None:
    """Who holds a role, and where SLT's messages go, are SLT's business: a change to them is
    posted in the SLT channel (the new one, if that is what changed). A notice, not a record:
    the record is the change itself, so a failure is only logged."""
    keys = [c.key for c in made if "." in c.key]  # the people and places, not the rules
    if not keys:
        return
    try:
        services.notifier.settings_changed(front_end=front_end, actor=actor, keys=keys)
    except DeliveryError as error:
        logger.warning("SLT were not told of a settings change: %s", error)

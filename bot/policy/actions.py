"""SLT managing the school's policy in chat, one function per action for every front end:
upload a file (kept, not yet live, and previewed against the live version), confirm it (live
for every instance at once; staff are asked to confirm they have read it again, as
acknowledgements are per version), cancel it, list the versions, and roll back to an earlier
one. Every step is kept with who and when: the versions' own rows and the switches."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.knowledge.service import review_due
from bot.policy import versions
from bot.policy.changes import Changes, compare, heading
from bot.policy.live import LivePolicy
from bot.policy.loader import PolicyLoadError, load_policy_file
from bot.policy.service import PolicyService
from bot.roles import Roles
from bot.services import Services
from store.db import read_scope, session_scope
from store.models import PolicyVersion

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024  # a policy is a few hundred KB; a 10 MB file is something else
NOT_SLT = "Only SLT can change the school's policy. Nothing was changed."
NOT_WAITING = "That version is no longer waiting to be confirmed: nothing was changed."
NOT_EARLIER = "That is not an earlier confirmed version: nothing was changed."
SAME_AS_LIVE = "That file is the policy already in force: nothing to change."
NO_SUCH_VERSION = "There is no such version of the policy."


class PolicyChangeError(Exception):
    """Why nothing changed, in a sentence for the person who asked."""


class NotAllowed(PolicyChangeError):
    pass


class Unreadable(PolicyChangeError):
    """The file cannot be used as the policy: the message says why and what to do."""


@dataclass(frozen=True)
class Preview:
    """An uploaded version, read and compared with the live one, waiting for Confirm."""

    version_id: int
    file_name: str
    label: str
    headings: tuple[str, ...]  # every section with text, in order
    review_date: date | None
    review_text: str | None  # as the document writes it
    live_label: str
    changes: Changes


@dataclass(frozen=True)
class Switched:
    """A version that has just gone live."""

    version_id: int
    file_name: str
    label: str
    version_key: str
    kind: str  # versions.CONFIRM or versions.ROLLBACK


@dataclass(frozen=True)
class VersionEntry:
    """One stored version with its history, for the list SLT roll back from."""

    id: int
    file_name: str
    label: str
    uploaded_by: str
    uploaded_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None
    cancelled_by: str | None
    cancelled_at: datetime | None
    rolled_back: tuple[tuple[str, datetime], ...]  # (who, when) each rollback to it
    live: bool

    @property
    def waiting(self) -> bool:
        return self.confirmed_at is None and self.cancelled_at is None

    @property
    def can_roll_back(self) -> bool:
        return self.confirmed_at is not None and not self.live


def require_slt(roles: Roles, user: str) -> None:
    if not roles.is_slt(user):
        raise NotAllowed(NOT_SLT)


def too_big(size: int) -> str | None:
    """Why a file of `size` bytes is refused before it is even fetched, if it is."""
    if size <= MAX_BYTES:
        return None
    return (
        f"That file is {size / 1024 / 1024:.1f} MB: the most I take is "
        f"{MAX_BYTES // 1024 // 1024} MB. Nothing was changed. Save the policy without "
        "pictures, or as .docx or .md, and send it again."
    )


def upload(
    services: Services, roles: Roles, *, user: str, front_end: str, file_name: str, data: bytes
) -> Preview:
    """Read an uploaded file and keep it, not live yet: what Confirm would change."""
    require_slt(roles, user)
    refused = too_big(len(data))
    if refused:
        raise Unreadable(refused)
    try:
        policies = load_policy_file(file_name, data)
    except PolicyLoadError as error:
        raise Unreadable(
            f"I couldn't use that file as the policy. {error}. Nothing was changed."
        ) from None
    live = services.policy.policies
    if policies.version_key == live.version_key:
        raise Unreadable(SAME_AS_LIVE)
    with session_scope(services.sessions) as session:
        row = versions.add(
            session,
            file_name=file_name,
            content=data,
            policies=policies,
            user=user,
            front_end=front_end,
            now=services.clock.now(),
        )
        version_id = row.id
    if isinstance(services.policy, LivePolicy):
        services.policy.keep(version_id, PolicyService(policies))  # parsed once, not at Confirm
    documents = policies.documents
    logger.info("policy version %s uploaded (%s)", version_id, file_name)
    return Preview(
        version_id=version_id,
        file_name=file_name,
        label=policies.version,
        headings=tuple(heading(s) for s in policies.sections if s.passages),
        review_date=review_due(policies, None),
        review_text=documents[0].review_date if documents else None,
        live_label=live.version,
        changes=compare(live, policies),
    )


def confirm(
    services: Services, roles: Roles, *, user: str, front_end: str, version_id: int
) -> Switched:
    """The previewed version goes live, for everyone; staff are asked to confirm it again."""
    require_slt(roles, user)
    with session_scope(services.sessions) as session:
        row = _locked(session, version_id)
        if row is None or row.confirmed_at is not None or row.cancelled_at is not None:
            raise PolicyChangeError(NOT_WAITING)
        versions.switch(
            session,
            row,
            kind=versions.CONFIRM,
            user=user,
            front_end=front_end,
            now=services.clock.now(),
        )
        switched = _switched(row, versions.CONFIRM)
    _go_live(services, version_id)
    return switched


def cancel(services: Services, roles: Roles, *, user: str, version_id: int) -> str:
    """The uploaded version is not to go live; the file's name."""
    require_slt(roles, user)
    with session_scope(services.sessions) as session:
        row = _locked(session, version_id)
        if row is None or row.confirmed_at is not None or row.cancelled_at is not None:
            raise PolicyChangeError(NOT_WAITING)
        row.cancelled_by, row.cancelled_at = user, services.clock.now()
        return row.file_name


def listing(services: Services, roles: Roles, *, user: str) -> list[VersionEntry]:
    """Every version, newest first, with who uploaded, confirmed, cancelled and rolled back."""
    require_slt(roles, user)
    with read_scope(services.sessions) as session:
        rows = versions.all_versions(session)
        switches = versions.switches(session)
        live_id = switches[0].version_id if switches else None
        rolled: dict[int, list[tuple[str, datetime]]] = {}
        for made in reversed(switches):
            if made.kind == versions.ROLLBACK:
                rolled.setdefault(made.version_id, []).append((made.by, made.at))
        return [
            VersionEntry(
                id=row.id,
                file_name=row.file_name,
                label=row.label,
                uploaded_by=row.uploaded_by,
                uploaded_at=row.uploaded_at,
                confirmed_by=row.confirmed_by,
                confirmed_at=row.confirmed_at,
                cancelled_by=row.cancelled_by,
                cancelled_at=row.cancelled_at,
                rolled_back=tuple(rolled.get(row.id, ())),
                live=row.id == live_id,
            )
            for row in rows
        ]


def roll_back(
    services: Services, roles: Roles, *, user: str, front_end: str, version_id: int
) -> Switched:
    """An earlier confirmed version goes live again, for everyone."""
    require_slt(roles, user)
    with session_scope(services.sessions) as session:
        row = _locked(session, version_id)
        if row is None or row.confirmed_at is None or versions.live_id(session) == version_id:
            raise PolicyChangeError(NOT_EARLIER)
        versions.switch(
            session,
            row,
            kind=versions.ROLLBACK,
            user=user,
            front_end=front_end,
            now=services.clock.now(),
        )
        switched = _switched(row, versions.ROLLBACK)
    _go_live(services, version_id)
    return switched


def _locked(session: Session, version_id: int) -> PolicyVersion | None:
    """The version, locked until the transaction ends, so two SLT clicking at once decide once."""
    return session.scalars(
        select(PolicyVersion).where(PolicyVersion.id == version_id).with_for_update()
    ).first()


def _switched(row: PolicyVersion, kind: str) -> Switched:
    return Switched(
        version_id=row.id,
        file_name=row.file_name,
        label=row.label,
        version_key=row.version_key,
        kind=kind,
    )


def _go_live(services: Services, version_id: int) -> None:
    """This instance answers from the new version at once; the others at their next check."""
    if isinstance(services.policy, LivePolicy):
        services.policy.switched(version_id)
    logger.info("policy version %s is live", version_id)

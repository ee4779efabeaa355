"""The policy's versions in the database: each uploaded file, and the switches that made one
live. The newest switch names the live version; every instance reads it (`bot.policy.live`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.policy.document import PolicySet
from bot.setup import service as changes
from store.models import PolicySwitch, PolicyVersion

IMPORT = "import"
CONFIRM = "confirm"
ROLLBACK = "rollback"
SETUP = "setup"  # who and where, for the version imported from POLICY_PATH at the first start


@dataclass(frozen=True)
class Live:
    """The live version's id and file, as the reloading instance needs them."""

    id: int
    file_name: str
    content: bytes
    sha256: str


def live_id(session: Session) -> int | None:
    """The live version's id, or None before any version is stored: one indexed row."""
    return session.scalars(
        select(PolicySwitch.version_id).order_by(PolicySwitch.id.desc()).limit(1)
    ).first()


def live(session: Session) -> PolicyVersion | None:
    found = live_id(session)
    return session.get(PolicyVersion, found) if found is not None else None


def stored(session: Session, version_id: int) -> Live | None:
    row = session.get(PolicyVersion, version_id)
    return Live(row.id, row.file_name, row.content, row.sha256) if row is not None else None


def any_stored(session: Session) -> bool:
    return session.scalars(select(PolicyVersion.id).limit(1)).first() is not None


def add(
    session: Session,
    *,
    file_name: str,
    content: bytes,
    policies: PolicySet,
    user: str,
    front_end: str,
    now: datetime,
) -> PolicyVersion:
    """Keep an uploaded file, not yet live."""
    row = PolicyVersion(
        file_name=file_name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        version_key=policies.version_key,
        label=policies.version[:200],
        front_end=front_end,
        uploaded_by=user,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    return row


def switch(
    session: Session, row: PolicyVersion, *, kind: str, user: str, front_end: str, now: datetime
) -> PolicySwitch:
    """Make `row` the live version (from the next check of every instance), recorded in the
    chained record of changes beside the settings' (`socialpolicy-bot verify-audit`)."""
    if kind in (IMPORT, CONFIRM) and row.confirmed_at is None:
        row.confirmed_by, row.confirmed_at = user, now
    before = session.scalar(
        select(PolicyVersion)
        .join(PolicySwitch, PolicySwitch.version_id == PolicyVersion.id)
        .order_by(PolicySwitch.id.desc())
        .limit(1)
    )
    made = PolicySwitch(version_id=row.id, kind=kind, by=user, front_end=front_end, at=now)
    session.add(made)
    changes.record(
        session,
        key=changes.POLICY_KEY,
        old=_described(before) if before is not None else None,
        new={**_described(row), "how": kind},
        actor=user,
        front_end=front_end,
        now=now,
    )
    session.flush()
    return made


def _described(row: PolicyVersion) -> dict[str, str]:
    return {"file": row.file_name, "version": row.label, "sha256": row.sha256}


def all_versions(session: Session) -> list[PolicyVersion]:
    """Every version ever uploaded, newest first."""
    return list(session.scalars(select(PolicyVersion).order_by(PolicyVersion.id.desc())))


def switches(session: Session) -> list[PolicySwitch]:
    """Every time a version went live, newest first."""
    return list(session.scalars(select(PolicySwitch).order_by(PolicySwitch.id.desc())))

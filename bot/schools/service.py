"""Which school a Slack workspace or Teams tenant is, found or made at its first request.

A deployment for one school never asks: its one workspace and tenant are the first school. A
trust's deployment (Slack installed by OAuth, Teams for any tenant) makes a school for each
workspace or tenant the first time it is seen; the first one seen takes the first school, so
a deployment that grows from one school to a trust keeps its records where they were.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store.db import read_scope, session_scope
from store.models import School
from store.tenancy import FIRST_SCHOOL

Key = tuple[str, str]  # ("slack_workspace", "T0123") or ("teams_tenant", "<guid>")


def slack_key(workspace: str) -> Key:
    return ("slack_workspace", workspace)


def teams_key(tenant: str) -> Key:
    return ("teams_tenant", tenant)


def school_for(
    sessions: sessionmaker[Session], key: Key, *, name: str | None, now: datetime
) -> int:
    """The school of a workspace or tenant, made (or the first school taken) if it is new."""
    column = getattr(School, key[0])
    with read_scope(sessions) as session:
        found = session.scalar(select(School.id).where(column == key[1]))
    if found is not None:
        return found
    try:
        with session_scope(sessions) as session:
            return _claim_or_make(session, key, name=name, now=now)
    except IntegrityError:  # another request for the same workspace made it first
        with read_scope(sessions) as session:
            made = session.scalar(select(School.id).where(column == key[1]))
        assert made is not None
        return made


def _claim_or_make(session: Session, key: Key, *, name: str | None, now: datetime) -> int:
    column = getattr(School, key[0])
    claimed = session.execute(
        update(School)
        .where(
            School.id == FIRST_SCHOOL,
            School.slack_workspace.is_(None),
            School.teams_tenant.is_(None),
        )
        .values({column: key[1], **({"name": name} if name else {})})
    )
    if claimed.rowcount:  # type: ignore[attr-defined]
        return FIRST_SCHOOL
    school = School(name=name or key[1], created_at=now, **{key[0]: key[1]})
    session.add(school)
    session.flush()
    return school.id


def note_first(sessions: sessionmaker[Session], key: Key) -> None:
    """A deployment for one school records its workspace or tenant when first seen, so it can
    later grow into a trust's without its records moving."""
    column = getattr(School, key[0])
    with session_scope(sessions) as session:
        session.execute(
            update(School)
            .where(School.id == FIRST_SCHOOL, column.is_(None))
            .values({column: key[1]})
        )


def uninstalled(sessions: sessionmaker[Session], key: Key, *, now: datetime) -> None:
    """The workspace removed the app: its school is no longer swept (its records are kept, to
    their retention periods, and a new install takes it up again)."""
    column = getattr(School, key[0])
    with session_scope(sessions) as session:
        session.execute(update(School).where(column == key[1]).values(uninstalled_at=now))


def reinstalled(sessions: sessionmaker[Session], key: Key) -> None:
    column = getattr(School, key[0])
    with session_scope(sessions) as session:
        session.execute(update(School).where(column == key[1]).values(uninstalled_at=None))


def active(sessions: sessionmaker[Session]) -> list[int]:
    """The schools the sweeps work for: every school not uninstalled, in id order."""
    with read_scope(sessions) as session:
        return list(
            session.scalars(
                select(School.id).where(School.uninstalled_at.is_(None)).order_by(School.id)
            )
        )


def workspace_of(sessions: sessionmaker[Session], school_id: int) -> str | None:
    with read_scope(sessions) as session:
        return session.scalar(select(School.slack_workspace).where(School.id == school_id))

"""The school's settings in the database: the values changed in chat over the environment's
first values, each change recorded with who made it and when."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.incidents.audit import serialise
from bot.setup.school import School
from store import tenancy
from store.models import SchoolSetting, SchoolSettingChange

POLICY_KEY = "policy"  # a version of the policy going live, in the same record as the settings


class Invalid(Exception):
    """Values a form cannot take; `errors` maps each setting's key to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Change:
    key: str
    at: datetime
    actor: str
    front_end: str
    old: Any
    new: Any


def link(
    previous: str,
    *,
    at: datetime,
    actor: str,
    front_end: str,
    key: str,
    old: str | None,
    new: str | None,
) -> str:
    """A change's digest: sha256 over the previous change's digest and everything it says."""
    parts = [previous, at.astimezone(UTC).isoformat(), actor, front_end, key, old, new]
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Checked:
    """The changes' chain recomputed: how many there are, and the first that does not match."""

    entries: int
    broken: int | None


def verify(session: Session) -> Checked:
    previous, entries = "", 0
    for row in session.scalars(select(SchoolSettingChange).order_by(SchoolSettingChange.id)):
        entries += 1
        expected = link(
            previous,
            at=row.at,
            actor=row.actor,
            front_end=row.front_end,
            key=row.key,
            old=row.old,
            new=row.new,
        )
        if row.digest != expected:
            return Checked(entries, row.id)
        previous = row.digest
    return Checked(entries, None)


def _last_digest(session: Session) -> str:
    last = session.scalar(
        select(SchoolSettingChange.digest).order_by(SchoolSettingChange.id.desc()).limit(1)
    )
    return last or ""


def revision(session: Session) -> int:
    """The newest change's id: it moves whenever any instance changes a setting."""
    return session.scalar(select(func.max(SchoolSettingChange.id))) or 0


def overrides(session: Session) -> dict[str, Any]:
    return {row.key: json.loads(row.value) for row in session.scalars(select(SchoolSetting))}


def _value(school: School, key: str) -> Any:
    value: Any = school.model_dump(mode="json")
    for part in key.split("."):
        value = value[part]
    return value


def compose(defaults: School, changed: dict[str, Any]) -> School:
    """The environment's values with those changed in chat on top. Raises `Invalid`."""
    data = defaults.model_dump(mode="json")
    for key, value in changed.items():
        *parents, leaf = key.split(".")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    try:
        return School.model_validate(data)
    except ValidationError as error:
        raise Invalid(
            {
                ".".join(str(p) for p in e["loc"] if not isinstance(p, int)) or "settings": str(
                    e["msg"]
                ).removeprefix("Value error, ")
                for e in error.errors()
            }
        ) from None


def current(session: Session, defaults: School) -> School:
    """The settings now, or the environment's alone if a stored value no longer validates."""
    try:
        return compose(defaults, overrides(session))
    except Invalid:
        return defaults


def change(
    session: Session,
    defaults: School,
    updates: dict[str, Any],
    *,
    actor: str,
    front_end: str,
    now: datetime,
) -> tuple[School, list[Change]]:
    """Apply `updates` (dotted key → value), checking them all first; record each value that
    actually changed. Raises `Invalid` and changes nothing if any value is wrong."""
    stored = overrides(session)
    before = compose(defaults, stored)
    after = compose(defaults, {**stored, **updates})
    made: list[Change] = []
    for key in updates:
        old, new = _value(before, key), _value(after, key)
        if old == new:
            continue
        row = session.get(SchoolSetting, tenancy.key(key=key)) or SchoolSetting(key=key)
        row.value, row.changed_by, row.changed_at = json.dumps(new), actor, now
        session.add(row)
        made.append(
            record(session, key=key, old=old, new=new, actor=actor, front_end=front_end, now=now)
        )
    session.flush()
    return after, made


def record(
    session: Session,
    *,
    key: str,
    old: Any,
    new: Any,
    actor: str,
    front_end: str,
    now: datetime,
) -> Change:
    """Add one change to the chained record: a setting, or a version of the policy going live
    (`POLICY_KEY`)."""
    serialise(session)  # queue behind any other writer of a chain
    was, text = json.dumps(old), json.dumps(new)
    digest = link(
        _last_digest(session),
        at=now,
        actor=actor,
        front_end=front_end,
        key=key,
        old=was,
        new=text,
    )
    session.add(
        SchoolSettingChange(
            at=now, actor=actor, front_end=front_end, key=key, old=was, new=text, digest=digest
        )
    )
    session.flush()  # the next change in this transaction chains from this one
    return Change(key=key, at=now, actor=actor, front_end=front_end, old=old, new=new)


def history(session: Session, *, limit: int = 20) -> list[Change]:
    rows = session.scalars(
        select(SchoolSettingChange).order_by(SchoolSettingChange.id.desc()).limit(limit)
    )
    return [
        Change(
            key=row.key,
            at=row.at,
            actor=row.actor,
            front_end=row.front_end,
            old=json.loads(row.old) if row.old is not None else None,
            new=json.loads(row.new) if row.new is not None else None,
        )
        for row in rows
    ]

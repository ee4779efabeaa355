"""The audit trail as a hash chain: each entry's digest covers the one before it, so a change to
an entry, or its removal, shows up when the chain is recomputed (`socialpolicy-bot verify-audit`).

An entry's digest is sha256 over the previous entry's digest, its case id, its time (ISO 8601,
UTC), its action, and its *content hash*: sha256 over a random per-entry salt, the actor and the
summary. The actor and summary enter the chain through that salted hash so that retention can
remove them: anonymising a case replaces its entries' actor and summary (the people, and any
police, platform or safeguarding reference) and deletes the salt, and keeps the content hash.
The chain still verifies from end to end, and what is left cannot be matched back to a person
by trying the school's user ids, as the salt is gone. The alternative, re-chaining every later
entry after a redaction, would let the database change every digest it holds, which is what the
chain exists to rule out.

What a redacted entry can no longer prove is what its actor and summary said; the database
allows that one change only for a case retention has anonymised, and only towards "(removed)".

Writers take the single `audit_head` row under a lock first (SELECT … FOR UPDATE on PostgreSQL;
SQLite transactions are serialised by BEGIN IMMEDIATE), so two at once cannot both chain from
the same entry; the head also counts the entries, so one removed from the end is noticed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import tenancy
from store.models import AuditEvent, AuditHead, Incident

REDACTED = "(removed)"


def content_hash(salt: str, actor: str, summary: str) -> str:
    return _sha256([salt, actor, summary])


def link(previous: str, *, incident_id: int, at: datetime, action: str, content: str) -> str:
    return _sha256([previous, incident_id, at.astimezone(UTC).isoformat(), action, content])


def _sha256(parts: list[object]) -> str:
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _head(session: Session) -> AuditHead:
    """The school's own chain: each school's trail verifies without any other's."""
    head = session.scalars(
        select(AuditHead)
        .where(AuditHead.id == tenancy.current())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if head is None:  # only if the row was deleted by hand: start it again from the table
        head = AuditHead(id=tenancy.current(), entries=0, digest="")
        session.add(head)
    return head


def serialise(session: Session) -> None:
    """Take the chain's lock until the transaction ends: every hash chain's writers (the
    settings' changes too) queue here, so none can fork."""
    _head(session)


def append(
    session: Session, *, incident_id: int, at: datetime, actor: str, action: str, summary: str
) -> AuditEvent:
    """Add one entry at the end of the chain; the only way entries are written."""
    head = _head(session)
    salt = secrets.token_hex(16)
    content = content_hash(salt, actor, summary)
    event = AuditEvent(
        incident_id=incident_id,
        at=at,
        actor=actor,
        action=action,
        summary=summary,
        salt=salt,
        content_hash=content,
        digest=link(head.digest, incident_id=incident_id, at=at, action=action, content=content),
    )
    session.add(event)
    head.entries += 1
    head.digest = event.digest
    session.flush()  # the id (the chain's order) is taken while the head is locked
    return event


def redact(session: Session, *, incident_id: int, summary: Callable[[str, str], str]) -> int:
    """Remove the people and references from one anonymised case's entries, keeping the chain:
    the actor becomes "(removed)", the summary is rewritten by `summary(action, summary)`, and the
    salt is deleted. Returns how many entries were redacted."""
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.incident_id == incident_id, AuditEvent.salt.is_not(None)
        )
    )
    redacted = 0
    for event in events:
        event.summary = summary(event.action, event.summary)
        event.actor = REDACTED
        event.salt = None
        redacted += 1
    session.flush()
    return redacted


@dataclass(frozen=True)
class Break:
    """Where the chain stops matching: the entry, its case and time; or, with `removed_from_end`,
    the last entry standing."""

    entry: int
    reference: str
    at: datetime
    removed_from_end: int = 0


@dataclass(frozen=True)
class Verdict:
    entries: int
    head: str
    broken: Break | None


def verify(session: Session) -> Verdict:
    """Recompute the whole chain in id order and say where, if anywhere, it first breaks."""
    rows = session.execute(
        select(
            AuditEvent.id,
            AuditEvent.incident_id,
            AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.summary,
            AuditEvent.salt,
            AuditEvent.content_hash,
            AuditEvent.digest,
            Incident.reference,
        )
        .join(Incident, Incident.id == AuditEvent.incident_id)
        .order_by(AuditEvent.id)
        .execution_options(yield_per=1000)
    )
    previous = ""
    entries = 0
    last: Break | None = None
    for row in rows:
        entries += 1
        last = Break(row.id, row.reference, row.at)
        if row.salt is not None:
            content_ok = content_hash(row.salt, row.actor, row.summary) == row.content_hash
        else:  # redacted by retention: only the content hash is left to chain
            content_ok = row.actor == REDACTED and bool(row.content_hash)
        expected = link(
            previous,
            incident_id=row.incident_id,
            at=row.at,
            action=row.action,
            content=row.content_hash or "",
        )
        if not content_ok or row.digest != expected:
            return Verdict(entries, previous, last)
        previous = row.digest
    head = session.get(AuditHead, tenancy.current())
    written = head.entries if head else 0
    if head is None or head.digest != previous or written != entries:
        if last is None:
            return Verdict(entries, previous, Break(0, "", datetime.min, max(written, 1)))
        return Verdict(
            entries,
            previous,
            Break(last.entry, last.reference, last.at, max(written - entries, 1)),
        )
    return Verdict(entries, previous, None)

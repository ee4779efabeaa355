"""The audit trail becomes a hash chain, and anonymisation may redact it.

Each entry gets a salt, a content hash (sha256 over the salt, actor and summary) and a digest
(sha256 over the previous entry's digest, the case id, the time in ISO 8601 UTC, the action and
the content hash), filled here for the entries already written, in id order. `audit_head` holds
the end of the chain, locked by every writer. The append-only trigger now allows one change: a
case anonymised by retention may have its entries' actor set to "(removed)", their summary
rewritten and their salt deleted, and nothing else.

The hashing is repeated here on purpose: a migration is a record of what was done then, and
must not change if `bot.incidents.audit` ever does (which `store` may not import anyway).

Revision ID: 0014
Revises: 0013
"""

import hashlib
import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

REDACTED = "(removed)"

# The one update allowed, in terms both databases understand (IS: null-safe equality in SQLite).
_SQLITE_REDACTION = f"""
    OLD.salt IS NOT NULL AND NEW.salt IS NULL AND NEW.actor = '{REDACTED}'
    AND NEW.id IS OLD.id AND NEW.incident_id IS OLD.incident_id AND NEW.at IS OLD.at
    AND NEW.action IS OLD.action AND NEW.content_hash IS OLD.content_hash
    AND NEW.digest IS OLD.digest
    AND EXISTS (SELECT 1 FROM incidents WHERE id = OLD.incident_id AND reporter = '{REDACTED}')
"""
_POSTGRESQL_REDACTION = _SQLITE_REDACTION.replace(" IS OLD.", " IS NOT DISTINCT FROM OLD.").strip()


def _sha256(parts: list[object]) -> str:
    encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _chain_existing_entries() -> None:
    bind = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer()),
        sa.column("incident_id", sa.Integer()),
        sa.column("at", UTCDateTime()),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("summary", sa.Text()),
        sa.column("salt", sa.String()),
        sa.column("content_hash", sa.String()),
        sa.column("digest", sa.String()),
    )
    previous = ""
    entries = 0
    rows = bind.execute(sa.select(events).order_by(events.c.id)).all()
    for row in rows:
        at: datetime = row.at
        salt = secrets.token_hex(16)
        content = _sha256([salt, row.actor, row.summary])
        digest = _sha256(
            [previous, row.incident_id, at.astimezone(UTC).isoformat(), row.action, content]
        )
        bind.execute(
            events.update()
            .where(events.c.id == row.id)
            .values(salt=salt, content_hash=content, digest=digest)
        )
        previous = digest
        entries += 1
    head = sa.table(
        "audit_head",
        sa.column("id", sa.Integer()),
        sa.column("entries", sa.Integer()),
        sa.column("digest", sa.String()),
    )
    bind.execute(head.insert().values(id=1, entries=entries, digest=previous))


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
    op.add_column("audit_events", sa.Column("salt", sa.String(32), nullable=True))
    op.add_column("audit_events", sa.Column("content_hash", sa.String(64), nullable=True))
    op.add_column("audit_events", sa.Column("digest", sa.String(64), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    _chain_existing_entries()
    if postgresql:
        op.execute("ALTER TABLE audit_events ALTER COLUMN content_hash SET NOT NULL")
        op.execute("ALTER TABLE audit_events ALTER COLUMN digest SET NOT NULL")
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND {_POSTGRESQL_REDACTION} THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'the audit trail is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        return
    # SQLite cannot make an added column NOT NULL without rebuilding the table (which would
    # drop its triggers); refuse NULLs with the trigger below instead.
    op.execute(
        "CREATE TRIGGER audit_events_chained BEFORE INSERT ON audit_events "
        "WHEN NEW.content_hash IS NULL OR NEW.digest IS NULL "
        "BEGIN SELECT RAISE(ABORT, 'an audit entry needs its digest'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        f"WHEN NOT ({_SQLITE_REDACTION}) "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute(
            """
            CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the audit trail is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_chained")
    op.drop_table("audit_head")
    for column in ("digest", "content_hash", "salt"):
        op.drop_column("audit_events", column)
    if postgresql:
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )

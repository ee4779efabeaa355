"""The school's settings, changed in chat: the current values (each winning over the
environment's first value) and every change, with who made it and when: append-only, each
change's digest chaining the one before, so an edited or removed change is noticed
(`socialpolicy-bot verify-audit`). The Teams channels SLT chose from inside them become two of
these settings.

Revision ID: 0019_school_settings
Revises: 0018_saved_answers
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0019_school_settings"
down_revision = "0018_saved_answers"
branch_labels = None
depends_on = None

PLACES = {"slt": "teams.slt_place", "moderators": "teams.moderators_place"}


def _digest(previous: str, *parts: object) -> str:
    """As `bot.setup.service.link`: kept here, as a migration must not change with the code."""
    encoded = json.dumps([previous, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def upgrade() -> None:
    settings = op.create_table(
        "school_settings",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )
    changes = op.create_table(
        "school_setting_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("front_end", sa.String(10), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("old", sa.Text()),
        sa.Column("new", sa.Text()),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    places = sa.table(
        "teams_places",
        sa.column("role", sa.String()),
        sa.column("conversation_id", sa.String()),
        sa.column("set_by", sa.String()),
        sa.column("set_at", UTCDateTime()),
    )
    connection = op.get_bind()
    previous = ""
    rows = connection.execute(sa.select(places).order_by(places.c.set_at)).mappings()
    for row in rows:
        key = PLACES.get(row["role"])
        if key is None:
            continue
        value = json.dumps(row["conversation_id"])
        at = row["set_at"]
        connection.execute(
            settings.insert().values(key=key, value=value, changed_by=row["set_by"], changed_at=at)
        )
        previous = _digest(
            previous, at.astimezone(UTC).isoformat(), row["set_by"], "teams", key, None, value
        )
        connection.execute(
            changes.insert().values(
                at=at,
                actor=row["set_by"],
                front_end="teams",
                key=key,
                new=value,
                digest=previous,
            )
        )
    op.drop_table("teams_places")
    if connection.dialect.name == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION school_setting_changes_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the settings'' changes are append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER school_setting_changes_append_only BEFORE UPDATE OR DELETE "
            "ON school_setting_changes FOR EACH ROW "
            "EXECUTE FUNCTION school_setting_changes_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER school_setting_changes_no_{event.lower()} BEFORE {event} "
            "ON school_setting_changes "
            "BEGIN SELECT RAISE(ABORT, 'the settings'' changes are append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER school_setting_changes_append_only ON school_setting_changes")
        op.execute("DROP FUNCTION school_setting_changes_append_only()")
    op.create_table(
        "teams_places",
        sa.Column("role", sa.String(20), primary_key=True),
        sa.Column("conversation_id", sa.String(300), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
    )
    op.drop_table("school_setting_changes")
    op.drop_table("school_settings")

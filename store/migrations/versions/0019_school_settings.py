"""The school's settings, changed in chat: the current values (each winning over the
environment's first value) and every change, with who made it and when. The Teams channels SLT
chose from inside them become two of these settings.

Revision ID: 0019_school_settings
Revises: 0018_saved_answers
"""

import json

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0019_school_settings"
down_revision = "0018_saved_answers"
branch_labels = None
depends_on = None

PLACES = {"slt": "teams.slt_place", "moderators": "teams.moderators_place"}


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
    )
    places = sa.table(
        "teams_places",
        sa.column("role", sa.String()),
        sa.column("conversation_id", sa.String()),
        sa.column("set_by", sa.String()),
        sa.column("set_at", UTCDateTime()),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(places)).mappings():
        key = PLACES.get(row["role"])
        if key is None:
            continue
        value = json.dumps(row["conversation_id"])
        connection.execute(
            settings.insert().values(
                key=key, value=value, changed_by=row["set_by"], changed_at=row["set_at"]
            )
        )
        connection.execute(
            changes.insert().values(
                at=row["set_at"], actor=row["set_by"], front_end="teams", key=key, new=value
            )
        )
    op.drop_table("teams_places")


def downgrade() -> None:
    op.create_table(
        "teams_places",
        sa.Column("role", sa.String(20), primary_key=True),
        sa.Column("conversation_id", sa.String(300), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
    )
    op.drop_table("school_setting_changes")
    op.drop_table("school_settings")

"""Microsoft Teams: where each comment and case came from, and conversation references.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("comments", "incidents"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("front_end", sa.String(10), nullable=False, server_default="slack")
            )
    op.create_table(
        "teams_conversations",
        sa.Column("id", sa.String(300), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("service_url", sa.String(500), nullable=False),
        sa.Column("tenant_id", sa.String(100)),
        sa.Column("bot_id", sa.String(200), nullable=False),
        sa.Column("user_id", sa.String(100)),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_teams_conversations_user_id", "teams_conversations", ["user_id"])
    op.create_table(
        "teams_people",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("teams_people")
    op.drop_table("teams_conversations")
    for table in ("comments", "incidents"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("front_end")

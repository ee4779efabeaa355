"""Retention: legal hold on cases, and the log of what retention removed.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(
            sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "retention_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("record_type", sa.String(20), nullable=False),
        sa.Column("record", sa.String(40), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retention_events")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("legal_hold")

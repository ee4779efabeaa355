"""Form submissions taken in, so a retried or replayed one makes nothing new.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("record", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("submissions")

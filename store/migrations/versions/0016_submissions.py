"""Form submissions taken in, so a retried or replayed one makes nothing new; and claims on
rows being delivered, so their messages are sent outside any transaction and still only once.

Revision ID: 0016
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0016"
down_revision = "0014"
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
    op.create_table(
        "delivery_claims",
        sa.Column("record", sa.String(40), primary_key=True),
        sa.Column("record_id", sa.Integer(), primary_key=True),
        sa.Column("until", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("delivery_claims")
    op.drop_table("submissions")

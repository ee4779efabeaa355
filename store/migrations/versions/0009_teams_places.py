"""Teams conversations chosen from inside them for SLT and moderators.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams_places",
        sa.Column("role", sa.String(20), primary_key=True),
        sa.Column("conversation_id", sa.String(300), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("teams_places")

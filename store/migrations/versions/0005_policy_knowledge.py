"""Policy acknowledgements and review reminders.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_acknowledgements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("front_end", sa.String(10), nullable=False),
        sa.Column("version_key", sa.String(32), nullable=False),
        sa.Column("version", sa.String(200), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint(
            "user_id", "front_end", "version_key", name="uq_policy_acknowledgement"
        ),
    )
    op.create_table(
        "policy_notices",
        sa.Column("kind", sa.String(100), primary_key=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("policy_notices")
    op.drop_table("policy_acknowledgements")

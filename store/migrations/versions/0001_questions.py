"""Questions asked of the policy.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("best_section", sa.String(500)),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.Column("policy_version", sa.String(200), nullable=False),
        sa.Column("feedback", sa.SmallInteger()),
        sa.Column("asked_by", sa.String(32)),
        sa.Column("sent_to_slt_at", UTCDateTime()),
    )
    op.create_index("ix_questions_confident_asked_at", "questions", ["confident", "asked_at"])


def downgrade() -> None:
    op.drop_table("questions")

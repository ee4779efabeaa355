"""Second opinions on draft posts and replies.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("comment_id", sa.Integer(), sa.ForeignKey("comments.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reviewer", sa.String(64)),
        sa.Column("notes", sa.Text()),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime()),
        sa.Column("card_channel", sa.String(64)),
        sa.Column("card_ts", sa.String(64)),
        sa.Column("next_notice_at", UTCDateTime()),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_draft_reviews_next_notice_at", "draft_reviews", ["next_notice_at"])
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "review_id",
            sa.Integer(),
            sa.ForeignKey("draft_reviews.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_events")
    op.drop_table("draft_reviews")

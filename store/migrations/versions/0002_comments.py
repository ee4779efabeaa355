"""Comments on school accounts and the notices sent for them.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("author", sa.String(20), nullable=False),
        sa.Column("link", sa.String(500)),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("offensive", sa.Boolean(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("logged_by", sa.String(64), nullable=False),
        sa.Column("logged_at", UTCDateTime(), nullable=False),
        sa.Column("assignee", sa.String(64)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("responded_at", UTCDateTime()),
        sa.Column("responded_by", sa.String(64)),
        sa.Column("response", sa.String(40)),
        sa.Column("response_note", sa.Text()),
        sa.Column("card_channel", sa.String(64)),
        sa.Column("card_ts", sa.String(64)),
        sa.Column("next_notice_at", UTCDateTime()),
    )
    op.create_index("ix_comments_next_notice_at", "comments", ["next_notice_at"])
    op.create_index("ix_comments_status_due_at", "comments", ["status", "due_at"])
    op.create_table(
        "comment_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "comment_id",
            sa.Integer(),
            sa.ForeignKey("comments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("comment_id", "kind", name="uq_comment_notices_kind"),
    )


def downgrade() -> None:
    op.drop_table("comment_notices")
    op.drop_table("comments")

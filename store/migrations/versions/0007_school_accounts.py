"""The register of school accounts, and handovers when their people leave.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("handle", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("lead", sa.String(64), nullable=False),
        sa.Column("moderators", sa.String(500), nullable=False),
        sa.Column("monitoring", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("applied_by", sa.String(64), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decline_reason", sa.Text()),
        sa.Column("link", sa.String(500)),
        sa.Column("credentials_kept", sa.String(300)),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_school_accounts_status", "school_accounts", ["status"])
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("school_accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("departed", sa.String(64), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("done_at", UTCDateTime()),
        sa.Column("done_by", sa.String(64)),
        sa.Column("outcome", sa.String(20)),
        sa.Column("next_notice_at", UTCDateTime()),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
    )
    op.create_index("ix_handovers_next_notice_at", "handovers", ["next_notice_at"])


def downgrade() -> None:
    op.drop_table("handovers")
    op.drop_table("school_accounts")

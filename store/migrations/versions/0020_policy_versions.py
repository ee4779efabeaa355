"""The school's policy managed in chat: every uploaded version (the file itself, who uploaded
and confirmed or cancelled it), and each switch of the live version (the first import, a
confirmation, a rollback), the newest naming the version every instance answers from.

Revision ID: 0020_policy_versions
Revises: 0019_school_settings
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0020_policy_versions"
down_revision = "0019_school_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("version_key", sa.String(32), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("front_end", sa.String(10), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_by", sa.String(100)),
        sa.Column("confirmed_at", UTCDateTime()),
        sa.Column("cancelled_by", sa.String(100)),
        sa.Column("cancelled_at", UTCDateTime()),
    )
    op.create_table(
        "policy_switches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("policy_versions.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("front_end", sa.String(10), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("policy_switches")
    op.drop_table("policy_versions")

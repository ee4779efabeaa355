"""The health view: each scheduled sweep's last start, success and failure (`job_runs`), and
when each claimed delivery first failed, so the oldest one being retried can be shown.

Revision ID: 0021_job_runs
Revises: 0020_policy_versions
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0021_job_runs"
down_revision = "0020_policy_versions"
branch_labels = None
depends_on = None

DELIVERIES = ("comment_notices", "incident_notices", "card_redraws")


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(60), primary_key=True),
        sa.Column("every_seconds", sa.Float(), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime()),
        sa.Column("succeeded_at", UTCDateTime()),
        sa.Column("failed_at", UTCDateTime()),
        sa.Column("error", sa.String(200)),
    )
    for table in DELIVERIES:
        op.add_column(table, sa.Column("first_failed_at", UTCDateTime()))


def downgrade() -> None:
    for table in reversed(DELIVERIES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("first_failed_at")
    op.drop_table("job_runs")

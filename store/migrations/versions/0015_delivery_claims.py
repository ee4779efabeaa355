"""Each delivery a case or comment owes is its own record: claimed before it is sent
(`claimed_at`, `attempts`), marked sent (`sent_at`, empty while it is being sent) or given up
after its retries (`given_up_at`). Kinds grow to name the recipient.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = {"incident_notices": 60, "comment_notices": 40}


def upgrade() -> None:
    for table, width in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("attempts", sa.Integer(), nullable=False, server_default="0")
            )
            batch.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
            batch.add_column(sa.Column("given_up_at", UTCDateTime(), nullable=True))
            batch.alter_column("sent_at", existing_type=UTCDateTime(), nullable=True)
            batch.alter_column(
                "kind", existing_type=sa.String(width), type_=sa.String(120), nullable=False
            )


def downgrade() -> None:
    for table, width in TABLES.items():
        op.execute(f"DELETE FROM {table} WHERE sent_at IS NULL OR length(kind) > {width}")
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "kind", existing_type=sa.String(120), type_=sa.String(width), nullable=False
            )
            batch.alter_column("sent_at", existing_type=UTCDateTime(), nullable=False)
            batch.drop_column("given_up_at")
            batch.drop_column("claimed_at")
            batch.drop_column("attempts")

"""Which front end a school account was applied for in, so its handovers go back there.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("school_accounts", "handovers"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("front_end", sa.String(10), nullable=False, server_default="slack")
            )


def downgrade() -> None:
    for table in ("school_accounts", "handovers"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("front_end")

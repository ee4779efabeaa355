"""Which front end a draft for review came from, so its messages go back there.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draft_reviews") as batch:
        batch.add_column(
            sa.Column("front_end", sa.String(10), nullable=False, server_default="slack")
        )


def downgrade() -> None:
    with op.batch_alter_table("draft_reviews") as batch:
        batch.drop_column("front_end")

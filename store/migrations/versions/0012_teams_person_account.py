"""Each Teams person's account id (`29:…`), so the bot can start a personal chat with them.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams_people") as batch:
        batch.add_column(sa.Column("account_id", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams_people") as batch:
        batch.drop_column("account_id")

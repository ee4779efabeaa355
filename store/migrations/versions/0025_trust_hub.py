"""A trust's hub: the school (often the trust's central office) whose weekly digest also shows
every school of its trust side by side.

Revision ID: 0025_trust_hub
Revises: 0024_slack_installations
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_trust_hub"
down_revision = "0024_slack_installations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "schools",
        sa.Column("trust_hub", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("trust_hub")

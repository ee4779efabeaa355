"""One-off notices are claimed before they are sent: `claimed_at` holds the claim, `sent_at`
is set once the notice went out (empty while it is being sent).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("policy_notices") as batch:
        batch.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
        batch.alter_column("sent_at", existing_type=UTCDateTime(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM policy_notices WHERE sent_at IS NULL")
    with op.batch_alter_table("policy_notices") as batch:
        batch.alter_column("sent_at", existing_type=UTCDateTime(), nullable=False)
        batch.drop_column("claimed_at")

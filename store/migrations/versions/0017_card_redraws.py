"""Messages that carried a comment's summary or a draft's text, redrawn once retention erases it.

Revision ID: 0017_card_redraws
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0017_card_redraws"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_redraws",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("front_end", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("ts", sa.String(64), nullable=False),
        sa.Column("record", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("redrawn_at", UTCDateTime(), nullable=True),
        sa.Column("given_up_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_card_redraws_record", "card_redraws", ["record", "record_id"])
    op.create_index("ix_card_redraws_due_at", "card_redraws", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_card_redraws_due_at", table_name="card_redraws")
    op.drop_index("ix_card_redraws_record", table_name="card_redraws")
    op.drop_table("card_redraws")

"""SLT teach the bot: their reply to a question passed on to them (kept on the question, under
the questions' retention, with the front end its asker is on), and the school's saved answers,
stamped with the policy version they were saved against. A question answered from a saved
answer names it, so it is not counted as unanswered.

Revision ID: 0018_saved_answers
Revises: 0017_card_redraws
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0018_saved_answers"
down_revision = "0017_card_redraws"
branch_labels = None
depends_on = None

QUESTION_COLUMNS: tuple[sa.Column[object], ...] = (
    sa.Column("front_end", sa.String(10)),
    sa.Column("saved_answer_id", sa.Integer()),
    sa.Column("slt_answer", sa.Text()),
    sa.Column("slt_answered_by", sa.String(64)),
    sa.Column("slt_answered_at", UTCDateTime()),
    sa.Column("slt_answer_sent_at", UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "saved_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("section", sa.String(500)),
        sa.Column("version_key", sa.String(32), nullable=False),
        sa.Column("policy_version", sa.String(200), nullable=False),
        sa.Column("saved_by", sa.String(64), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("needs_review_since", UTCDateTime()),
        sa.Column("removed_by", sa.String(64)),
        sa.Column("removed_at", UTCDateTime()),
    )
    op.create_index("ix_saved_answers_removed_at", "saved_answers", ["removed_at"])
    for column in QUESTION_COLUMNS:
        op.add_column("questions", column)
    op.create_index(
        "ix_questions_slt_answer_pending", "questions", ["slt_answer_sent_at", "slt_answered_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_questions_slt_answer_pending", "questions")
    with op.batch_alter_table("questions") as batch:
        for column in reversed(QUESTION_COLUMNS):
            batch.drop_column(column.name)
    op.drop_index("ix_saved_answers_removed_at", "saved_answers")
    op.drop_table("saved_answers")

"""The seven-day watch: each school account's rota by kind of day, absences and cover, the
daily check-in, and the school's holidays.

Revision ID: 0023_rota
Revises: 0022_schools
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0023_rota"
down_revision = "0022_schools"
branch_labels = None
depends_on = None


def _owned() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("school_id", sa.Integer(), sa.ForeignKey("schools.id"), nullable=False),
    ]


def _account() -> sa.Column:
    return sa.Column(
        "account_id",
        sa.Integer(),
        sa.ForeignKey("school_accounts.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "rota_places",
        *_owned(),
        _account(),
        sa.Column("day_kind", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_rota_places_account", "rota_places", ["account_id", "day_kind", "position"])
    op.create_table(
        "rota_absences",
        *_owned(),
        _account(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("cover", sa.String(64)),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime()),
    )
    op.create_index("ix_rota_absences_day", "rota_absences", ["account_id", "day"])
    op.create_table(
        "check_ins",
        *_owned(),
        _account(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("day_kind", sa.String(20), nullable=False),
        sa.Column("scheduled", sa.String(64)),
        sa.Column("asking", sa.String(64)),
        sa.Column("declined", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("checked_by", sa.String(64)),
        sa.Column("checked_at", UTCDateTime()),
        sa.Column("outcome", sa.String(20)),
        sa.Column("lead_told_at", UTCDateTime()),
        sa.Column("slt_told_at", UTCDateTime()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("school_id", "account_id", "day", name="uq_check_ins_day"),
    )
    op.create_index("ix_check_ins_day", "check_ins", ["day", "status"])
    op.create_table(
        "school_holidays",
        *_owned(),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_school_holidays_first", "school_holidays", ["first", "last"])
    for table in ("rota_places", "rota_absences", "check_ins", "school_holidays"):
        op.create_index(f"ix_{table}_school_id", table, ["school_id"])


def downgrade() -> None:
    for table in ("school_holidays", "check_ins", "rota_absences", "rota_places"):
        op.drop_table(table)

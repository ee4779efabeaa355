"""Incident reports, their cases, notices and the audit trail.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("submission_key", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("account_type", sa.String(20), nullable=False),
        sa.Column("link", sa.String(500)),
        sa.Column("happened_at", UTCDateTime(), nullable=False),
        sa.Column("involved", sa.String(200), nullable=False),
        sa.Column("details", sa.Text()),
        sa.Column("actions_taken", sa.String(200), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("reporter", sa.String(64), nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        sa.Column("comment_id", sa.Integer(), sa.ForeignKey("comments.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("lead", sa.String(64)),
        sa.Column("acknowledged_at", UTCDateTime()),
        sa.Column("severity", sa.String(20)),
        sa.Column("staff_involved", sa.Text()),
        sa.Column("agencies", sa.String(200)),
        sa.Column("assessment_note", sa.Text()),
        sa.Column("external_agency", sa.String(40)),
        sa.Column("external_reference", sa.String(100)),
        sa.Column("external_at", UTCDateTime()),
        sa.Column("platform_report_reference", sa.String(100)),
        sa.Column("platform_reported_at", UTCDateTime()),
        sa.Column("platform_outcome", sa.String(20)),
        sa.Column("safeguarding_reference", sa.String(100)),
        sa.Column("outcome", sa.String(40)),
        sa.Column("outcome_note", sa.Text()),
        sa.Column("resolved_at", UTCDateTime()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("reporter_told", sa.String(40)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("card_channel", sa.String(64)),
        sa.Column("card_ts", sa.String(64)),
        sa.Column("next_notice_at", UTCDateTime()),
    )
    op.create_index("ix_incidents_next_notice_at", "incidents", ["next_notice_at"])
    op.create_index("ix_incidents_reporter", "incidents", ["reporter"])
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_table(
        "incident_counters",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "incident_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("incident_id", "kind", name="uq_incident_notices_kind"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_events_incident_id", "audit_events", ["incident_id", "at"])
    _forbid_changes_to_audit_events()


def _forbid_changes_to_audit_events() -> None:
    """The audit trail is append-only in the database itself, not just by convention."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the audit trail is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    op.drop_table("audit_events")
    op.drop_table("incident_notices")
    op.drop_table("incident_counters")
    op.drop_table("incidents")

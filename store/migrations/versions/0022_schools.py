"""Schools as tenants: one deployment can serve every school of a trust. `schools` names each
school's Slack workspace and Teams tenant; every school's table gains `school_id`, and what was
unique for "the" school (a case reference, a setting, a notice's key) is now unique per school.
Everything already stored belongs to the first school.

Revision ID: 0022_schools
Revises: 0021_job_runs
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from store.types import UTCDateTime

revision = "0022_schools"
down_revision = "0021_job_runs"
branch_labels = None
depends_on = None

FIRST_SCHOOL = 1
OWNED = (
    "questions",
    "saved_answers",
    "comments",
    "comment_notices",
    "incidents",
    "incident_notices",
    "audit_events",
    "teams_conversations",
    "teams_people",
    "policy_acknowledgements",
    "retention_events",
    "school_accounts",
    "handovers",
    "draft_reviews",
    "review_events",
    "school_setting_changes",
    "card_redraws",
    "policy_versions",
    "policy_switches",
)
DUE = {
    "comments": "next_notice_at",
    "incidents": "next_notice_at",
    "handovers": "next_notice_at",
    "draft_reviews": "next_notice_at",
    "card_redraws": "due_at",
}
# Tables keyed by a name that is now unique within a school: key columns and the rest.
REKEYED: dict[str, tuple[list[sa.Column], list[sa.Column]]] = {
    "incident_counters": (
        [sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False)],
        [sa.Column("last", sa.Integer(), nullable=False)],
    ),
    "policy_notices": (
        [sa.Column("kind", sa.String(100), primary_key=True)],
        [sa.Column("claimed_at", UTCDateTime()), sa.Column("sent_at", UTCDateTime())],
    ),
    "school_settings": (
        [sa.Column("key", sa.String(60), primary_key=True)],
        [
            sa.Column("value", sa.Text(), nullable=False),
            sa.Column("changed_by", sa.String(100), nullable=False),
            sa.Column("changed_at", UTCDateTime(), nullable=False),
        ],
    ),
    "submissions": (
        [sa.Column("key", sa.String(64), primary_key=True)],
        [
            sa.Column("record", sa.String(20), nullable=False),
            sa.Column("record_id", sa.Integer(), nullable=False),
            sa.Column("at", UTCDateTime(), nullable=False),
        ],
    ),
}


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    schools = op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slack_workspace", sa.String(32), unique=True),
        sa.Column("teams_tenant", sa.String(100), unique=True),
        sa.Column("trust", sa.String(200)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("uninstalled_at", UTCDateTime()),
    )
    op.bulk_insert(
        schools, [{"id": FIRST_SCHOOL, "name": "School", "created_at": datetime.now(UTC)}]
    )
    if postgresql:  # the first school took id 1 by hand: the next is 2
        op.execute("SELECT setval('schools_id_seq', (SELECT max(id) FROM schools))")
    for table in OWNED:
        # SQLite adds a column with a foreign key only if its default is NULL: there the
        # models' own default stamps each row instead.
        reference = [sa.ForeignKey("schools.id")] if postgresql else []
        op.add_column(
            table,
            sa.Column(
                "school_id",
                sa.Integer(),
                *reference,
                nullable=False,
                server_default=str(FIRST_SCHOOL),
            ),
        )
        if postgresql:  # a row that does not say its school is refused, not given the first
            op.alter_column(table, "school_id", server_default=None)
        op.create_index(f"ix_{table}_school_id", table, ["school_id"])
    for table, (keys, rest) in REKEYED.items():
        _rekey(table, keys, rest)
    _unique_per_school(postgresql)
    # Each sweep asks one school at a time what is due: its rows, soonest first.
    for table, column in DUE.items():
        op.create_index(f"ix_{table}_school_{column}", table, ["school_id", column])


def _rekey(table: str, keys: list[sa.Column], rest: list[sa.Column]) -> None:
    names = ", ".join(column.name for column in (*keys, *rest))
    op.create_table(
        f"{table}_new",
        sa.Column("school_id", sa.Integer(), sa.ForeignKey("schools.id"), primary_key=True),
        *keys,
        *rest,
    )
    op.execute(
        f"INSERT INTO {table}_new (school_id, {names}) SELECT {FIRST_SCHOOL}, {names} FROM {table}"
    )
    op.drop_table(table)
    op.rename_table(f"{table}_new", table)


def _unique_per_school(postgresql: bool) -> None:
    """A case's reference and its submission key are unique within its school."""
    if postgresql:
        op.drop_constraint("incidents_reference_key", "incidents", type_="unique")
        op.drop_constraint("incidents_submission_key_key", "incidents", type_="unique")
        op.create_unique_constraint(
            "uq_incidents_school_reference", "incidents", ["school_id", "reference"]
        )
        op.create_unique_constraint(
            "uq_incidents_school_submission", "incidents", ["school_id", "submission_key"]
        )
    else:
        # SQLite keeps the old unique keys inside the table: it is rebuilt without them (with
        # foreign keys off, `store.db.migrate`), and the new ones are its only unique keys.
        incidents = sa.Table("incidents", sa.MetaData(), autoload_with=op.get_bind())
        for constraint in [c for c in incidents.constraints if isinstance(c, sa.UniqueConstraint)]:
            incidents.constraints.discard(constraint)
        for column in incidents.columns:
            column.unique = None
        incidents.append_constraint(
            sa.UniqueConstraint("school_id", "reference", name="uq_incidents_school_reference")
        )
        incidents.append_constraint(
            sa.UniqueConstraint(
                "school_id", "submission_key", name="uq_incidents_school_submission"
            )
        )
        with op.batch_alter_table("incidents", copy_from=incidents, recreate="always"):
            pass
    with op.batch_alter_table("policy_acknowledgements") as batch:
        batch.drop_constraint("uq_policy_acknowledgement", type_="unique")
        batch.create_unique_constraint(
            "uq_policy_acknowledgement",
            ["school_id", "user_id", "front_end", "version_key"],
        )


def downgrade() -> None:
    raise NotImplementedError("schools cannot be merged back into one: restore a backup")

"""Slack installs by OAuth: each workspace's installation and bot token, and the OAuth states
of installs under way, in slack_sdk's own tables (built by its stores, not copied here).

Revision ID: 0024_slack_installations
Revises: 0023_rota
"""

from alembic import op

from store.slack_installs import tables

revision = "0024_slack_installations"
down_revision = "0023_rota"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables().create_all(op.get_bind())


def downgrade() -> None:
    tables().drop_all(op.get_bind())

"""Which school each Slack request is for: set before any listener runs, and carried into the
thread that runs it (`store.tenancy.ContextExecutor`)."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, BoltContext, BoltResponse

from store import tenancy

SchoolOf = Callable[[str], int]
"""The school of a workspace (a team id, or an Enterprise Grid organisation's id for an
org-wide install)."""


def register(app: App, school_of: SchoolOf) -> None:
    @app.use
    def in_its_school(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        found = workspace(context)
        if found is None:  # nothing Slack sends a workspace's listeners lacks both
            return BoltResponse(status=400, body="no workspace")
        with tenancy.scope(school_of(found)):
            return next()


def workspace(context: BoltContext) -> str | None:
    """The workspace a request is from: an org-wide install's organisation, or the team."""
    if context.is_enterprise_install and context.enterprise_id:
        return context.enterprise_id
    return context.team_id or context.enterprise_id

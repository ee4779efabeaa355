"""Which school each Slack request is for: set before any listener runs, and carried into the
thread that runs it (`store.tenancy.ContextExecutor`).

Bolt calls its listeners after every global middleware has returned, so the school is entered
for the rest of the request (`tenancy.enter`), not for a block that `next()` would have left
already. Over HTTP each request is dispatched in a context of its own (Starlette runs it in a
worker thread, in a copy); Socket Mode serves one workspace only, the first school, which is
also what a context with no school entered holds."""

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
        tenancy.enter(school_of(found))
        return next()


def workspace(context: BoltContext) -> str | None:
    """The workspace a request is from: an org-wide install's organisation, or the team."""
    if context.is_enterprise_install and context.enterprise_id:
        return context.enterprise_id
    return context.team_id or context.enterprise_id

"""A new version of the policy made live as SLT make one in chat (upload, then confirm), for
tests about what follows a change of policy rather than about the upload itself."""

from __future__ import annotations

from bot.app.startup import Runtime
from bot.policy import actions
from bot.policy.actions import Switched
from bot.roles import Roles


def publish(
    runtime: Runtime,
    data: bytes,
    *,
    user: str,
    file_name: str = "policy.md",
    roles: Roles | None = None,
    front_end: str = "slack",
) -> Switched:
    services = runtime.services
    roles = roles or services.roles
    preview = actions.upload(
        services, roles, user=user, front_end=front_end, file_name=file_name, data=data
    )
    return actions.confirm(
        services, roles, user=user, front_end=front_end, version_id=preview.version_id
    )

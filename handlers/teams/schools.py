"""Which school each Teams activity is for: decided from its tenant before any listener runs.

The one entry point every activity passes through is the SDK's middleware chain: this is
registered first, so every listener after it, the threads it hands work to (`asyncio.to_thread`,
`store.tenancy.ContextExecutor`) and every query they make are held to the tenant's school.
An activity naming no tenant (Teams always names one) is refused with 400 when the deployment
serves any tenant: there is no school it could be for.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

from microsoft_teams.api import InvokeResponse
from microsoft_teams.apps import ActivityContext, App

from store import tenancy

logger = logging.getLogger(__name__)

SchoolOf = Callable[[str | None], int | None]
"""The school of a tenant id (None: the activity named none); None refuses the activity."""

NO_TENANT = "no tenant"
_TENANT = re.compile(r"^[\w.-]{1,100}$")  # a GUID in Teams; never longer than the column


def tenant_of(activity: Any) -> str | None:
    """The tenant Teams names in the conversation (and again in the channel data); None if it
    names none, an unusable one, or two different ones."""
    conversation = getattr(activity, "conversation", None)
    tenant_info = getattr(getattr(activity, "channel_data", None), "tenant", None)
    named = {
        str(found).strip().lower()
        for found in (
            getattr(conversation, "tenant_id", None),
            getattr(tenant_info, "id", None),
        )
        if found
    }
    if len(named) != 1:
        return None
    tenant = named.pop()
    return tenant if _TENANT.match(tenant) else None


def register(app: App, school_of: SchoolOf) -> None:
    """Run every listener of `app` in its activity's school. Register before any listener:
    the SDK runs its handlers in the order they were added."""

    async def in_its_school(ctx: ActivityContext[Any]) -> InvokeResponse[Any] | None:
        tenant = tenant_of(ctx.activity)
        school = await asyncio.to_thread(school_of, tenant)
        if school is None:
            logger.warning("a Teams activity naming no usable tenant was refused")
            return InvokeResponse(status=400, body={"error": NO_TENANT})
        with tenancy.scope(school):
            await ctx.next()
        return None

    app.use(in_its_school)

"""Slack installed by OAuth: each school's workspace has its own bot token, kept by slack_sdk's
installation store. Listeners get theirs from Bolt (per request); what the bot sends unasked
(reminders, alerts, digests) and its role look-ups get theirs here, for the school in scope."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import and_, desc, or_, select

from handlers.slack.schools import workspace
from store import tenancy

if TYPE_CHECKING:  # the store itself is made only when installing by OAuth
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

logger = logging.getLogger(__name__)

# The bot scopes each workspace grants at install: manifest.yaml's (a contract test holds the
# two together).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "usergroups:read",
    "channels:read",
    "groups:read",
    "channels:join",
    "files:write",
    "files:read",
    "channels:history",
    "groups:history",
    "im:history",
)
REFRESH_SECONDS = 60.0  # how long a school's client is used before its install is read again


class NotInstalled(SlackClientError):
    """The school in scope has no workspace with a bot token (never installed, or removed)."""


@dataclass(frozen=True)
class _Cached:
    token: str
    client: WebClient
    read_at: float


class SchoolClients:
    """`clients()`: a Web API client with the bot token of the school in scope's workspace, as
    its latest install left it. One client is kept per school and its install read again now
    and then (another instance may have seen a reinstall), or at once after `drop`."""

    def __init__(
        self,
        store: SQLAlchemyInstallationStore,
        workspace_of: Callable[[int], str | None],
        make_client: Callable[[str], WebClient],
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.workspace_of = workspace_of
        self.make_client = make_client
        self.monotonic = monotonic
        self._cached: dict[int, _Cached] = {}
        self._lock = threading.Lock()

    def __call__(self) -> WebClient:
        school = tenancy.current()
        now = self.monotonic()
        with self._lock:
            cached = self._cached.get(school)
        if cached is not None and now - cached.read_at < REFRESH_SECONDS:
            return cached.client
        token = self._token(school)
        if token is None:
            self.drop(school)
            raise NotInstalled(f"school {school} has no Slack installation")
        if cached is not None and cached.token == token:
            client = cached.client
        else:
            client = self.make_client(token)
        with self._lock:
            self._cached[school] = _Cached(token, client, now)
        return client

    def drop(self, school: int) -> None:
        """Forget a school's client: its workspace was reinstalled, or removed the app."""
        with self._lock:
            self._cached.pop(school, None)

    def _token(self, school: int) -> str | None:
        key = self.workspace_of(school)
        if key is None:
            return None
        where = self._where(key)
        if where is None:
            return None
        enterprise_id, team_id, org_wide = where
        bot = self.store.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=org_wide
        )
        return bot.bot_token if bot is not None else None

    def _where(self, key: str) -> tuple[str | None, str | None, bool] | None:
        """The enterprise, team and kind of install a school's workspace key names: a team id,
        or an Enterprise Grid organisation's id for an org-wide install."""
        bots = self.store.bots.c
        query = (
            select(bots.enterprise_id, bots.team_id, bots.is_enterprise_install)
            .where(
                bots.client_id == self.store.client_id,
                or_(
                    and_(bots.team_id == key, bots.is_enterprise_install.is_(False)),
                    and_(bots.enterprise_id == key, bots.is_enterprise_install.is_(True)),
                ),
            )
            .order_by(desc(bots.installed_at))
            .limit(1)
        )
        with self.store.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else (row[0], row[1], bool(row[2]))


def register(app: App, clients: SchoolClients, uninstalled: Callable[[str], None]) -> None:
    """Bolt's own listeners delete a workspace's tokens when it revokes them or removes the
    app; the removal also stops its school's sweeps (`uninstalled(workspace)`), and the
    school's client is forgotten either way. Runs after the school middleware."""
    app.enable_token_revocation_listeners()

    @app.use
    def on_removal(
        body: dict[str, object], context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        event = body.get("event")
        kind = event.get("type") if isinstance(event, dict) else None
        if kind in ("app_uninstalled", "tokens_revoked"):
            clients.drop(tenancy.current())
            found = workspace(context)
            if kind == "app_uninstalled" and found is not None:
                logger.info("the app was removed from a workspace: its school is not swept")
                uninstalled(found)
        return next()

"""Slack distributed by OAuth: a trust's schools each install the app into their own workspace
(at /slack/install), and each workspace is its own school. Bolt runs the flow and keeps the
tokens in slack_sdk's stores on the bot's database; this wires them to the schools."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app.settings import Settings
from bot.clock import Clock
from bot.schools import service as school_service
from handlers.slack.installations import BOT_SCOPES, SchoolClients

STATE_SECONDS = 600  # how long an install started at /slack/install may take to come back


@dataclass
class SlackInstall:
    oauth: OAuthSettings
    clients: SchoolClients
    school_of: Callable[[str], int]
    uninstalled: Callable[[str], None]


def slack_install(
    settings: Settings,
    engine: Engine,
    sessions: sessionmaker[Session],
    clock: Clock,
    make_client: Callable[[str], WebClient],
) -> SlackInstall:
    """`engine`: one that opens a connection of its own per use (the bot's lookup engine), as
    a token may be read while a transaction is open on the same thread."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    store = SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)
    clients = SchoolClients(
        store, lambda school: school_service.workspace_of(sessions, school), make_client
    )
    known: dict[str, int] = {}  # a workspace's school never changes
    lock = threading.Lock()

    def school_of(workspace: str, name: str | None = None) -> int:
        with lock:
            found = known.get(workspace)
        if found is None:
            key = school_service.slack_key(workspace)
            found = school_service.school_for(sessions, key, name=name, now=clock.now())
            with lock:
                known[workspace] = found
        return found

    def installed(args: SuccessArgs) -> BoltResponse:
        """A workspace (or a whole organisation) installed the app: it is a school, swept
        again if it had removed the app before."""
        done = args.installation
        org_wide = bool(done.is_enterprise_install)
        workspace = done.enterprise_id if org_wide else done.team_id
        if workspace is not None:
            school = school_of(workspace, done.enterprise_name if org_wide else done.team_name)
            school_service.reinstalled(sessions, school_service.slack_key(workspace))
            clients.drop(school)
        return args.default.success(args)

    def failed(args: FailureArgs) -> BoltResponse:
        return args.default.failure(args)

    def uninstalled(workspace: str) -> None:
        key = school_service.slack_key(workspace)
        school_service.uninstalled(sessions, key, now=clock.now())

    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_install_redirect_url,
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        callback_options=CallbackOptions(success=installed, failure=failed),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
        state_expiration_seconds=STATE_SECONDS,
    )
    return SlackInstall(oauth=oauth, clients=clients, school_of=school_of, uninstalled=uninstalled)

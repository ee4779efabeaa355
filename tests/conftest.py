"""Shared fixtures: databases (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the Slack
stand-in, and the real bot served over HTTP on a free loopback port."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from bot.settings import Settings
from bot.startup import Runtime, build
from tests.slack_requests import SlackSender
from tests.slack_standin import SlackStandIn

SIGNING_SECRET = "test-signing-secret"
# A Wednesday in term time, 10:00 in London.
START = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real token or setting from the developer's shell or .env can leak into a test."""
    for name in list(os.environ):
        if name.upper() in {f.upper() for f in Settings.model_fields}:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a throwaway schema in PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    base = _postgres_url()
    if not base:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://…)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def stand_in() -> Iterator[SlackStandIn]:
    server = SlackStandIn()
    yield server
    server.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SIGNING_SECRET,
        "slt_channel": "C0SLT0001",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class RunningBot:
    runtime: Runtime
    slack: SlackSender
    stand_in: SlackStandIn
    clock: ManualClock
    base_url: str


def _serve(runtime: Runtime) -> tuple[str, Callable[[], None]]:
    """Serve the app with uvicorn on a socket that is already listening: no start-up race."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(runtime.asgi, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop


@pytest.fixture
def bot_factory(
    database_url: str, stand_in: SlackStandIn, clock: ManualClock
) -> Iterator[Callable[..., RunningBot]]:
    stops: list[Callable[[], None]] = []
    runtimes: list[Runtime] = []

    def start(**overrides: Any) -> RunningBot:
        settings = make_settings(
            database_url=database_url, slack_api_url=stand_in.api_url, **overrides
        )
        runtime = build(settings, clock=clock)
        base_url, stop = _serve(runtime)
        stops.append(stop)
        runtimes.append(runtime)
        sender = SlackSender(f"{base_url}/slack/events", SIGNING_SECRET, stand_in.response_url())
        return RunningBot(runtime, sender, stand_in, clock, base_url)

    yield start
    for stop in stops:
        stop()
    for runtime in runtimes:
        runtime.engine.dispose()


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory()

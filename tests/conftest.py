"""Shared fixtures: databases (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), the Slack
stand-in, and the real bot served over HTTP on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app.jobs import COMMENT_SWEEP_JOB, INCIDENT_SWEEP_JOB
from bot.app.settings import Settings
from bot.app.startup import Runtime, build
from bot.clock import ManualClock
from handlers.slack.pacing import Pacer, answering_thread
from store.db import make_engine, migrate
from store.tenancy import ContextExecutor
from tests.slack_requests import SlackModals, SlackSender
from tests.slack_standin import SlackStandIn

pytest_plugins = ["tests.teams_bot"]  # the Teams bot fixtures, shared by the Teams tests

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


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite database migrated to head, copied for each test: migrating is the slow part."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head, which each test's database is created from."""
    base = _postgres_url()
    if not base:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://…)")
    name = _create_postgres_database(base)
    engine = make_engine(make_url(base).set(database=name).render_as_string(hide_password=False))
    migrate(engine)
    engine.dispose()
    yield name
    _drop_postgres_database(base, name)


def _create_postgres_database(base: str, template: str | None = None) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}" STRATEGY WAL_LOG' if template else ""
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return name


def _drop_postgres_database(base: str, name: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _database(request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "bot.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    base = _postgres_url()
    if not base:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://…)")
    template = request.getfixturevalue("_postgres_template") if migrated else None
    name = _create_postgres_database(base, template)
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    _drop_postgres_database(base, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database already at the schema's head: a SQLite file, or a PostgreSQL database."""
    yield from _database(request, tmp_path, migrated=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database with no schema at all, for tests of the migrations themselves."""
    yield from _database(request, tmp_path, migrated=False)


@pytest.fixture
def stand_in() -> Iterator[SlackStandIn]:
    server = SlackStandIn()
    yield server
    server.close()
    assert not server.violations, f"the bot sent payloads Slack would refuse: {server.violations}"


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


class TrackingExecutor(ContextExecutor):
    """Bolt's listener pool, remembering its work so a test can wait for it to finish."""

    def __init__(self, *, answering: bool = False) -> None:
        # `answering`: its threads are known as listener threads, as in the running bot
        super().__init__(10, initializer=answering_thread if answering else None)
        self.futures: list[Future[Any]] = []
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self.futures.append(future)
        return future

    def settle(self) -> None:
        """Wait until everything the app started after its acks has finished."""
        while True:
            with self._lock:
                pending = [f for f in self.futures if not f.done()]
            if not pending:
                return
            done, _ = wait(pending, timeout=10)
            assert done, "the app's background work did not finish"


class FakeTime:
    """Monotonic time that only moves when something waits: pacing without real sleeps.
    `frozen`: not even then, as if a burst arrived all in one instant."""

    def __init__(self, *, frozen: bool = False) -> None:
        self.now = 0.0
        self.slept = 0.0
        self.frozen = frozen

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += 0.0 if self.frozen else seconds
        self.slept += seconds


@dataclass
class RunningBot:
    runtime: Runtime
    slack: SlackSender
    modals: SlackModals
    stand_in: SlackStandIn
    clock: ManualClock
    base_url: str
    time: FakeTime
    executor: TrackingExecutor

    def settle(self) -> None:
        self.executor.settle()

    def __post_init__(self) -> None:
        scheduler = self.runtime.scheduler
        self._jobs = {job.id: job for job in scheduler.get_jobs()}

    def tick(self, job: str = COMMENT_SWEEP_JOB) -> int:
        """One run of one of the scheduler's own jobs, at the clock's current time."""
        return self._jobs[job].func()

    def tick_incidents(self) -> int:
        return self.tick(INCIDENT_SWEEP_JOB)


def _serve(runtime: Runtime) -> tuple[str, Callable[[], None]]:
    """Serve the app with uvicorn on a socket that is already listening: no start-up race."""
    # IPPROTO_TCP explicitly, so asyncio recognises it as TCP and turns Nagle's delay off.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(runtime.asgi, log_level="warning"))
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

    def start(
        *, burst: bool = False, policy_check_seconds: float | None = None, **overrides: Any
    ) -> RunningBot:
        """`burst`: everything arrives in one instant on listener threads, so a channel's
        pacing fills up as it would under a real burst. `policy_check_seconds`: how often the
        live policy version is looked up (0: at every use, as if the interval had passed)."""
        settings = make_settings(
            database_url=database_url, slack_api_url=stand_in.api_url, **overrides
        )
        fake_time = FakeTime(frozen=burst)
        pacer = Pacer(1.0, monotonic=fake_time.monotonic, sleep=fake_time.sleep)
        executor = TrackingExecutor(answering=burst)
        checks: dict[str, float] = (
            {} if policy_check_seconds is None else {"policy_check_seconds": policy_check_seconds}
        )
        runtime = build(settings, clock=clock, pacer=pacer, listener_executor=executor, **checks)
        base_url, stop = _serve(runtime)
        stops.append(stop)
        runtimes.append(runtime)
        sender = SlackSender(f"{base_url}/slack/events", SIGNING_SECRET, stand_in.response_url())
        return RunningBot(
            runtime, sender, SlackModals(sender), stand_in, clock, base_url, fake_time, executor
        )

    yield start
    for stop in stops:
        stop()
    for runtime in runtimes:
        runtime.engine.dispose()


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory()

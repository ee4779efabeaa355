"""SQLite's one writer: transactions queue for it in order, a reader never waits for it, and a
transaction that fails gives it back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.setup.live import LiveSchool
from bot.setup.school import School
from store.db import (
    make_engine,
    make_lookup_engine,
    make_session_factory,
    migrate,
    read_scope,
    session_scope,
)


@pytest.fixture
def sessions(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE n (v INTEGER)"))
    yield make_session_factory(engine)
    engine.dispose()


def test_a_reader_is_not_held_up_by_a_writer(sessions) -> None:  # type: ignore[no-untyped-def]
    writing, read = threading.Event(), threading.Event()

    def writer() -> None:
        with session_scope(sessions) as session:
            session.execute(text("INSERT INTO n VALUES (1)"))
            writing.set()
            assert read.wait(10), "the reader waited for the writer"

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(10)
    with read_scope(sessions) as session:
        assert session.scalar(text("SELECT count(*) FROM n")) == 0  # the last commit
    read.set()
    thread.join()


def test_a_failed_transaction_gives_the_writer_back(sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), session_scope(sessions) as session:
        session.execute(text("INSERT INTO n VALUES (1)"))
        raise RuntimeError("the form was refused")

    done = threading.Event()

    def other() -> None:
        with session_scope(sessions) as session:
            session.execute(text("INSERT INTO n VALUES (2)"))
        done.set()

    threading.Thread(target=other).start()
    assert done.wait(10), "the writer was never given back"


def test_many_writers_at_once_all_commit(sessions) -> None:  # type: ignore[no-untyped-def]
    def write(n: int) -> None:
        for _ in range(20):
            with session_scope(sessions) as session:
                session.execute(text("INSERT INTO n VALUES (:v)"), {"v": n})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with read_scope(sessions) as session:
        assert session.scalar(text("SELECT count(*) FROM n")) == 16 * 20


def test_instances_starting_at_once_on_an_empty_database_both_start(
    empty_database_url: str,
) -> None:
    """Two instances (two engines) migrate an empty database at the same moment: one migrates,
    the other waits for it and finds the schema up to date."""
    engines = [make_engine(empty_database_url) for _ in range(2)]
    ready = threading.Barrier(2)
    failures: list[BaseException] = []

    def start(engine: Engine) -> None:
        ready.wait()
        try:
            migrate(engine)
        except BaseException as error:  # what a starting instance would die of
            failures.append(error)

    threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert failures == []
        with engines[0].connect() as connection:
            heads = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert len(heads) == 1
    finally:
        for engine in engines:
            engine.dispose()


def test_settings_are_read_inside_a_transaction_when_the_pool_is_spent(
    database_url: str,
) -> None:
    """Under a burst every pooled connection can be held by a transaction queueing for the write
    lock. The writer holding it must still read the settings (and the live policy) or nobody
    moves: those reads take a connection of their own."""
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    school = LiveSchool(
        make_session_factory(make_lookup_engine(database_url)), School(), freshness=0
    )
    held = []
    try:
        with session_scope(sessions) as writer:
            writer.execute(text("SELECT 1"))
            pool = engine.pool
            while pool.checkedout() < pool.size() + engine.pool._max_overflow:
                held.append(engine.connect())
            assert school.get().timezone == "Europe/London"
    finally:
        for connection in held:
            connection.close()
        engine.dispose()

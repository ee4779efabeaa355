"""Engines, sessions and schema migration. Callers own the session scope."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).with_name("migrations")
READ_ONLY = "socialpolicy_read_only"  # an execution option: see `read_scope`


def make_engine(url: str) -> Engine:
    """An engine whose errors and logs never carry the values of a statement.

    `hide_parameters` keeps bound values (an incident's details, a user id) out of exception
    messages and of SQL logging; PostgreSQL's own DETAIL line ("Failing row contains (…)",
    "Key (…)=(…) already exists") is dropped from its errors for the same reason.
    """
    if url.startswith("sqlite"):
        # Connections are kept, not opened per request (each opening runs the pragmas below);
        # transactions queue for SQLite's one writer either way.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            pool_size=20,
            max_overflow=20,
        )
        writer = _WriterQueue()
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", writer.begin)
        for returned in ("checkin", "invalidate", "close"):
            event.listen(engine, returned, writer.returned)
        return engine
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
    )
    event.listen(engine, "handle_error", _without_row_values)
    return engine


def make_lookup_engine(url: str) -> Engine:
    """For the quick reads made while a transaction may be open on the same thread (has another
    instance changed a setting, or the live policy?): connections of their own, never one from
    the pool the writers hold. Under a burst every pooled connection can be held by a
    transaction queueing for the write lock, and a writer that waited for a pooled connection
    to read would wait for them, and they for it. On PostgreSQL they are kept in a small pool
    of their own (opening one costs more than the read); on SQLite each is opened afresh."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            poolclass=NullPool,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _begin_read)
        return engine
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=2, max_overflow=8, hide_parameters=True
    )
    event.listen(engine, "handle_error", _without_row_values)
    return engine


def _begin_read(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _without_row_values(context: ExceptionContext) -> None:
    """Drop the DETAIL of a PostgreSQL error, which quotes the row or key that failed.

    The primary message ("new row for relation … violates check constraint …") and the hint are
    kept; the exceptions keep their types, so callers and `orig` checks behave as before.
    """
    orig = context.original_exception
    diag = getattr(orig, "diag", None)
    if diag is None or not getattr(diag, "message_detail", None):
        return
    text = diag.message_primary or "database error"
    if diag.message_hint:
        text = f"{text}\nHINT:  {diag.message_hint}"
    orig.args = (text,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None:
        wrapped.args = (f"({orig.__class__.__module__}.{orig.__class__.__name__}) {text}",)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
    cursor = dbapi_connection.cursor()
    # Only takes effect on a new, empty database (before its first table): freed pages can then
    # be handed back to the file system by `reclaim_free_space`. Setting it takes the write
    # lock, so it is set only then: otherwise each new connection would queue behind writers.
    if cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        cursor.execute("PRAGMA auto_vacuum=INCREMENTAL")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted and overwritten content is zeroed
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable with WAL, and far less time locked
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class _WriterQueue:
    """Take SQLite's write lock at the start of each transaction, queueing for it in Python.

    SQLite has no row locks (it ignores FOR UPDATE), so a sweep and a listener could both read
    "card not posted yet" and both post it: each transaction that may write begins IMMEDIATE,
    which serialises them (PostgreSQL uses row locks instead). SQLite's own wait for that lock
    sleeps in growing steps of up to 100 ms and keeps no queue, so under a burst an unlucky
    transaction lost the race for seconds. Writers in this process wait on a lock of ours first,
    taken before BEGIN and given back when the connection returns to the pool (after its commit
    or rollback); SQLite's wait is left for other processes. A `read_scope` takes neither.
    """

    HELD = "socialpolicy_holds_writer"
    WAIT = 30.0  # seconds, as SQLite's busy timeout; then SQLite's own wait decides

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def begin(self, connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
            return
        held = connection.info  # the pool's record of this DBAPI connection
        if not held.get(self.HELD) and self._lock.acquire(timeout=self.WAIT):
            held[self.HELD] = True
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    def returned(self, _dbapi_connection: Any, record: Any, *_: Any) -> None:
        if record is not None and record.info.pop(self.HELD, False):
            self._lock.release()


def reclaim_free_space(engine: Engine) -> None:
    """After personal data was deleted or overwritten: leave no copy of it in the SQLite files.

    `secure_delete` zeroes what was deleted in the pages themselves; this hands freed pages back
    (incremental vacuum, or a full VACUUM for a database made before auto_vacuum was set, which
    also turns auto_vacuum on for it), then checkpoints the write-ahead log and truncates it, as
    the log still holds the pages as they were before. Nothing to do on PostgreSQL, whose
    autovacuum reclaims dead rows. Run it outside any transaction.
    """
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        (mode,) = cursor.execute("PRAGMA auto_vacuum").fetchone()
        if mode == 2:  # incremental
            cursor.execute("PRAGMA incremental_vacuum").fetchall()
        else:
            cursor.execute("PRAGMA auto_vacuum=INCREMENTAL")
            cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        cursor.close()
    finally:
        raw.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed if the block finishes, rolled back if it raises."""
    with factory() as session, session.begin():
        yield session


@contextmanager
def read_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work that only reads: on SQLite it does not queue for the write lock (in WAL
    mode a reader sees the last commit while a writer goes on)."""
    with factory() as session, session.begin():
        session.connection(execution_options={READ_ONLY: True})
        yield session


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """A pragma that only holds outside a transaction, sent past SQLAlchemy's own BEGIN."""
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA {pragma}")


class DatabaseUnavailable(Exception):
    """The database cannot be opened; the message is one line fit to show the user."""


MIGRATE_LOCK = 0x5350_4D49  # "SPMI": this bot's migrations, among the database's advisory locks


def migrate(engine: Engine) -> None:
    """Bring the schema up to date; run at every start-up. On PostgreSQL, instances starting at
    once take turns (an advisory lock held until the migration commits): the first migrates,
    the others find the schema already up to date."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # A table a migration rebuilds must not cascade its drop to its children, nor
                # have its triggers checked while it is missing.
                _sqlite_pragma(connection, "foreign_keys=OFF")
                _sqlite_pragma(connection, "legacy_alter_table=ON")
            try:
                with connection.begin():
                    if not sqlite:
                        connection.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK}
                        )
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise RuntimeError("a migration left a row pointing at nothing")
            finally:
                if sqlite:
                    _sqlite_pragma(connection, "legacy_alter_table=OFF")
                    _sqlite_pragma(connection, "foreign_keys=ON")
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnavailable(
            f"DATABASE_URL: cannot open the database ({reason}): check the URL, that the "
            "server is running, and that the folder exists"
        ) from None

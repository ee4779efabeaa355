"""What one reminder sweep costs with 100,000 open comments, 1% of them due.

Run from the repository root, as `python bench/sweep.py` or `python -m bench.sweep`. It prints
figures and a Markdown table for the README; it asserts nothing. It runs on a temporary SQLite file
and, when it answers, on PostgreSQL (`TEST_DATABASE_URL`, or the local default) in a throwaway
schema that is dropped at the end.

Each round keeps 100,000 open comments (1,000 of them with their 4-hour reminder due) and grows the
settled ones (responded, `next_notice_at` NULL, each with its card's notice row): the sweep should
cost the same however many there are. Tables are ANALYZEd after each fill, as autovacuum would.
A sweep clears everything due in one pass; the idle figure
is a sweep with nothing due, which is what most ticks are.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a script: make the repository root importable, as `-m` does
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, insert, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import ManualClock
from bot.comments.reminders import CARD, ReminderPolicy, sweep
from bot.ports import Posted
from store.db import make_engine, make_session_factory, migrate
from store.models import Comment, CommentNotice

OPEN = 100_000
DUE_EVERY = 100  # every 100th open comment is due: 1%
SETTLED_STEPS = (0, 100_000, 500_000)
CHUNK = 5_000
IDLE_SWEEPS = 20
CLEARS = 3  # times the due 1% is reset and cleared at each size; medians reported
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
INDEX = "ix_comments_next_notice_at"

# A Wednesday in term time, 10:00 in London, as in the tests.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
POLICY = ReminderPolicy(
    thresholds=(timedelta(hours=4), timedelta(hours=1)), sweep_interval=timedelta(seconds=60)
)


class NullNotifier:
    """A `Notifier` that delivers instantly and goes nowhere."""

    def post_card(self, comment: Comment) -> Posted:
        return Posted(channel="C0BENCH", ts=f"{comment.id}.000000")

    def refresh_card(self, comment: Comment) -> None:
        pass

    def remind(self, comment: Comment, *, left: timedelta, late_since: datetime | None) -> None:
        pass

    def remind_assignee(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None
    ) -> Posted | None:
        return None

    def escalate(self, comment: Comment, *, late_since: datetime | None) -> None:
        pass


@dataclass
class Tally:
    """What the engine was asked to do: cursor executes (by verb), commits, pool checkouts."""

    statements: int = 0
    commits: int = 0
    checkouts: int = 0
    verbs: Counter[str] = field(default_factory=Counter)
    seen: dict[str, Any] = field(default_factory=dict)  # first parameters of each distinct SQL

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._on_execute)
        event.listen(engine, "commit", self._on_commit)
        event.listen(engine.pool, "checkout", self._on_checkout)

    def detach(self, engine: Engine) -> None:
        event.remove(engine, "before_cursor_execute", self._on_execute)
        event.remove(engine, "commit", self._on_commit)
        event.remove(engine.pool, "checkout", self._on_checkout)

    def reset(self) -> None:
        self.statements = self.commits = self.checkouts = 0
        self.verbs.clear()
        self.seen.clear()

    def _on_execute(
        self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any
    ) -> None:
        self.statements += 1
        self.verbs[statement.split(None, 1)[0].upper()] += 1
        self.seen.setdefault(statement, parameters)

    def _on_commit(self, _conn: Any) -> None:
        self.commits += 1

    def _on_checkout(self, *_: Any) -> None:
        self.checkouts += 1


@dataclass(frozen=True)
class Round:
    """The figures for one backend at one number of settled comments."""

    backend: str
    settled: int
    insert_s: float
    busy_sweeps: int
    clear_ms: float
    busy_ms: float  # median sweep that delivered a full batch
    busy_statements: float  # per such sweep
    per_comment: float  # statements per comment delivered
    commits: float  # per such sweep
    checkouts: float  # connections taken from the pool, per such sweep
    verbs: str
    idle_ms: float
    idle_statements: float
    index_used: bool
    plans: dict[str, str]


def _due_ids() -> list[int]:
    return list(range(DUE_EVERY, OPEN + 1, DUE_EVERY))


def _due_at(comment_id: int) -> datetime:
    """Due comments' 4-hour moments passed 30-120 s ago; the rest come 1-20 hours from now."""
    if comment_id % DUE_EVERY == 0:
        return NOW + timedelta(hours=4) - timedelta(seconds=30 + comment_id % 91)
    return NOW + timedelta(hours=5) + timedelta(seconds=comment_id * 68_400 // OPEN)


def _comment(comment_id: int, due_at: datetime, **changes: Any) -> dict[str, Any]:
    received = due_at - timedelta(hours=24)
    row = {
        "id": comment_id,
        "platform": "facebook",
        "account": "Oakfield Primary",
        "kind": "query",
        "author": "parent",
        "link": f"https://facebook.example/posts/{comment_id}",
        "summary": "Asks when the Year 6 residential trip photos will be shared.",
        "offensive": False,
        "received_at": received,
        "due_at": due_at,
        "logged_by": "U0MODERATOR",
        "logged_at": received + timedelta(minutes=10),
        "assignee": "U0ASSIGNEE",
        "status": "open",
        "responded_at": None,
        "responded_by": None,
        "response": None,
        "response_note": None,
        "card_channel": "C0BENCH",
        "card_ts": f"{comment_id}.000000",
        "next_notice_at": due_at - POLICY.thresholds[0],
    }
    row.update(changes)
    return row


def _open_rows() -> Iterator[dict[str, Any]]:
    for comment_id in range(1, OPEN + 1):
        yield _comment(comment_id, _due_at(comment_id))


def _settled_rows(first_id: int, count: int) -> Iterator[dict[str, Any]]:
    for comment_id in range(first_id, first_id + count):
        due_at = NOW - timedelta(days=1 + comment_id % 700)
        yield _comment(
            comment_id,
            due_at,
            status="responded",
            responded_at=due_at - timedelta(hours=3),
            responded_by="U0MODERATOR",
            response="replied",
            next_notice_at=None,
        )


def _cards(comment_ids: Iterable[int]) -> Iterator[dict[str, Any]]:
    for comment_id in comment_ids:
        yield {"comment_id": comment_id, "kind": CARD, "sent_at": NOW - timedelta(hours=20)}


def _bulk_insert(
    sessions: sessionmaker[Session], model: type, rows: Iterable[dict[str, Any]]
) -> None:
    """Core-style bulk INSERT through the ORM, one transaction per chunk."""
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        with sessions.begin() as session:
            session.execute(insert(model), chunk)


def _reset_due(sessions: sessionmaker[Session]) -> None:
    """Put the due 1% back as it was before the last round's sweeps delivered to it."""
    with sessions.begin() as session:
        session.execute(delete(CommentNotice).where(CommentNotice.kind != CARD))
        session.execute(
            update(Comment),
            [{"id": i, "next_notice_at": _due_at(i) - POLICY.thresholds[0]} for i in _due_ids()],
        )


def _analyze(engine: Engine) -> None:
    """Planner statistics, as autovacuum would gather; on SQLite, also fold the WAL back in
    so the bulk load's checkpoint doesn't land in the first sweeps measured."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "sqlite":
        connection = engine.raw_connection()  # outside any transaction, which would block it
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()


def _explain(engine: Engine, statement: str, parameters: Any) -> str:
    """The plan for one statement exactly as the sweep issued it (same SQL, same values)."""
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    if engine.dialect.name == "sqlite":
        return "; ".join(str(row[-1]) for row in rows)
    return "\n".join(str(row[0]) for row in rows)


def _scans_table(plan: str) -> bool:
    return "Seq Scan" in plan or any(part.strip().startswith("SCAN ") for part in plan.split(";"))


def _timed(action: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    result = action()
    return result, (time.perf_counter() - start) * 1000


def _measure(
    backend: str, engine: Engine, sessions: sessionmaker[Session], settled: int, insert_s: float
) -> Round:
    """Clear the 1,000 due comments sweep by sweep, then time sweeps with nothing due."""
    tally = Tally()
    tally.attach(engine)
    notifier = NullNotifier()
    clock = ManualClock(NOW)

    def tick() -> int:
        return sweep(sessions=sessions, notifier=notifier, policy=POLICY, clock=clock)

    busy: list[tuple[float, int, int, int, Counter[str]]] = []
    clears: list[float] = []
    plans: dict[str, str] = {}
    for _ in range(CLEARS):
        _reset_due(sessions)
        clear_ms = 0.0
        while True:
            tally.reset()
            delivered, elapsed = _timed(tick)
            if delivered == 0:
                break
            clear_ms += elapsed
            busy.append(
                (elapsed, tally.statements, tally.commits, tally.checkouts, Counter(tally.verbs))
            )
            if not plans:
                for statement, parameters in list(tally.seen.items()):
                    if statement.lstrip().upper().startswith("SELECT"):
                        plans[statement] = _explain(engine, statement, parameters)
        clears.append(clear_ms)
    idle: list[tuple[float, int]] = []
    for _ in range(IDLE_SWEEPS):
        tally.reset()
        _, elapsed = _timed(tick)
        idle.append((elapsed, tally.statements))
    tally.detach(engine)

    statements = statistics.mean(b[1] for b in busy)
    idle_statements = statistics.mean(i[1] for i in idle)
    candidate = next(iter(plans.values()), "")
    verbs = sum((b[4] for b in busy), Counter())
    return Round(
        backend=backend,
        settled=settled,
        insert_s=insert_s,
        busy_sweeps=len(busy) // CLEARS,
        clear_ms=statistics.median(clears),
        busy_ms=statistics.median(b[0] for b in busy),
        busy_statements=statements,
        per_comment=(statements - idle_statements) / (OPEN // DUE_EVERY),
        commits=statistics.mean(b[2] for b in busy),
        checkouts=statistics.mean(b[3] for b in busy),
        verbs=", ".join(f"{v} {n / len(busy):g}" for v, n in verbs.most_common()),
        idle_ms=statistics.median(i[0] for i in idle),
        idle_statements=idle_statements,
        index_used=INDEX in candidate and not _scans_table(candidate),
        plans=plans,
    )


def run_backend(backend: str, url: str, steps: tuple[int, ...]) -> list[Round]:
    """Fill one database step by step and measure a sweep at each size."""
    engine = make_engine(url)
    migrate(engine)
    print(f"\n{_describe(engine)}", flush=True)
    sessions = make_session_factory(engine)
    rounds: list[Round] = []
    start = time.perf_counter()
    _bulk_insert(sessions, Comment, _open_rows())
    _bulk_insert(sessions, CommentNotice, _cards(_due_ids()))
    settled = 0
    try:
        for target in steps:
            _bulk_insert(sessions, Comment, _settled_rows(OPEN + settled + 1, target - settled))
            _bulk_insert(
                sessions, CommentNotice, _cards(range(OPEN + settled + 1, OPEN + target + 1))
            )
            settled = target
            _reset_due(sessions)  # so the planner's statistics see the due 1%
            _analyze(engine)
            insert_s = time.perf_counter() - start
            rounds.append(_measure(backend, engine, sessions, settled, insert_s))
            _report_round(rounds[-1])
            start = time.perf_counter()
    finally:
        engine.dispose()
    return rounds


def _report_round(r: Round) -> None:
    print(
        f"  {r.settled:>7,} settled (filled in {r.insert_s:.1f} s): "
        f"cleared {OPEN // DUE_EVERY:,} due in {r.busy_sweeps} sweeps, {r.clear_ms:.0f} ms; "
        f"{r.busy_ms:.0f} ms and {r.busy_statements:.0f} statements per full sweep "
        f"({r.per_comment:.1f} per comment, {r.commits:.0f} commits, "
        f"{r.checkouts:.0f} pool checkouts; {r.verbs}); "
        f"idle sweep {r.idle_ms:.2f} ms, {r.idle_statements:.0f} statement",
        flush=True,
    )


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A URL whose connections see only a fresh schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _unreachable(url: str) -> str | None:
    """Why PostgreSQL can't be used at `url`, or None when it answers."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 5})
    except (ArgumentError, ImportError) as error:  # a bad URL or a missing driver
        return f"unusable ({error})"
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        return f"unreachable ({reason})"
    finally:
        engine.dispose()
    return None


def _describe(engine: Engine) -> str:
    """The database and the settings that decide what a commit costs."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            level = connection.exec_driver_sql("PRAGMA synchronous").scalar()
            sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(level, level)
            return f"SQLite {sqlite3.sqlite_version}, journal_mode={journal}, synchronous={sync}"
        version = connection.exec_driver_sql("SHOW server_version").scalar()
        fsync = connection.exec_driver_sql("SHOW fsync").scalar()
        sync = connection.exec_driver_sql("SHOW synchronous_commit").scalar()
        return f"PostgreSQL {version}, fsync={fsync}, synchronous_commit={sync}"


def _table(rounds: list[Round]) -> str:
    lines = [
        "| Database | Settled comments | Sweep delivering 1,000 due | Statements | "
        "Per comment | Idle sweep | Candidate query uses index |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for r in rounds:
        lines.append(
            f"| {r.backend} | {r.settled:,} | {r.clear_ms:,.0f} ms | "
            f"{r.busy_statements:.0f} | {r.per_comment:.1f} | "
            f"{r.idle_ms:.2f} ms | {'yes' if r.index_used else '**no**'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--settled",
        type=int,
        nargs="+",
        default=list(SETTLED_STEPS),
        help="numbers of settled comments to measure at, ascending (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    steps = tuple(sorted(args.settled))
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"{OPEN:,} open comments, {OPEN // DUE_EVERY:,} due"
    )
    rounds: list[Round] = []

    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as folder:
        rounds += run_backend("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", steps)

    base = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES
    if (unreachable := _unreachable(base)) is not None:
        print(f"\nPostgreSQL skipped: {make_url(base).render_as_string()} {unreachable}")
    else:
        with postgres_schema(base) as url:
            rounds += run_backend("PostgreSQL", url, steps)

    for backend in dict.fromkeys(r.backend for r in rounds):
        last = [r for r in rounds if r.backend == backend][-1]
        print(f"\n{backend}: plans of the sweep's SELECTs at {last.settled:,} settled comments")
        for statement, plan in last.plans.items():
            print(f"  {' '.join(statement.split())}")
            print("    " + plan.replace("\n", "\n    "))

    print()
    print(_table(rounds))


if __name__ == "__main__":
    main()

"""What a tick of the sweeps costs as a trust's deployment grows: 1 to 200 schools, each with
10,000 open comments (2,000,000 at 200), a few of each school's due.

Run from the repository root, as `python bench/schools.py --postgres URL` or
`python -m bench.schools`. PostgreSQL only (a trust's deployment runs on it): it works in a
throwaway schema of the database at `--postgres` (default: `TEST_DATABASE_URL`, or the local
`test` database), dropped at the end unless `--keep`. It prints figures and a Markdown table for
the README; it asserts nothing.

The bot is built the way it starts (`bot.app.startup.build`), on a Slack stand-in with no
per-channel pacing (the figures are the database's and the bot's, not Slack's one message a
second), and a clock fixed at a Wednesday 10:00 in term time. Schools are added step by step
(`--schools 1,10,50,200`); each new school gets `--comments` open comments in one
`INSERT … SELECT generate_series`, of which `--due` have their 4-hour reminder due now and the
rest come due 1-20 hours from now, so a tick's work is finding the few that are due among the
many that are not. Tables are ANALYZEd after each step, as autovacuum would.

At each step it times, with the statements counted by a `before_cursor_execute` listener:
  - a busy comment tick: the comment-reminder job as the scheduler runs it (`jobs(services)`,
    once per active school, each in its scope), delivering every school's due reminders;
  - an idle comment tick: the same with nothing due, which is what most ticks are;
  - an idle tick of every sweep the scheduler runs each interval (all of `jobs(services)` but
    the daily retention pass), and each sweep's on its own at the largest step.
Statements are counted on every engine the bot made (its pool's and the lookups' that check
each school's settings and live policy version); pool checkouts too, since each is a pre-ping
(the pool's) or a new connection (the lookups'), neither of which is a statement. Each tick
measured comes more than the settings' and policy's freshness after the one before, as ticks a
minute apart do.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a script: make the repository root importable, as `-m` does
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import os
import platform
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Pool, create_engine, event, text
from sqlalchemy.engine import make_url

from bench.slash_command import SIGNING_SECRET, _quiet
from bench.sweep import DEFAULT_POSTGRES, Tally, _describe, _unreachable
from bot.app.jobs import COMMENT_SWEEP_JOB, RETENTION_JOB, jobs
from bot.app.scheduler import Job
from bot.app.settings import Settings
from bot.app.startup import Runtime, build
from bot.clock import ManualClock
from bot.comments.reminders import CARD
from bot.policy.live import CHECK_SECONDS
from bot.setup.live import FRESHNESS_SECONDS
from handlers.slack.pacing import Pacer
from tests.slack_standin import SlackStandIn

SCHOOL_STEPS = (1, 10, 50, 200)
COMMENTS = 10_000
DUE = 5  # per school, each tick measured busy
IDLE_TICKS = 3  # medians reported
BUSY_TICKS = 1
# A Wednesday in term time, 10:00 in London (UTC in November), as in bench/sweep.py.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
STALE_AFTER = max(FRESHNESS_SECONDS, CHECK_SECONDS) + 0.1


@dataclass(frozen=True)
class Tick:
    ms: float
    statements: float  # on every engine the bot made (its own and its lookups')
    checkouts: float  # a pre-ping round trip (the pool's) or a new connection (the lookups')
    delivered: int


@dataclass(frozen=True)
class Step:
    schools: int
    comments: int
    seed_s: float
    due: int
    comment_busy: Tick
    comment_idle: Tick
    all_idle: Tick
    sweeps: int


class Counts:
    """Statements and pool checkouts on every engine, while in its `with` block."""

    def __init__(self) -> None:
        self.statements = self.checkouts = 0

    def __enter__(self) -> Counts:
        self.statements = self.checkouts = 0
        event.listen(Engine, "before_cursor_execute", self._on_execute)
        event.listen(Pool, "checkout", self._on_checkout)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._on_execute)
        event.remove(Pool, "checkout", self._on_checkout)

    def _on_execute(self, *_: Any) -> None:
        self.statements += 1

    def _on_checkout(self, *_: Any) -> None:
        self.checkouts += 1


class Bench:
    """One bot, built as it starts, on a schema that grows school by school."""

    def __init__(self, url: str, *, comments: int, due: int) -> None:
        self.comments = comments
        self.due = due
        self.stride = max(1, comments // max(1, due))
        self.schools = 0  # schools seeded so far (the migration makes the first's row)
        self.stand_in = SlackStandIn()
        self.clock = ManualClock(NOW)
        options: dict[str, Any] = {
            "slack_bot_token": "xoxb-bench",
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": self.stand_in.api_url,
            "database_url": url,
            "slt_channel": "C0SLT0001",
            "moderators_channel": "C0MODS001",
            "moderator_users": ["U0MOD0001", "U0MOD0002"],
            "school_accounts": ["Facebook: @ourschool"],
        }
        settings = Settings(_env_file=None, **options)  # type: ignore[call-arg]
        self.runtime: Runtime = build(settings, clock=self.clock, pacer=Pacer(interval=0))
        self.engine: Engine = self.runtime.engine
        every = [job for job in jobs(self.runtime.services) if job.id != RETENTION_JOB]
        self.comment_job: Job = next(job for job in every if job.id == COMMENT_SWEEP_JOB)
        self.every = every
        self.tally = Tally()  # the bot's own engine: which statements, for EXPLAIN
        self.counts = Counts()  # every engine's
        self.candidate: tuple[str, Any] | None = None  # the comment sweep's, as issued

    def close(self) -> None:
        self.runtime.engine.dispose()
        self.stand_in.close()

    # Seeding ---------------------------------------------------------------------------------

    def grow(self, schools: int) -> float:
        """Add schools up to `schools`, each with its open comments; seconds taken."""
        start = time.perf_counter()
        first, last = self.schools + 1, schools
        with self.engine.begin() as connection:
            if last >= max(first, 2):
                connection.execute(
                    text(
                        "INSERT INTO schools (id, name, slack_workspace, created_at) "
                        "SELECT g, 'School ' || g, 'T' || lpad(g::text, 8, '0'), :now "
                        "FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) g"
                    ),
                    {"first": max(first, 2), "last": last, "now": NOW - timedelta(days=30)},
                )
                connection.execute(
                    text("SELECT setval('schools_id_seq', (SELECT max(id) FROM schools))")
                )
        for school in range(first, last + 1):
            self._seed_comments(school, school)  # one school per transaction: WAL stays small
        self.schools = max(self.schools, schools)
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        return time.perf_counter() - start

    def _ids(self, school: int) -> tuple[int, int]:
        return (school - 1) * self.comments + 1, school * self.comments

    def _seed_comments(self, first_school: int, last_school: int) -> None:
        low, high = self._ids(first_school)[0], self._ids(last_school)[1]
        per = self.comments
        # k: the comment's place within its school. Every `stride`-th (up to `due` of them) had
        # its 4-hour moment 30-120 s ago; the rest come 1-20 hours from now.
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    f"""
                    INSERT INTO comments (
                        id, school_id, platform, account, kind, author, link, summary,
                        offensive, received_at, due_at, logged_by, logged_at, assignee, status,
                        card_channel, card_ts, next_notice_at, front_end)
                    SELECT id, school_id, 'facebook', 'Facebook: @ourschool', 'query', 'parent',
                        'https://facebook.example/posts/' || id,
                        'Asks when the Year 6 residential trip photos will be shared.',
                        false, nna + interval '4 hours' - interval '24 hours',
                        nna + interval '4 hours', 'U0MOD0001',
                        nna + interval '4 hours' - interval '24 hours' + interval '10 minutes',
                        'U0MOD0002', 'open', 'C0MODS001', id || '.000000', nna, 'slack'
                    FROM (
                        SELECT g AS id, (g - 1) / {per} + 1 AS school_id,
                            CASE WHEN {self._due_sql("(g - 1) % " + str(per))}
                                THEN CAST(:now AS timestamptz)
                                    - make_interval(secs => 30 + (g - 1) % {per} % 91)
                                ELSE CAST(:now AS timestamptz) + interval '1 hour'
                                    + make_interval(secs => (g - 1) % {per} * 68400 / {per})
                            END AS nna
                        FROM generate_series(CAST(:low AS integer), CAST(:high AS integer)) g
                    ) s
                    """
                ),
                {"low": low, "high": high, "now": NOW},
            )
            # The due comments' cards were posted when they were logged.
            connection.execute(
                text(
                    f"""
                    INSERT INTO comment_notices (school_id, comment_id, kind, sent_at, attempts)
                    SELECT (g - 1) / {per} + 1, g, :card, :sent, 1
                    FROM generate_series(CAST(:low AS integer), CAST(:high AS integer)) g
                    WHERE {self._due_sql("(g - 1) % " + str(per))}
                    """
                ),
                {"low": low, "high": high, "card": CARD, "sent": NOW - timedelta(hours=20)},
            )
            connection.execute(text("SELECT setval('comments_id_seq', :high)"), {"high": high})

    def _due_sql(self, k: str) -> str:
        return f"{k} % {self.stride} = 0 AND {k} / {self.stride} < {self.due}"

    def reset_due(self) -> None:
        """Put every school's due comments back as they were before a busy tick."""
        per = self.comments
        due = self._due_sql(f"(id - 1) % {per}")
        with self.engine.begin() as connection:
            connection.execute(text(f"DELETE FROM comment_notices WHERE kind != '{CARD}'"))
            connection.execute(
                text(
                    f"UPDATE comments SET next_notice_at = CAST(:now AS timestamptz) "
                    f"- make_interval(secs => 30 + (id - 1) % {per} % 91) "
                    f"WHERE id = ANY(:ids) AND {due}"
                ),
                {"now": NOW, "ids": self._due_ids()},
            )

    def _due_ids(self) -> list[int]:
        ids = []
        for school in range(1, self.schools + 1):
            low = self._ids(school)[0]
            ids += [
                low + k * self.stride for k in range(self.due) if k * self.stride < self.comments
            ]
        return ids

    # Measuring -------------------------------------------------------------------------------

    def tick(self, run: list[Job]) -> Tick:
        # Ticks are a minute apart: each school's settings and live policy version are read
        # again at its first sweep. Wait out their freshness so every tick measured does so.
        time.sleep(STALE_AFTER)
        with self.stand_in._changed:  # what Slack was sent before: not this tick's concern
            self.stand_in.calls.clear()
            self.stand_in.posted.clear()
        self.tally.reset()
        self.tally.attach(self.engine)
        try:
            with self.counts:
                start = time.perf_counter()
                delivered = 0
                for job in run:
                    outcome = job.run()
                    delivered += outcome if isinstance(outcome, int) else 0
                elapsed = (time.perf_counter() - start) * 1000
        finally:
            self.tally.detach(self.engine)
        if self.candidate is None:
            self.candidate = next(
                (
                    (statement, parameters)
                    for statement, parameters in self.tally.seen.items()
                    if statement.startswith("SELECT comments.id \nFROM comments")
                    and "next_notice_at <=" in statement
                    and "FOR UPDATE" not in statement
                ),
                None,
            )
        return Tick(elapsed, self.counts.statements, self.counts.checkouts, delivered)

    def measure(self, busy: bool, run: list[Job], times: int) -> Tick:
        ticks = []
        for _ in range(times):
            if busy:
                self.reset_due()
            ticks.append(self.tick(run))
        return Tick(
            statistics.median(t.ms for t in ticks),
            statistics.median(t.statements for t in ticks),
            statistics.median(t.checkouts for t in ticks),
            max(t.delivered for t in ticks),
        )

    def step(self, schools: int) -> Step:
        seed_s = self.grow(schools)
        self.reset_due()
        self.tick(self.every)  # warm: each school's settings and policy are read once
        return Step(
            schools=schools,
            comments=self._count(),
            seed_s=seed_s,
            due=len(self._due_ids()),
            comment_busy=self.measure(True, [self.comment_job], BUSY_TICKS),
            comment_idle=self.measure(False, [self.comment_job], IDLE_TICKS),
            all_idle=self.measure(False, self.every, IDLE_TICKS),
            sweeps=len(self.every),
        )

    def _count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(text("SELECT count(*) FROM comments")) or 0)

    def by_sweep(self) -> list[tuple[str, Tick]]:
        """Each sweep's idle tick across every school, on its own."""
        return [(job.id, self.tick([job])) for job in self.every]

    def explain(self) -> tuple[str, str]:
        """The comment sweep's candidate query for the last school, as it is issued, and its
        plan with every school's few due (as a busy tick finds them)."""
        assert self.candidate is not None
        statement, parameters = self.candidate
        parameters = dict(parameters, school_1=self.schools)
        self.reset_due()
        with self.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).all()
        return " ".join(statement.split()), "\n".join(str(row[0]) for row in rows)


@contextmanager
def postgres_schema(base: str, *, keep: bool = False) -> Iterator[str]:
    """A URL whose connections see only a fresh schema, dropped afterwards unless `keep`."""
    schema = f"bench_schools_{int(time.time())}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        print(f"schema {schema}" + (" (kept)" if keep else ""), flush=True)
        yield url.render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _per_school(value: float, schools: int) -> str:
    return f"{value / schools:,.1f}"


def _table(steps: list[Step]) -> str:
    lines = [
        "| Schools | Open comments | Due | Comment tick, due delivered | Statements "
        "| Comment tick, idle | Statements | Per school | Every sweep, idle | Statements "
        "| Pool checkouts | Per school |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for s in steps:
        cb, ci, ai = s.comment_busy, s.comment_idle, s.all_idle
        lines.append(
            f"| {s.schools} | {s.comments:,} | {s.due:,} | {cb.ms:,.0f} ms "
            f"| {cb.statements:,.0f} | {ci.ms:,.1f} ms | {ci.statements:,.0f} "
            f"| {_per_school(ci.ms, s.schools)} ms | {ai.ms:,.0f} ms "
            f"| {ai.statements:,.0f} | {ai.checkouts:,.0f} | {_per_school(ai.ms, s.schools)} ms |"
        )
    return "\n".join(lines)


def _report(s: Step) -> None:
    cb, ci, ai = s.comment_busy, s.comment_idle, s.all_idle
    print(
        f"  {s.schools:>3} schools, {s.comments:,} comments (seeded in {s.seed_s:.1f} s): "
        f"comment tick delivering {s.due:,} due: {cb.ms:,.0f} ms, {cb.statements:,.0f} "
        f"statements, {cb.checkouts:,.0f} checkouts ({cb.delivered} notices); "
        f"idle {ci.ms:,.1f} ms, {ci.statements:,.0f} statements, {ci.checkouts:,.0f} checkouts; "
        f"{s.sweeps} sweeps idle {ai.ms:,.0f} ms, {ai.statements:,.0f} statements, "
        f"{ai.checkouts:,.0f} checkouts",
        flush=True,
    )


def run(
    url: str, steps: list[int], comments: int, due: int
) -> tuple[list[Step], list[tuple[str, Tick]], str, str]:
    bench = Bench(url, comments=comments, due=due)
    print(_describe(bench.engine), flush=True)
    results: list[Step] = []
    try:
        for schools in steps:
            results.append(bench.step(schools))
            _report(results[-1])
        sweeps = bench.by_sweep()
        statement, plan = bench.explain()
    finally:
        bench.close()
    return results, sweeps, statement, plan


def _steps(value: str) -> list[int]:
    return sorted({int(part) for part in value.split(",") if part.strip()})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES,
        help="a PostgreSQL database to work in, in a schema of its own (default: %(default)s)",
    )
    parser.add_argument(
        "--schools", type=_steps, default=list(SCHOOL_STEPS), help="e.g. 1,10,50,200"
    )
    parser.add_argument("--comments", type=int, default=COMMENTS, help="open comments per school")
    parser.add_argument("--due", type=int, default=DUE, help="of them due at each busy tick")
    parser.add_argument(
        "--keep", action="store_true", help="keep the schema (its name is printed) afterwards"
    )
    args = parser.parse_args(argv)
    _quiet()
    if (unreachable := _unreachable(args.postgres)) is not None:
        raise SystemExit(
            f"PostgreSQL at {make_url(args.postgres).render_as_string()} {unreachable}"
        )
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; schools {args.schools}, "
        f"{args.comments:,} open comments each, {args.due} due per school"
    )
    started = time.perf_counter()
    with postgres_schema(args.postgres, keep=args.keep) as url:
        steps, sweeps, statement, plan = run(url, args.schools, args.comments, args.due)
    print(f"\nEach sweep's idle tick on its own, across {steps[-1].schools} schools:")
    for name, tick in sweeps:
        print(
            f"  {name:<24} {tick.ms:8,.1f} ms  {tick.statements:6,.0f} statements  "
            f"{tick.checkouts:5,.0f} checkouts"
        )
    print(f"\nThe comment sweep's candidate query at {steps[-1].schools} schools:")
    print(f"  {statement}")
    print("    " + plan.replace("\n", "\n    "))
    print(f"\n{time.perf_counter() - started:.0f} s in all\n")
    print(_table(steps))


if __name__ == "__main__":
    main()

"""Bursts of people at once: questions and every kind of form, against the real app over HTTP.

Run from the repository root: `python bench/load.py` (SQLite) or
`python bench/load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test`. For each
number of clients (8, 16, 32) it runs `--seconds` of traffic, half `/socialpolicy <question>` and
half forms (log a comment, report an incident, apply for an account, ask for a second opinion),
every form submitted twice at once as Slack's retry or a double click would; then a run with the
Slack stand-in taking `--slow` seconds per Web API call. It prints errors, the acknowledgement
time (p50, p99, max), and records lost (a form acknowledged but not stored) or doubled (more
stored than sent). It asserts nothing. The bot runs in its own process; the clients and the
Slack stand-in share this one. `--instances N` starts N bot processes on one (PostgreSQL)
database, as behind a load balancer: each client talks to one, and each form's twin goes to the
next, so a doubled record would show a lapse between instances. `--schema NAME` runs in an
existing schema of that database (e.g. one `bench/schools.py --keep` filled), kept afterwards;
records are then counted as those added during the run.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a script: make the repository root importable, as `-m` does
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import itertools
import multiprocessing
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.slash_command import QUESTIONS, SIGNING_SECRET, _quiet, serving
from bot.app.settings import Settings
from bot.app.startup import build
from handlers.slack.pacing import listener_pool
from store.models import Comment, DraftReview, Incident, SchoolAccount
from tests.slack_requests import SlackModals, SlackSender, checkboxes, datetime_input, text_input
from tests.slack_requests import select as choose
from tests.slack_standin import SlackStandIn

MODERATOR_COUNT = 40
ACK_LIMIT = 3.0
MODELS = {"comment": Comment, "incident": Incident, "account": SchoolAccount, "review": DraftReview}


@dataclass
class Tally:
    acks: list[float] = field(default_factory=list)
    errors: int = 0
    sent: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in MODELS})
    tried: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in MODELS})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.acks.append(seconds)
            self.errors += 0 if ok and seconds < ACK_LIMIT else 1


def _form(kind: str, n: int, now: int) -> tuple[str, dict[str, dict[str, Any]]]:
    if kind == "comment":
        return "comment.log", {
            "platform": choose("facebook"),
            "account": choose("Facebook: @ourschool"),
            "account_other": text_input(None),
            "kind": choose("complaint"),
            "author": choose("parent"),
            "link": text_input(f"https://facebook.com/ourschool/posts/{n}"),
            "received_at": datetime_input(now - 60),
            "summary": text_input(f"Parent asks about trip photos ({n})"),
            "offensive": checkboxes(),
        }
    if kind == "incident":
        return "incident.report", {
            "kind": choose("image_shared"),
            "platform": choose("instagram"),
            "account_type": choose("personal"),
            "link": text_input("https://instagram.com/p/abc"),
            "happened_at": datetime_input(now - 60),
            "involved": checkboxes("pupil"),
            "details": text_input(f"A photo of a pupil was shared ({n})"),
            "actions_taken": checkboxes("screenshot"),
            "at_risk": checkboxes(),
        }
    if kind == "account":
        return "account.apply", {
            "platform": choose("instagram"),
            "handle": text_input(f"@ourschool_{n}"),
            "purpose": text_input("Department news for parents"),
            "lead": {"type": "users_select", "selected_user": "U0LEAD001"},
            "moderators": {"type": "multi_users_select", "selected_users": ["U0MOD0001"]},
            "monitoring": text_input("Lead checks daily; moderators cover weekends"),
        }
    return "review.submit", {
        "account": text_input("Facebook: @ourschool"),
        "context": text_input("Parents asked about the trip"),
        "draft": text_input(f"The trip goes ahead on Friday ({n})."),
    }


def _client(
    bases: list[str], stand_in: SlackStandIn, tally: Tally, until: float, seed: int
) -> None:
    """One person, on one instance; a form's twin goes to the next instance, as a retry can
    land on another one behind a load balancer."""
    base, other = bases[seed % len(bases)], bases[(seed + 1) % len(bases)]
    sender = SlackSender(f"{base}/slack/events", SIGNING_SECRET, stand_in.response_url())
    modals = SlackModals(sender)
    twin_modals = SlackModals(
        SlackSender(f"{other}/slack/events", SIGNING_SECRET, stand_in.response_url())
    )
    questions = itertools.cycle(QUESTIONS[seed % len(QUESTIONS) :] + QUESTIONS)
    kinds = itertools.cycle(MODELS)
    user = f"U0MOD{seed % MODERATOR_COUNT:04d}"
    for n in itertools.count():
        if time.monotonic() >= until:
            return
        if (n + seed) % 2 == 0:
            started = time.monotonic()
            try:
                ok = sender.command(next(questions), user=user).status_code == 200
            except Exception:  # a timeout or a dropped connection counts as an error
                ok = False
            tally.add(time.monotonic() - started, ok)
            continue
        kind = next(kinds)
        callback, fields = _form(kind, n, int(time.time()))
        view_id = f"V{uuid.uuid4().hex[:10].upper()}"

        acknowledged: list[bool] = []

        def submit(
            callback: str = callback,
            fields: Any = fields,
            view_id: str = view_id,
            acknowledged: list[bool] = acknowledged,
            modals: SlackModals = modals,
        ) -> None:
            started = time.monotonic()
            try:
                response = modals.submit(callback, fields, user=user, view_id=view_id)
                ok = response.status_code == 200 and b'"errors"' not in response.content
            except Exception:
                ok = False
            tally.add(time.monotonic() - started, ok)
            acknowledged.append(ok)

        # The same submission, at the same moment, on the next instance.
        twin = threading.Thread(target=submit, kwargs={"modals": twin_modals})
        twin.start()
        submit()
        twin.join()
        with tally.lock:
            tally.tried[kind].add(view_id)
            if any(acknowledged):  # one nobody was told was taken may or may not be stored
                tally.sent[kind].add(view_id)


@contextmanager
def _database(postgres: str | None, schema: str | None = None) -> Iterator[str]:
    if postgres is not None and schema is not None:  # an existing schema, kept
        url = make_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        return
    if postgres is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'load.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _serve_bot(options: dict[str, Any], ready: Queue[str], stop: EventType) -> None:
    """The bot in its own process, as it runs for a school: its own interpreter and GIL, so
    the clients' and the stand-in's threads do not slow its answers."""
    _quiet()
    settings = Settings(_env_file=None, **options)  # type: ignore[call-arg]
    listeners = listener_pool()
    # Slack's own pace (one message per second per channel): a burst's cards beyond what
    # a channel takes in a couple of seconds are left to the sweep, never to the listeners.
    runtime = build(settings, listener_executor=listeners)
    with serving(runtime.asgi) as base:
        ready.put(base)
        stop.wait()
    # Cards still queued for a busy channel (Slack takes one a second) would take minutes to
    # drain; what was stored is counted from the database, so the process just ends.
    os._exit(0)


def _stored(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = {
            kind: connection.scalar(select(func.count()).select_from(model)) or 0
            for kind, model in MODELS.items()
        }
    engine.dispose()
    return stored


def run(
    clients: int,
    seconds: float,
    postgres: str | None,
    delay: float,
    instances: int = 1,
    schema: str | None = None,
) -> str:
    stand_in = SlackStandIn()
    processes = multiprocessing.get_context("spawn")
    with _database(postgres, schema) as url:
        before = _stored(url) if schema is not None else dict.fromkeys(MODELS, 0)
        options = {
            "slack_bot_token": "xoxb-bench",
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": stand_in.api_url,
            "database_url": url,
            "slt_channel": "C0SLT0001",
            "moderators_channel": "C0MODS001",
            "moderator_users": [f"U0MOD{n:04d}" for n in range(MODERATOR_COUNT)],
            "school_accounts": ["Facebook: @ourschool"],
        }
        ready: Queue[str] = processes.Queue()
        stop = processes.Event()
        bots = [
            processes.Process(target=_serve_bot, args=(options, ready, stop))
            for _ in range(instances)
        ]
        for bot in bots:  # started together: they take turns to migrate
            bot.start()
        tally = Tally()
        try:
            bases = [ready.get(timeout=120) for _ in bots]
            for base in bases:  # Bolt checks its token once, on the first request
                SlackSender(
                    f"{base}/slack/events", SIGNING_SECRET, stand_in.response_url()
                ).command("help")
            stand_in.delay = delay
            until = time.monotonic() + seconds
            threads = [
                threading.Thread(target=_client, args=(bases, stand_in, tally, until, seed))
                for seed in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            stop.set()
            for bot in bots:
                bot.join(timeout=300)
        after = _stored(url)
        stored = {kind: after[kind] - before[kind] for kind in MODELS}
    stand_in.close()
    sent = {kind: len(ids) for kind, ids in tally.sent.items()}
    tried = {kind: len(ids) for kind, ids in tally.tried.items()}
    lost = sum(max(0, sent[k] - stored[k]) for k in MODELS)
    doubled = sum(max(0, stored[k] - tried[k]) for k in MODELS)
    acks = sorted(tally.acks)

    def pct(p: float) -> float:
        return acks[min(len(acks) - 1, int(p / 100 * len(acks)))] * 1000 if acks else 0.0

    database = "PostgreSQL" if postgres else "SQLite"
    if instances > 1:
        database += f" ×{instances} instances"
    return (
        f"| {database} | {clients} | {delay:g} s | {len(acks)} | {tally.errors} | "
        f"{pct(50):.0f} ms | {pct(99):.0f} ms | {(acks[-1] if acks else 0) * 1000:.0f} ms | "
        f"{lost} | {doubled} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each run")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--postgres", help="a PostgreSQL URL; SQLite when left out")
    parser.add_argument("--slow", type=float, default=4.0, help="Slack's delay in the slow run")
    parser.add_argument("--slow-clients", type=int, default=16)
    parser.add_argument(
        "--instances", type=int, default=1, help="bot processes on one database (PostgreSQL)"
    )
    parser.add_argument(
        "--schema", help="with --postgres: an existing schema to run in, kept afterwards"
    )
    options = parser.parse_args()
    _quiet()
    print(
        "| Database | Clients | Slack delay | Requests | Errors | p50 | p99 | max | Lost "
        "| Doubled |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for clients in options.clients:
        print(
            run(
                clients,
                options.seconds,
                options.postgres,
                0.0,
                options.instances,
                options.schema,
            ),
            flush=True,
        )
    slow = run(
        options.slow_clients,
        options.seconds,
        options.postgres,
        options.slow,
        options.instances,
        options.schema,
    )
    print(slow, flush=True)


if __name__ == "__main__":
    main()

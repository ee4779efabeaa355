"""How fast `/socialpolicy` answers, next to a bare Bolt app served the same way.

Run from the repository root, as `python bench/slash_command.py` or
`python -m bench.slash_command`. It prints figures and a Markdown table for the README; it asserts
nothing. Servers, clients and the Slack stand-in all share this process (and its GIL), so the
latencies are pessimistic in absolute terms; the ratio to the floor is the figure to watch.

Bolt runs each listener in a worker thread and polls for its `ack()` every 10 ms, so about 10 ms
of every sequential round trip, the floor's included, is that poll rather than work.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a script: make the repository root importable, as `-m` does
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import logging
import os
import platform
import resource
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle
from typing import Any

import uvicorn
from fastapi import FastAPI
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import create_engine

from bot.app.settings import Settings
from bot.app.startup import Runtime, build
from bot.app.web import asgi_app, serve_slack
from bot.policy.loader import default_policy_path, load_policies
from bot.policy.service import PolicyService
from tests.slack_requests import SlackSender
from tests.slack_standin import SlackStandIn

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
COMMAND = "/socialpolicy"

WARM_UP = 30
SEQUENTIAL = 300
CLIENTS = 8
PER_CLIENT = 150
CLIENT_WARM_UP = 5
SEARCH_ROUNDS = 200
COLD_RUNS = 3
COLD_QUESTION = "can i post photos of pupils"
TIME = Path("/usr/bin/time")

TARGET_RATIO = 1.5
TARGET_P99_MS = 250.0

QUESTIONS = [
    "can i follow an ex pupil on insta",
    "a reporter DMed me about the trip",
    "how fast do we reply to comments",
    "can i post photos of pupils on the school facebook",
    "a parent sent me a friend request",
    "is it ok to use whatsapp with my tutor group",
    "someone made a fake account pretending to be the head",
    "can i mention the school in my twitter bio",
    "a kid posted something nasty about me on tiktok",
    "can i livestream sports day",
    "who signs off a new school account",
    "what do i do if i see a pupil being bullied online",
    "can i message a student on snapchat about homework",
    "do i need permission to share a video of the school play",
    "my personal account is public, is that a problem",
    "is it ok to like a parent's post",
    "we got a rude comment on the school page, can i delete it",
    "can i take pictures on my own phone on the trip",
    "a former student added me on linkedin",
    "what happens if i break the policy",
]


# --- measuring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Latencies (seconds) of one measured phase, its wall time and its failures."""

    latencies: list[float]
    wall: float
    errors: int

    def percentile(self, p: int) -> float:
        """The p-th percentile in milliseconds (interpolated between samples)."""
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000

    @property
    def max_ms(self) -> float:
        return max(self.latencies) * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall

    def row(self, label: str) -> str:
        return (
            f"| {label} | {self.percentile(50):.1f} | {self.percentile(90):.1f} | "
            f"{self.percentile(99):.1f} | {self.max_ms:.1f} | {self.throughput:.0f} |"
        )


def _sender(base_url: str, stand_in: SlackStandIn) -> SlackSender:
    return SlackSender(f"{base_url}/slack/events", SIGNING_SECRET, stand_in.response_url())


def _send(sender: SlackSender, questions: Iterator[str], count: int) -> tuple[list[float], int]:
    """Send `count` signed commands one after another; their latencies and how many failed."""
    latencies: list[float] = []
    errors = 0
    for _ in range(count):
        text = next(questions)
        started = time.perf_counter()
        response = sender.command(text, command=COMMAND)
        latencies.append(time.perf_counter() - started)
        errors += response.status_code != 200
    return latencies, errors


def sequential(base_url: str, stand_in: SlackStandIn) -> Run:
    """One client: `WARM_UP` unmeasured requests, then `SEQUENTIAL` measured ones."""
    sender = _sender(base_url, stand_in)
    questions = cycle(QUESTIONS)
    try:
        _send(sender, questions, WARM_UP)
        started = time.perf_counter()
        latencies, errors = _send(sender, questions, SEQUENTIAL)
        return Run(latencies, time.perf_counter() - started, errors)
    finally:
        sender.http.close()


def concurrent(base_url: str, stand_in: SlackStandIn) -> Run:
    """`CLIENTS` threads, each with its own connection, released together by a barrier."""
    barrier = threading.Barrier(CLIENTS + 1, timeout=60)
    results: list[tuple[list[float], int]] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        sender = _sender(base_url, stand_in)
        questions = cycle(QUESTIONS[offset:] + QUESTIONS[:offset])
        try:
            _send(sender, questions, CLIENT_WARM_UP)
            barrier.wait()
            result = _send(sender, questions, PER_CLIENT)
            with lock:
                results.append(result)
        finally:
            sender.http.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return Run(
        [latency for latencies, _ in results for latency in latencies],
        wall,
        sum(errors for _, errors in results),
    )


# --- serving -------------------------------------------------------------------------------


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a socket already listening (no start-up race)."""
    # IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY on accepted connections only
    # for sockets that say they are TCP, and without it every keep-alive request after the
    # first waits ~40 ms (Nagle's algorithm meeting delayed ACKs). `uvicorn.run(host, port)`
    # gets this right by itself.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def bot_settings(database: Path, stand_in: SlackStandIn) -> Settings:
    """The bot's settings; nothing is read from a `.env` file (see `_forget_settings`)."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=stand_in.api_url,
        database_url=f"sqlite:///{database}",
        slt_channel="C0SLT0001",
    )


def floor_app(stand_in: SlackStandIn) -> App:
    """The least a Bolt app can do for the command: verify the signature and ack."""
    app = App(
        client=WebClient(token="xoxb-bench", base_url=stand_in.api_url),
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
    )
    app.command(COMMAND)(lambda ack: ack("ok"))
    return app


# --- the other figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class ColdStart:
    ask_min: float
    ask_median: float
    ask_rss_kb: int
    import_s: float
    build_s: float
    first_answer_s: float
    total_s: float
    server_rss_kb: int
    server_status: int


def _forget_settings() -> None:
    """Drop the bot's settings from this process's environment (and its children's), so no
    real token or setting from the shell can leak into the benchmark."""
    names = {name.upper() for name in Settings.model_fields}
    for name in [n for n in os.environ if n.upper() in names]:
        del os.environ[name]


def _run_child(args: list[str], **kwargs: Any) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run a child to completion; also its peak RSS in kB, from /usr/bin/time when present.

    Without it the figure comes from RUSAGE_CHILDREN, which on Linux is only an upper bound: a
    child starts out with its parent's high-water mark, and this process is the larger.
    """
    with tempfile.NamedTemporaryFile("r") as report:
        timed = [str(TIME), "-f", "%M", "-o", report.name] if TIME.exists() else []
        completed = subprocess.run([*timed, *args], capture_output=True, text=True, **kwargs)
        if completed.returncode:
            sys.stderr.write(completed.stderr)
            completed.check_returncode()
        if timed:
            return completed, int(report.read().split()[-1])
    return completed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def cold_start(workdir: Path) -> ColdStart:
    """`python -m bot ask` end to end, and a fresh process from nothing to its first answer."""
    asks: list[float] = []
    ask_rss = 0
    for _ in range(COLD_RUNS):
        started = time.perf_counter()
        # The working directory has no .env in it.
        _, rss = _run_child([sys.executable, "-m", "bot", "ask", COLD_QUESTION], cwd=workdir)
        asks.append(time.perf_counter() - started)
        ask_rss = max(ask_rss, rss)

    spawned = time.time()
    probe, probe_rss = _run_child(
        [sys.executable, "-m", "bench.slash_command", "--cold-start-probe"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    stamps = json.loads(probe.stdout.strip().splitlines()[-1])
    return ColdStart(
        ask_min=min(asks),
        ask_median=statistics.median(asks),
        ask_rss_kb=ask_rss,
        import_s=stamps["imported"] - spawned,
        build_s=stamps["build_s"],
        first_answer_s=stamps["first_answer_s"],
        total_s=stamps["answered"] - spawned,
        server_rss_kb=probe_rss,
        server_status=stamps["status"],
    )


def cold_start_probe() -> None:
    """In a fresh interpreter: build the bot, serve it and answer one command; print timings.

    Wall-clock stamps let the parent count interpreter start-up and imports as well.
    """
    imported = time.time()
    _quiet()
    _forget_settings()
    with tempfile.TemporaryDirectory() as tmp:
        stand_in = SlackStandIn()
        started = time.perf_counter()
        runtime = build(bot_settings(Path(tmp) / "probe.db", stand_in))
        built = time.perf_counter()
        with serving(runtime.asgi) as base_url:
            sender = _sender(base_url, stand_in)
            response = sender.command(COLD_QUESTION, command=COMMAND)
            answered_at = time.time()
            first_answer = time.perf_counter() - built
            sender.http.close()
        runtime.engine.dispose()
        stand_in.close()
    print(
        json.dumps(
            {
                "imported": imported,
                "build_s": built - started,
                "first_answer_s": first_answer,
                "answered": answered_at,
                "status": response.status_code,
            }
        )
    )


@dataclass(frozen=True)
class Search:
    first_pass_ms: float
    mean_ms: float
    p99_ms: float
    count: int


def search_time() -> Search:
    """`PolicyService.ask` over the default policy: every question × `SEARCH_ROUNDS`."""
    service = PolicyService(load_policies(default_policy_path()))
    timings: list[float] = []
    for _ in range(SEARCH_ROUNDS):
        for question in QUESTIONS:
            started = time.perf_counter()
            service.ask(question)
            timings.append(time.perf_counter() - started)
    first_pass = timings[: len(QUESTIONS)]  # the term cache starts empty
    return Search(
        first_pass_ms=statistics.fmean(first_pass) * 1000,
        mean_ms=statistics.fmean(timings) * 1000,
        p99_ms=statistics.quantiles(timings, n=100, method="inclusive")[98] * 1000,
        count=len(timings),
    )


# --- the run -------------------------------------------------------------------------------


def _quiet() -> None:
    for name in ("bm25s", "bot", "handlers", "store", "slack_bolt", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _timed(label: str, measure: Callable[[], Run]) -> Run:
    run = measure()
    failed = f", {run.errors} failed" if run.errors else ""
    print(
        f"  {label:<22} p50 {run.percentile(50):6.1f} ms  p99 {run.percentile(99):6.1f} ms  "
        f"{run.throughput:5.0f} req/s{failed}",
        flush=True,
    )
    return run


def _mb(kilobytes: int, *, child: bool = False) -> str:
    """Kilobytes as MB; a child's figure without /usr/bin/time is an upper bound."""
    bound = "≤ " if child and not TIME.exists() else ""
    return f"{bound}{kilobytes / 1024:.0f} MB"


def _answers(base_url: str, stand_in: SlackStandIn) -> bool:
    """Whether the bot really answers (blocks in the ack), so its timings mean something."""
    sender = _sender(base_url, stand_in)
    try:
        response = sender.command(QUESTIONS[0], command=COMMAND)
        return response.status_code == 200 and bool(response.json().get("blocks"))
    finally:
        sender.http.close()


def main() -> None:
    """Run every measurement and print the README table."""
    _quiet()
    _forget_settings()
    began = time.perf_counter()
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    with tempfile.TemporaryDirectory() as tmp:
        stand_in = SlackStandIn()
        started = time.perf_counter()
        runtime: Runtime = build(bot_settings(Path(tmp) / "bench.db", stand_in))
        print(f"build() with modules already imported: {time.perf_counter() - started:.2f} s")
        floor_engine = create_engine("sqlite://")  # only /healthz would touch it
        floor = asgi_app(floor_engine)
        serve_slack(floor, floor_app(stand_in), signing_secret=SIGNING_SECRET)
        runs: dict[str, Run] = {}
        print("Slash command round trip (signed POST to /slack/events):", flush=True)
        with serving(runtime.asgi) as bot_url, serving(floor) as floor_url:
            if not _answers(bot_url, stand_in):
                print("  WARNING: the bot did not answer with blocks; figures are suspect")
            runs["floor-1"] = _timed("floor, 1 client", lambda: sequential(floor_url, stand_in))
            runs["bot-1"] = _timed("bot, 1 client", lambda: sequential(bot_url, stand_in))
            runs["floor-8"] = _timed("floor, 8 clients", lambda: concurrent(floor_url, stand_in))
            runs["bot-8"] = _timed("bot, 8 clients", lambda: concurrent(bot_url, stand_in))
        bench_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        web_api_calls = len(stand_in.calls)
        runtime.engine.dispose()
        floor_engine.dispose()
        stand_in.close()

        print("Search time per question...", flush=True)
        search = search_time()
        print("Cold start...", flush=True)
        cold = cold_start(Path(tmp))

    ratio = runs["bot-1"].percentile(50) / runs["floor-1"].percentile(50)
    p99_8 = runs["bot-8"].percentile(99)
    ratio_ok = "met" if ratio <= TARGET_RATIO else "MISSED"
    p99_ok = "met" if p99_8 < TARGET_P99_MS else "MISSED"
    print(f"Web API calls the stand-in received: {web_api_calls}")
    if cold.server_status != 200:
        print(f"WARNING: the cold-started bot answered HTTP {cold.server_status}")
    print(f"Total run time: {time.perf_counter() - began:.0f} s\n")

    print(
        f"Measured on {os.cpu_count()} cores, Python {platform.python_version()}; "
        "clients, servers and the Slack stand-in in one process.\n"
    )
    print("| `/socialpolicy` round trip | p50 ms | p90 ms | p99 ms | max ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|")
    print(runs["bot-1"].row(f"bot, 1 client × {SEQUENTIAL}"))
    print(runs["floor-1"].row(f"bare Bolt floor, 1 client × {SEQUENTIAL}"))
    print(runs["bot-8"].row(f"bot, {CLIENTS} clients × {PER_CLIENT}"))
    print(runs["floor-8"].row(f"bare Bolt floor, {CLIENTS} clients × {PER_CLIENT}"))
    print()
    print("| Figure | Value | Target |")
    print("|---|---:|---|")
    print(f"| p50 bot ÷ p50 floor, 1 client | {ratio:.2f}× | ≤ {TARGET_RATIO}× ({ratio_ok}) |")
    print(f"| p99, {CLIENTS} clients | {p99_8:.0f} ms | < {TARGET_P99_MS:.0f} ms ({p99_ok}) |")
    print(
        f"| `python -m bot ask` end to end (min / median of {COLD_RUNS}) | "
        f"{cold.ask_min:.2f} s / {cold.ask_median:.2f} s | |"
    )
    print(
        f"| Fresh process to first answered command (imports {cold.import_s:.2f} s + build() "
        f"{cold.build_s:.2f} s + first request {cold.first_answer_s * 1000:.0f} ms) | "
        f"{cold.total_s:.2f} s | |"
    )
    print(
        f"| Policy search, mean / p99 ({search.count} asks; first pass "
        f"{search.first_pass_ms:.1f} ms) | {search.mean_ms:.2f} / {search.p99_ms:.2f} ms | |"
    )
    print(f"| Peak RSS, benchmark process (both servers, clients, stand-in) | {_mb(bench_rss)} | |")
    print(f"| Peak RSS, `python -m bot ask` | {_mb(cold.ask_rss_kb, child=True)} | |")
    server_rss = _mb(cold.server_rss_kb, child=True)
    print(f"| Peak RSS, fresh bot process after first answer | {server_rss} | |")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cold-start-probe", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    if _arguments().cold_start_probe:
        cold_start_probe()
    else:
        main()

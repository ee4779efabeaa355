"""The container, without a container engine: the Dockerfile's and compose.yaml's promises are
read from the files themselves, and the image's entry point is run as a process. The wheel is
built from what the Dockerfile copies (after .dockerignore), installed into a fresh virtual
environment away from the checkout, started as `ENTRYPOINT` + `CMD` with compose's kind of
environment, and probed with the Dockerfile's own `HEALTHCHECK` command until it is healthy;
SIGTERM (what `docker stop` sends) must then stop it within Docker's grace period."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from sqlalchemy.engine import make_url

from bot.app.cli import main
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.slack_requests import SlackSender
from tests.slack_standin import WAIT_SECONDS, SlackStandIn

ROOT = Path(__file__).resolve().parents[1]
SIGNING_SECRET = "container-signing-secret"
START_SECONDS = 90  # the image's HEALTHCHECK allows a 60 s start period, then 3 × 30 s
STOP_SECONDS = 10  # `docker stop` sends SIGTERM, and SIGKILL 10 s later
BUILD_SECONDS = 120
# pip's words when the package index cannot be reached: only then is a failed build skipped.
OFFLINE = re.compile(
    r"No matching distribution found for setuptools|NewConnectionError|Network is unreachable"
    r"|Temporary failure in name resolution|Max retries exceeded"
)


# --- reading the Dockerfile ------------------------------------------------------------------


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for word, args in self.instructions if word == keyword]

    def one(self, keyword: str) -> str:
        (args,) = self.all(keyword)
        return args

    def position(self, keyword: str) -> int:
        return [word for word, _ in self.instructions].index(keyword)

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for args in self.all("ENV"):
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                values[name] = value
        return values


def read_dockerfile(path: Path = ROOT / "Dockerfile") -> list[Stage]:
    """The stages of a Dockerfile: continuation lines joined, comments dropped, `ARG`s given
    before the first `FROM` substituted into the base images."""
    logical: list[str] = []
    pending = ""
    for line in path.read_text().splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue  # comments (and the syntax directive) may sit inside a continuation too
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "the Dockerfile ends in a continuation"
    arguments: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.strip().partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            image, *alias = args.split()
            for name, value in arguments.items():
                image = image.replace(f"${{{name}}}", value).replace(f"${name}", value)
            stages.append(Stage(image, alias[1] if alias[:1] in (["AS"], ["as"]) else None))
        elif keyword == "ARG" and not stages:
            name, _, value = args.partition("=")
            arguments[name] = value
        else:
            assert stages, f"{keyword} before the first FROM"
            stages[-1].instructions.append((keyword, args))
    return stages


def exec_form(args: str) -> list[str]:
    """An instruction's JSON (exec) form; Docker would quietly take anything else as a shell
    command, so anything else fails here."""
    parsed = json.loads(args)
    assert isinstance(parsed, list) and all(isinstance(a, str) for a in parsed), args
    return parsed


def healthcheck(stage: Stage) -> tuple[dict[str, str], list[str]]:
    options, _, command = stage.one("HEALTHCHECK").partition("CMD ")
    flags = dict(option.removeprefix("--").split("=") for option in options.split())
    return flags, exec_form(command)


def final_stage() -> Stage:
    return read_dockerfile()[-1]


def build_stage() -> Stage:
    (stage,) = [s for s in read_dockerfile()[:-1] if s.name == "build"]
    return stage


def copied_sources(stage: Stage) -> list[str]:
    """What the stage copies from the build context (not from another stage)."""
    sources: list[str] = []
    for args in stage.all("COPY"):
        words = args.split()
        if not any(w.startswith("--from=") for w in words):
            sources += [w for w in words[:-1] if not w.startswith("--")]
    return sources


# --- .dockerignore, as BuildKit reads it -----------------------------------------------------


def _pattern(text: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif text.startswith("**", i):
            out, i = out + ".*", i + 2
        elif text[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif text[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(text[i]), i + 1
    return re.compile(out)


def dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, pattern) for each line; the last that matches a path decides."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        rules.append((negated, _pattern(line.removeprefix("!").strip("/"))))
    return rules


def in_context(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether a path of the checkout reaches the build: a pattern that matches a folder
    matches everything in it."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for negated, pattern in rules:
        if any(pattern.fullmatch(c) for c in candidates):
            excluded = not negated
    return not excluded


def context_files(sources: list[str]) -> list[str]:
    rules = dockerignore()
    found: list[str] = []
    for source in sources:
        top = ROOT / source
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        found += [rel for p in paths if in_context(rel := p.relative_to(ROOT).as_posix(), rules)]
    return found


# --- (a) the Dockerfile's contract -----------------------------------------------------------


def test_the_final_stage_is_a_slim_python_with_only_the_virtual_environment() -> None:
    stages = read_dockerfile()
    final = stages[-1]
    assert len(stages) >= 2, "multi-stage: the wheel is built in a stage of its own"
    assert re.fullmatch(r"python:3\.1[12]-slim(-\w+)?", final.base), final.base
    copies = final.all("COPY")
    assert copies == ["--from=build /opt/venv /opt/venv"], "copy the venv and nothing else"
    assert final.env()["PATH"].startswith("/opt/venv/bin:")
    for run in final.all("RUN"):  # no compilers or build tools in the image that runs
        assert not re.search(r"apt-get|apk |gcc|build-essential|pip ", run), run


def test_python_writes_no_bytecode_and_does_not_buffer_its_log() -> None:
    env = final_stage().env()
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PYTHONUNBUFFERED"] == "1"


def test_the_bot_runs_as_a_fixed_non_root_user() -> None:
    final = final_stage()
    user = final.one("USER")
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, f"a fixed numeric uid, not {user!r}"
    assert user.split(":")[-1] != "0", "nor the root group"
    assert final.position("USER") < final.position("ENTRYPOINT")
    assert any(f"--uid {uid}" in run for run in final.all("RUN")), "the uid has an account"


def test_the_entry_point_is_the_installed_console_script_and_run_is_its_command() -> None:
    final = final_stage()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert exec_form(final.one("ENTRYPOINT")) == list(project["scripts"])
    assert project["scripts"]["socialpolicy-bot"] == "bot.app.cli:main"
    command = exec_form(final.one("CMD"))
    assert command == ["run"]
    with pytest.raises(SystemExit) as shown:  # the CLI knows the command
        main([*command, "--help"])
    assert shown.value.code == 0


def test_the_healthcheck_asks_healthz_on_port_without_curl() -> None:
    final = final_stage()
    flags, command = healthcheck(final)
    assert command[:2] == ["python", "-c"]
    assert "/healthz" in command[2] and 'os.environ.get("PORT")' in command[2]
    assert "3000" in command[2], "PORT's default, as the bot's"
    assert {"interval", "timeout", "start-period", "retries"} <= set(flags)
    compile(command[2], "HEALTHCHECK", "exec")
    assert final.one("EXPOSE") == "3000"
    assert final.env()["PORT"] == "3000"


def test_the_build_context_holds_what_the_wheel_needs_and_no_secrets() -> None:
    sources = copied_sources(build_stage())
    assert set(sources) == {"pyproject.toml", "README.md", "bot", "handlers", "store"}
    rules = dockerignore()
    for kept in [
        "pyproject.toml",
        "README.md",
        "bot/app/cli.py",
        "store/migrations/env.py",
        "bot/policy/data/social-networking-policy.md",
    ]:
        assert in_context(kept, rules), kept
    for left_out in [
        ".env",
        ".git/HEAD",
        ".venv/bin/python",
        "socialpolicy.db",
        "bot/app/__pycache__/cli.cpython-311.pyc",
        "tests/conftest.py",
        ".hypothesis/examples/x",
        ".ruff_cache/x",
        "build/lib/bot/x.py",
        "socialpolicy_bot.egg-info/PKG-INFO",
        "bot/.env",
        "data/bot.db-wal",
    ]:
        assert not in_context(left_out, rules), left_out


def test_every_data_file_in_the_packages_is_package_data() -> None:
    """A file the wheel would leave out would be missing in the image alone."""
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    for package in ("bot", "handlers", "store"):
        folder = ROOT / package
        for path in folder.rglob("*"):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            if path.suffix == ".py" and (path.parent / "__init__.py").exists():
                continue  # a module of a package: in the wheel anyway
            relative = path.relative_to(folder)
            patterns = package_data.get(package, [])
            assert any(relative.match(p) for p in patterns), f"{path} is not package data"


# --- (b) compose.yaml ------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}."""

    def one(match: re.Match[str]) -> str:
        name, how, rest = match.group(1), match.group(2), match.group(3) or ""
        if env.get(name):
            return env[name]
        assert how != ":?", f"compose would stop: {rest}"
        return rest if how == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def test_compose_yaml_is_valid_under_the_compose_specification() -> None:
    schema = json.loads((ROOT / "tests/contracts/compose/compose-spec.json").read_text())
    assert [error.message for error in Draft7Validator(schema).iter_errors(compose())] == []


def test_the_bot_waits_for_a_healthy_postgresql_with_its_data_on_a_named_volume() -> None:
    spec = compose()
    db = spec["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert db["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert "ports" not in db, "only the bot reaches the database"
    volume, _, target = db["volumes"][0].partition(":")
    assert target == "/var/lib/postgresql/data" and volume in spec["volumes"]
    for name in ("bot", "bot-2"):
        assert spec["services"][name]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert {s["restart"] for s in spec["services"].values()} == {"unless-stopped"}


def test_database_url_points_at_the_db_service_as_its_user() -> None:
    spec = compose()
    env = {"POSTGRES_PASSWORD": "s3cret"}
    db = spec["services"]["db"]["environment"]
    bot = spec["services"]["bot"]
    url = make_url(interpolate(bot["environment"]["DATABASE_URL"], env))
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port) == ("db", 5432)
    assert url.username == db["POSTGRES_USER"] and url.database == db["POSTGRES_DB"]
    assert url.password == interpolate(db["POSTGRES_PASSWORD"], env)
    with pytest.raises(AssertionError, match="POSTGRES_PASSWORD"):
        interpolate(db["POSTGRES_PASSWORD"], {})  # no password: compose refuses to start


def test_the_bot_takes_its_settings_from_dot_env_and_publishes_its_port() -> None:
    bot = compose()["services"]["bot"]
    assert bot["env_file"] == ".env" and (ROOT / ".env.example").exists()
    assert bot["environment"]["PORT"] == "3000" == final_stage().one("EXPOSE")
    (published,) = bot["ports"]
    assert interpolate(published, {}) == "3000:3000"
    assert interpolate(published, {"BOT_PORT": "8080"}) == "8080:3000"
    assert bot["build"] == "." and bot["init"] is True


def test_a_second_instance_is_an_option_that_starts_after_the_first_is_healthy() -> None:
    second = compose()["services"]["bot-2"]
    assert second["profiles"] == ["second-instance"]  # off unless asked for
    assert second["depends_on"]["bot"] == {"condition": "service_healthy"}
    assert "ports" not in second  # no clash with the first's published port
    assert second["environment"] == compose()["services"]["bot"]["environment"]


# --- (c) the image's entry point, as a process -----------------------------------------------


def _can_build_without_isolation() -> bool:
    """setuptools builds wheels itself from 70.1; before that it needs the `wheel` package."""
    major, minor = (int(n) for n in version("setuptools").split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _build_wheel(work: Path) -> Path:
    """The wheel the Dockerfile builds, from the files the build context would hold."""
    context = work / "context"
    for relative in context_files(copied_sources(build_stage())):
        (context / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, context / relative)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
    command += ["--wheel-dir", str(work / "wheels"), str(context)]  # a path, never a name
    if _can_build_without_isolation():  # offline
        command.insert(4, "--no-build-isolation")
    else:  # the setuptools pyproject.toml asks for, from the package index
        command[4:4] = ["--timeout", "20", "--retries", "1"]
    built = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_SECONDS)
    if built.returncode != 0 and OFFLINE.search(built.stderr):
        pytest.skip(f"cannot fetch the build's setuptools here: {built.stderr.strip()[-300:]}")
    assert built.returncode == 0, f"the wheel does not build:\n{built.stderr}"
    (wheel,) = (work / "wheels").glob("socialpolicy_bot-*.whl")
    return wheel


def _install(wheel: Path, venv: Path) -> Path:
    """A fresh virtual environment holding the wheel; the dependencies are this one's (added
    after its own site-packages by a .pth file: installing them again would take minutes)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]  # this pip, for that venv
    install = [*pip, "install", "--quiet", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(install, check=True, capture_output=True, timeout=BUILD_SECONDS)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        env={},
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return venv / "bin"


@pytest.fixture
def deployment_database_url(tmp_path: Path) -> Iterator[str]:
    """As compose gives it: a new, empty PostgreSQL database (migrated by the bot as it starts)
    when TEST_DATABASE_URL is set, else a SQLite file."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'data' / 'bot.db'}"
        return
    name = _create_postgres_database(base)
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_postgres_database(base, name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _probe(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=10)


def test_the_image_entry_point_serves_healthz_and_stops_on_sigterm(
    tmp_path: Path, stand_in: SlackStandIn, deployment_database_url: str
) -> None:
    wheel = _build_wheel(tmp_path / "build")
    names = zipfile.ZipFile(wheel).namelist()
    assert "bot/policy/data/social-networking-policy.md" in names
    assert "store/migrations/env.py" in names and "store/migrations/script.py.mako" in names
    assert any(n.startswith("store/migrations/versions/0001_") for n in names)
    bin_dir = _install(wheel, tmp_path / "venv")

    final = final_stage()
    port = _free_port()
    (tmp_path / "data").mkdir()
    workdir = tmp_path / "app"  # the image's WORKDIR: empty, nothing of the checkout in it
    workdir.mkdir()
    env = {name: value for name, value in final.env().items() if name != "PATH"}
    env |= {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(workdir),
        # what compose.yaml and .env give the bot (HTTP mode; Slack is the loopback stand-in)
        "DATABASE_URL": deployment_database_url,
        "PORT": str(port),
        "SLACK_BOT_TOKEN": "xoxb-container",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": stand_in.api_url,
        "SLT_CHANNEL": "C0SLT0001",
        "POSTGRES_PASSWORD": "only-for-the-db-service",  # .env's, passed on and ignored
    }
    imported = _probe([str(bin_dir / "python"), "-c", "import bot; print(bot.__file__)"], env)
    assert imported.stdout.startswith(str(tmp_path / "venv")), "the wheel, not the checkout"

    entry = exec_form(final.one("ENTRYPOINT"))
    argv = [shutil.which(entry[0], path=env["PATH"]) or entry[0], *entry[1:]]
    argv += exec_form(final.one("CMD"))
    assert argv[0] == str(bin_dir / "socialpolicy-bot")
    _, check = healthcheck(final)
    down = _probe(check, env)  # nothing listens yet: unhealthy, in one line
    assert down.returncode == 1 and down.stderr.startswith("unhealthy: "), down.stderr

    log_path = tmp_path / "bot.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(argv, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        while (probe := _probe(check, env)).returncode != 0:
            assert process.poll() is None, f"the bot exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"never healthy: {probe.stderr}"
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.25)  # the pause between probes; ends if the bot exits
        sender = SlackSender(
            f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, stand_in.response_url()
        )
        answer = sender.command("can i follow an ex student on insta?").json()
    finally:
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=WAIT_SECONDS)
            pytest.fail(f"still running {STOP_SECONDS} s after SIGTERM:\n{log_path.read_text()}")
    stopped_in = time.monotonic() - stopping

    assert "Pupils and former pupils" in json.dumps(answer["blocks"])  # the bundled policy
    assert stand_in.to("auth.test"), "the token was checked with Slack"
    log = log_path.read_text()
    assert "Finished server process" in log and "Traceback" not in log, log
    # uvicorn re-raises SIGTERM once it has shut down (as PID 1 it is ignored: status 0)
    assert status in (0, -signal.SIGTERM), log
    assert stopped_in < STOP_SECONDS
    assert not list(workdir.iterdir()), "nothing written to the working folder"

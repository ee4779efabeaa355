"""Settings problems as whoever sets the bot up sees them: one line naming the setting and what
to do about it, exit status 2, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.app.settings import Settings, load_settings
from tests.slack_standin import SlackStandIn

# Every case starts from settings that would pass, then breaks one. The database cannot be opened
# (its folder does not exist), so a case that wrongly passed every check fails fast on a database
# error instead of starting a server.
VALID = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "test-signing-secret",
    "DATABASE_URL": "sqlite:///no-such-folder/bot.db",
}

# POLICY_PATH is read at a new install's first start, once the database is open (after that the
# policy is the database's live version): a database that opens, with no policy in it yet.
NEW_INSTALL = {"DATABASE_URL": "sqlite:///bot.db"}

# (environment changes, words the one line must contain): None unsets a setting.
CASES = [
    pytest.param(
        {"SLACK_BOT_TOKEN": None},
        ["SLACK_BOT_TOKEN is not set", "Bot User OAuth Token (xoxb-…)"],
        id="SLACK_BOT_TOKEN-missing",
    ),
    pytest.param(
        {"SLACK_BOT_TOKEN": "xoxp-a-user-token"},
        ["SLACK_BOT_TOKEN is not valid", "must start with xoxb-"],
        id="SLACK_BOT_TOKEN-not-a-bot-token",
    ),
    pytest.param(
        {"SLACK_SIGNING_SECRET": None},
        ["SLACK_SIGNING_SECRET is not set", "Signing Secret", "Socket Mode"],
        id="SLACK_SIGNING_SECRET-missing-in-HTTP-mode",
    ),
    pytest.param(
        {"SLACK_APP_TOKEN": "xoxb-the-bot-token-again"},
        ["SLACK_APP_TOKEN is not valid", "must start with xapp-"],
        id="SLACK_APP_TOKEN-malformed",
    ),
    pytest.param(
        {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "secret"},
        ["SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set", "unset SLACK_BOT_TOKEN"],
        id="OAuth-and-a-bot-token",
    ),
    pytest.param(
        {"SLACK_BOT_TOKEN": None, "SLACK_CLIENT_ID": "1111.2222"},
        ["SLACK_CLIENT_SECRET is not set", "Client Secret"],
        id="OAuth-without-its-secret",
    ),
    pytest.param(
        {
            "SLACK_BOT_TOKEN": None,
            "SLACK_CLIENT_ID": "1111.2222",
            "SLACK_CLIENT_SECRET": "secret",
            "SLACK_APP_TOKEN": "xapp-1-socket",
        },
        ["SLACK_APP_TOKEN and SLACK_CLIENT_ID are both set", "Socket Mode serves one workspace"],
        id="OAuth-in-Socket-Mode",
    ),
    pytest.param(
        {
            "SLACK_BOT_TOKEN": None,
            "SLACK_CLIENT_ID": "1111.2222",
            "SLACK_CLIENT_SECRET": "secret",
            "SLACK_INSTALL_REDIRECT_URL": "https://bot.example.org/install",
        },
        ["SLACK_INSTALL_REDIRECT_URL is not valid", "/slack/oauth_redirect"],
        id="OAuth-redirect-elsewhere",
    ),
    pytest.param(
        {"SLACK_API_URL": "slack.com/api"},
        ["SLACK_API_URL is not valid", "http(s) URL"],
        id="SLACK_API_URL-without-scheme",
    ),
    pytest.param(
        {"SLACK_API_URL": "ftp://slack.example/api/"},
        ["SLACK_API_URL is not valid", "http(s) URL"],
        id="SLACK_API_URL-ftp",
    ),
    pytest.param(
        {"DATABASE_URL": "the school server"},
        ["DATABASE_URL is not valid", "SQLAlchemy URL such as sqlite:///"],
        id="DATABASE_URL-not-a-url",
    ),
    pytest.param(
        {"DATABASE_URL": "postgresql+psycopg://bot@db:five/socialpolicy"},
        ["DATABASE_URL is not valid", "SQLAlchemy URL"],
        id="DATABASE_URL-bad-port",
    ),
    pytest.param(
        {"DATABASE_URL": "nonsense://x"},
        ["DATABASE_URL is not valid", "unknown kind of database 'nonsense'"],
        id="DATABASE_URL-unknown-dialect",
    ),
    pytest.param(
        {"DATABASE_URL": "mysql+mysqldb://bot@db/socialpolicy"},
        ["DATABASE_URL is not valid", "the mysql+mysqldb driver is not installed"],
        id="DATABASE_URL-driver-missing",
    ),
    pytest.param(
        {"DATABASE_URL": "sqlite:///"},
        ["DATABASE_URL is not valid", "in-memory SQLite"],
        id="DATABASE_URL-in-memory",
    ),
    pytest.param(
        {"DATABASE_URL": "sqlite://"},
        ["DATABASE_URL is not valid", "in-memory SQLite"],
        id="DATABASE_URL-in-memory-short",
    ),
    pytest.param(
        {**NEW_INSTALL, "POLICY_PATH": "policies/missing.md"},
        ["missing.md", "no such file or folder", "POLICY_PATH"],
        id="POLICY_PATH-missing-file",
    ),
    pytest.param(
        {**NEW_INSTALL, "POLICY_PATH": "policy.odt"},
        ["policy.odt", "unsupported file type .odt", "use .md, .txt, .docx, .pdf or .html"],
        id="POLICY_PATH-odt",
    ),
    pytest.param(
        {**NEW_INSTALL, "POLICY_PATH": "policy.pdf"},
        ["policy.pdf", "not a readable PDF", "export it as PDF again"],
        id="POLICY_PATH-broken-pdf",
    ),
    pytest.param(
        {"SLT_CHANNEL": "#slt"},
        ["SLT_CHANNEL is not valid", "'#slt' is not a channel id", "C0123456789"],
        id="SLT_CHANNEL-channel-name",
    ),
    pytest.param(
        {"MODERATORS_CHANNEL": "moderators"},
        ["MODERATORS_CHANNEL is not valid", "is not a channel id", "C0123456789"],
        id="MODERATORS_CHANNEL-channel-name",
    ),
    pytest.param(
        {"TIMEZONE": "GMT+1 London"},
        ["TIMEZONE is not valid", "unknown time zone", "Europe/London"],
        id="TIMEZONE-unknown",
    ),
    pytest.param(
        {"PORT": "eighty"},
        ["PORT is not valid", "a whole number between 1 and 65535"],
        id="PORT-not-a-number",
    ),
    pytest.param(
        {"PORT": "70000"},
        ["PORT is not valid", "a whole number between 1 and 65535"],
        id="PORT-too-high",
    ),
    pytest.param(
        {"PORT": "0"},
        ["PORT is not valid", "a whole number between 1 and 65535"],
        id="PORT-zero",
    ),
    pytest.param(
        {"LOG_LEVEL": "VERBOSE"},
        ["LOG_LEVEL is not valid", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL"],
        id="LOG_LEVEL-unknown",
    ),
    pytest.param(
        {"MODERATOR_USERS": "U0123ABCD,@mrs.jones"},
        ["MODERATOR_USERS is not valid", "'@mrs.jones' not a user id", "U0123ABCD,U0456EFGH"],
        id="MODERATOR_USERS-a-username",
    ),
    pytest.param(
        # One id a line in a quoted .env value, instead of commas: still one line of error.
        {"MODERATOR_USERS": "U0123ABCD\nU0456EFGH"},
        [
            "MODERATOR_USERS is not valid",
            r"'U0123ABCD\nU0456EFGH' not a user id",
            "comma-separated",
        ],
        id="MODERATOR_USERS-newline-separated",
    ),
    pytest.param(
        {"SLT_USERS": "headteacher"},
        ["SLT_USERS is not valid", "'headteacher' not a user id", "U0123ABCD,U0456EFGH"],
        id="SLT_USERS-a-name",
    ),
    pytest.param(
        {"MODERATOR_USERGROUP": "@moderators"},
        ["MODERATOR_USERGROUP is not valid", "is not a user group id", "S0123ABCD"],
        id="MODERATOR_USERGROUP-a-handle",
    ),
    pytest.param(
        {"HOLIDAY_REGION": "Cornwall"},
        ["HOLIDAY_REGION is not valid", "unknown region 'Cornwall'", "England, Wales"],
        id="HOLIDAY_REGION-unknown",
    ),
    pytest.param(
        {"WORKING_DAY_END": "5pm"},
        ["WORKING_DAY_END is not valid", "a time of day such as 17:00"],
        id="WORKING_DAY_END-5pm",
    ),
    pytest.param(
        {"REMINDER_SWEEP_SECONDS": "1"},
        ["REMINDER_SWEEP_SECONDS is not valid", "at least 5"],
        id="REMINDER_SWEEP_SECONDS-below-5",
    ),
    pytest.param(
        {"REMINDER_THRESHOLDS": "4x"},
        ["REMINDER_THRESHOLDS is not valid", "'4x' is not a duration", "such as 4h,1h or 30m"],
        id="REMINDER_THRESHOLDS-4x",
    ),
]


def _set_environment(monkeypatch: pytest.MonkeyPatch, changes: dict[str, str | None]) -> None:
    for name, value in {**VALID, **changes}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def _only_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, f"expected one line, got {text!r}"
    return lines[0]


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_a_bad_setting_is_one_line_and_exit_status_2(
    changes: dict[str, str | None],
    expected: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    (tmp_path / "policy.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "policy.odt").write_bytes(b"PK\x03\x04")
    _set_environment(monkeypatch, changes)

    status = main(["run"])

    out, err = capsys.readouterr()
    assert status == 2
    assert "Traceback" not in err
    assert out == ""
    line = _only_line(err)
    assert line.startswith("socialpolicy-bot: ")
    for words in expected:
        assert words in line


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    _set_environment(
        monkeypatch, {"SLACK_SIGNING_SECRET": None, "SLACK_APP_TOKEN": "xapp-1-socket"}
    )

    settings = load_settings(Settings)

    assert settings.socket_mode
    assert settings.slack_signing_secret is None


def test_oauth_needs_no_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    _set_environment(
        monkeypatch,
        {"SLACK_BOT_TOKEN": None, "SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "s"},
    )

    settings = load_settings(Settings)

    assert settings.slack_oauth and settings.slack_on and not settings.socket_mode


def test_settings_are_read_from_dot_env_in_the_working_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-dot-env\n"
        "SLACK_SIGNING_SECRET=from-dot-env\n"
        "PORT=three thousand\n",
        encoding="utf-8",
    )

    status = main(["run"])

    err = capsys.readouterr().err
    assert status == 2
    assert "PORT is not valid" in _only_line(err)


def test_python_m_bot_run_with_a_bad_setting_exits_2_with_one_line(tmp_path: Path) -> None:
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PORT": "http"}

    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert _only_line(result.stderr).startswith("socialpolicy-bot: PORT is not valid")


@pytest.fixture
def live_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stand_in: SlackStandIn
) -> Iterator[int]:
    """Settings that pass every check, against the Slack stand-in, on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _set_environment(
        monkeypatch,
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "SLACK_API_URL": stand_in.api_url,
            "SLT_CHANNEL": "C0SLT00001",
            "PORT": str(port),
        },
    )
    yield port


def test_a_token_slack_refuses_stops_the_start_before_anything_is_sent(
    live_environment: int, stand_in: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_in.refusals["auth.test"] = "invalid_auth"

    status = main(["run"])

    line = _only_line(capsys.readouterr().err)
    assert status == 2
    assert "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)" in line
    assert [c.method for c in stand_in.calls] == ["auth.test"]


def test_a_port_in_use_stops_the_start_before_anything_is_sent(
    live_environment: int, stand_in: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", live_environment))
        taken.listen()

        status = main(["run"])

    line = _only_line(capsys.readouterr().err)
    assert status == 2
    assert f"PORT {live_environment} is already in use" in line
    assert stand_in.calls == []

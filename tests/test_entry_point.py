"""`make run` starts the bot through the installed `socialpolicy-bot` command: it must exist and
reach the bot's own command line."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path


def test_the_installed_command_is_the_bots_command_line() -> None:
    (script,) = entry_points(group="console_scripts", name="socialpolicy-bot")
    assert script.load().__module__ == "bot.app.cli"


def test_the_command_runs() -> None:
    command = Path(sys.executable).parent / "socialpolicy-bot"
    done = subprocess.run([command, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "run" in done.stdout and "ask" in done.stdout

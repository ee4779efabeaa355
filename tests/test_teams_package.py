"""The Teams app package: the manifest follows Teams' rules, and the zip is ready to upload."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.app.teams_package import PLACEHOLDER, TEAMS_FOLDER, build, validate

APP_ID = "5f0c8c1e-3a2b-4c5d-8e9f-0a1b2c3d4e5f"


def manifest() -> dict:
    text = (TEAMS_FOLDER / "manifest.json").read_text(encoding="utf-8")
    return json.loads(text.replace(PLACEHOLDER, APP_ID))


def test_the_shipped_manifest_is_valid() -> None:
    shipped = manifest()

    assert validate(shipped, TEAMS_FOLDER) == []
    bot = shipped["bots"][0]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    for commands in bot["commandLists"]:
        titles = [c["title"] for c in commands["commands"]]
        assert titles[:4] == ["socialpolicy", "log", "report", "pending"] and titles[-1] == "help"
    personal = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert {"acknowledge", "review", "apply", "accounts"} <= set(personal)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(version="1.0"), "version must be like 1.0.0"),
        (lambda m: m.update(id="not-a-guid"), "id must be the app's GUID"),
        (lambda m: m["name"].update(short="x" * 31), "name.short is over 30 characters"),
        (lambda m: m.update(accentColor="blue"), "accentColor"),
        (lambda m: m["bots"][0].update(scopes=["everyone"]), "bots[0].scopes"),
        (
            lambda m: m["bots"][0]["commandLists"][0]["commands"].extend(
                [{"title": f"c{i}", "description": "d"} for i in range(6)]
            ),
            "1 to 10 commands",
        ),
        (
            lambda m: m["bots"][0]["commandLists"][0]["commands"][0].update(title="t" * 33),
            "command title is over 32 characters",
        ),
        (lambda m: m["icons"].update(color="outline.png"), "icons.color must be 192x192"),
    ],
)
def test_broken_manifests_are_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    broken = manifest()
    change(broken)

    assert any(message in error for error in validate(broken, TEAMS_FOLDER))


def test_the_package_command_zips_manifest_and_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    out = tmp_path / "app.zip"

    assert main(["teams-package", "--out", str(out)]) == 0

    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        packaged = json.loads(package.read("manifest.json"))
    assert packaged["id"] == APP_ID and packaged["bots"][0]["botId"] == APP_ID
    assert build(APP_ID, tmp_path / "again.zip").exists()


def test_the_package_command_needs_the_app_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["teams-package", "--out", "x.zip"]) == 2
    assert capsys.readouterr().err.startswith("socialpolicy-bot: TEAMS_APP_ID is not set")
    assert not Path("x.zip").exists()

"""`teams/manifest.json` against Microsoft's published schema for its `manifestVersion`."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from bot.app.teams_package import PLACEHOLDER, TEAMS_FOLDER

CONTRACTS = Path(__file__).resolve().parent / "contracts" / "teams"
APP_ID = "5f0c8c1e-3a2b-4c5d-8e9f-0a1b2c3d4e5f"


def manifest() -> dict[str, Any]:
    text = (TEAMS_FOLDER / "manifest.json").read_text(encoding="utf-8")
    return json.loads(text.replace(PLACEHOLDER, APP_ID))


def problems(candidate: dict[str, Any]) -> list[str]:
    version = candidate["manifestVersion"]
    schema = json.loads((CONTRACTS / f"MicrosoftTeams.schema.{version}.json").read_text())
    return [error.message for error in Draft4Validator(schema).iter_errors(candidate)]


def test_the_shipped_manifest_passes_microsofts_schema() -> None:
    assert problems(manifest()) == []


@pytest.mark.parametrize(
    "break_it",
    [
        lambda m: m["name"].update(short="x" * 31),
        lambda m: m["bots"][0].update(scopes=["everyone"]),
        lambda m: m.pop("developer"),
    ],
    ids=["short name over 30", "unknown bot scope", "no developer"],
)
def test_the_schema_refuses_a_broken_manifest(break_it: Any) -> None:
    broken = copy.deepcopy(manifest())
    break_it(broken)
    assert problems(broken)

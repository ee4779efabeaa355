"""The Teams app package: `teams/manifest.json` and its two icons, zipped with the school's app id.

The manifest is checked against the rules of Microsoft's Teams app manifest schema (v1.19) that an
upload would otherwise reject, so a mistake shows here and not in the Teams admin centre.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

TEAMS_FOLDER = Path(__file__).resolve().parents[2] / "teams"
PLACEHOLDER = "${TEAMS_APP_ID}"
SCOPES = {"personal", "team", "groupChat"}
ICON_SIZES = {"color": (192, 192), "outline": (32, 32)}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class ManifestError(Exception):
    """The manifest would be refused by Teams; the message names the field."""


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ManifestError(f"{path.name} is not a PNG image")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def _limit(errors: list[str], where: str, value: Any, limit: int) -> None:
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{where} is required")
    elif len(value) > limit:
        errors.append(f"{where} is over {limit} characters")


def validate(manifest: dict[str, Any], folder: Path) -> list[str]:
    """Every rule the manifest breaks (empty when Teams would accept it)."""
    errors: list[str] = []
    if not _SEMVER.match(str(manifest.get("version", ""))):
        errors.append("version must be like 1.0.0")
    if not _GUID.match(str(manifest.get("id", ""))):
        errors.append("id must be the app's GUID")
    _limit(errors, "name.short", manifest.get("name", {}).get("short"), 30)
    _limit(errors, "name.full", manifest.get("name", {}).get("full"), 100)
    _limit(errors, "description.short", manifest.get("description", {}).get("short"), 80)
    _limit(errors, "description.full", manifest.get("description", {}).get("full"), 4000)
    if not _COLOUR.match(str(manifest.get("accentColor", ""))):
        errors.append("accentColor must be like #2C4A6E")
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        if not str(manifest.get("developer", {}).get(key, "")).startswith("https://"):
            errors.append(f"developer.{key} must be an https address")
    for kind, size in ICON_SIZES.items():
        icon = folder / str(manifest.get("icons", {}).get(kind, ""))
        if not icon.is_file():
            errors.append(f"icons.{kind} file is missing")
        elif _png_size(icon) != size:
            errors.append(f"icons.{kind} must be {size[0]}x{size[1]} pixels")
    bots = manifest.get("bots", [])
    if len(bots) != 1:
        errors.append("exactly one bot is expected")
    for bot in bots:
        if bot.get("botId") != manifest.get("id"):
            errors.append("bots[0].botId must equal id")
        scopes = set(bot.get("scopes", []))
        if not scopes or not scopes <= SCOPES:
            errors.append("bots[0].scopes must be among personal, team, groupChat")
        for number, commands in enumerate(bot.get("commandLists", [])):
            where = f"bots[0].commandLists[{number}]"
            if not set(commands.get("scopes", [])) <= scopes:
                errors.append(f"{where}.scopes must be among the bot's scopes")
            listed = commands.get("commands", [])
            if not 1 <= len(listed) <= 10:
                errors.append(f"{where} must have 1 to 10 commands")
            for command in listed:
                _limit(errors, f"{where} command title", command.get("title"), 32)
                _limit(errors, f"{where} command description", command.get("description"), 128)
    return errors


def build(app_id: str, out: Path, folder: Path = TEAMS_FOLDER) -> Path:
    """Write the upload-ready zip: manifest.json (with the app id) and the two icons."""
    text = (folder / "manifest.json").read_text(encoding="utf-8").replace(PLACEHOLDER, app_id)
    manifest = json.loads(text)
    errors = validate(manifest, folder)
    if errors:
        raise ManifestError("; ".join(errors))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", text)
        for kind in ICON_SIZES:
            name = manifest["icons"][kind]
            package.write(folder / name, name)
    return out

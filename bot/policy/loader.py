"""Find the school's policy files and parse them into one `PolicySet`, or say plainly why not.

Whoever sets the bot up points it at a file or a folder; when that goes wrong, the error must tell
them, in one line, which file is the problem and what to do about it.
"""

from __future__ import annotations

import codecs
import hashlib
import zipfile
from dataclasses import replace
from pathlib import Path

from bot.policy.document import PolicyDocument, PolicySet
from bot.policy.reading.docx import parse_docx
from bot.policy.reading.markdown import parse_markdown
from bot.policy.reading.plaintext import parse_plain_text

_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_TEXT_SUFFIXES = _MARKDOWN_SUFFIXES | {".txt"}
_DOCX_SUFFIX = ".docx"
_PDF_SUFFIX = ".pdf"
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_SUPPORTED = _TEXT_SUFFIXES | {_DOCX_SUFFIX, _PDF_SUFFIX} | _HTML_SUFFIXES
_USE_SUPPORTED = "use .md, .txt, .docx, .pdf or .html"
# How python-docx fails on a damaged .docx: not a zip, parts missing, not a Word package
# (ValueError), broken XML (lxml raises a SyntaxError).
_DOCX_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, SyntaxError)


class PolicyLoadError(Exception):
    """A policy file the bot cannot use. Its message is one line an administrator can act on."""

    def __init__(self, path: Path, problem: str, remedy: str) -> None:
        super().__init__(f"{path}: {problem} — {remedy}")
        self.path = path


def default_policy_path() -> Path:
    """The policy shipped with the bot, used until the school configures its own."""
    return Path(__file__).resolve().parent / "data" / "social-networking-policy.md"


def load_policies(path: Path) -> PolicySet:
    """Every policy in a file or folder; each document's keys get its own "n." prefix."""
    return PolicySet(
        [_load(file, key_prefix=f"{n}.") for n, file in enumerate(_policy_files(path), start=1)]
    )


def _policy_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(filter(_is_policy_file, path.iterdir()), key=lambda p: p.name.casefold())
        if not files:
            raise PolicyLoadError(
                path,
                "no .md, .markdown, .txt, .docx, .pdf or .html files in this folder",
                "add the policy here",
            )
        return files
    if not path.exists():
        raise PolicyLoadError(
            path, "no such file or folder", "check the path (the POLICY_PATH setting, or --policy)"
        )
    if not _supported(path):
        raise PolicyLoadError(
            path, f"unsupported file type {path.suffix or '(none)'}", _USE_SUPPORTED
        )
    return [path]


def _is_policy_file(path: Path) -> bool:
    """Skips hidden files and the `~$name.docx` lock files Word leaves beside open documents."""
    return path.is_file() and not path.name.startswith((".", "~$")) and _supported(path)


def _supported(path: Path) -> bool:
    return path.suffix.lower() in _SUPPORTED


def _load(path: Path, *, key_prefix: str) -> PolicyDocument:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolicyLoadError(
            path, f"cannot be read ({error.strerror})", "check its permissions"
        ) from error
    return _parse(path, raw, key_prefix=key_prefix)


def load_policy_file(name: str, raw: bytes) -> PolicySet:
    """One policy file's bytes (an upload, or a version kept in the database), read by its
    name's suffix as `load_policies` reads a file on disk."""
    path = Path(Path(name).name or "policy")
    if not _supported(path):
        raise PolicyLoadError(
            path, f"unsupported file type {path.suffix or '(none)'}", _USE_SUPPORTED
        )
    return PolicySet([_parse(path, raw, key_prefix="1.")])


def _parse(path: Path, raw: bytes, *, key_prefix: str) -> PolicyDocument:
    if not raw.strip():
        raise PolicyLoadError(path, "the file is empty", "export the policy into it again")
    suffix = path.suffix.lower()
    if suffix == _DOCX_SUFFIX:
        document = _parse_docx(path, raw, key_prefix=key_prefix)
    elif suffix == _PDF_SUFFIX:
        document = _parse_pdf(path, raw, key_prefix=key_prefix)
    elif suffix in _HTML_SUFFIXES:
        # Imported when needed: Beautiful Soup takes 0.3 s to import, which a bot whose policy
        # is Markdown need not spend at start-up.
        from bot.policy.reading.html import parse_html

        document = parse_html(raw, source=path, key_prefix=key_prefix)
    else:
        # Hash the bytes on disk: the decoded text need not encode back to them.
        parse = parse_markdown if path.suffix.lower() in _MARKDOWN_SUFFIXES else parse_plain_text
        parsed = parse(_decode(path, raw), source=path, key_prefix=key_prefix)
        document = replace(parsed, content_hash=hashlib.sha256(raw).hexdigest())
    if not any(section.passages for section in document.sections):
        raise PolicyLoadError(path, "no policy text found in it", "check it is the policy itself")
    return document


def _parse_docx(path: Path, raw: bytes, *, key_prefix: str) -> PolicyDocument:
    try:
        return parse_docx(path, key_prefix=key_prefix, data=raw)
    except _DOCX_ERRORS as error:
        raise PolicyLoadError(
            path, "not a readable Word document", "open it in Word and save it again as .docx"
        ) from error


def _parse_pdf(path: Path, raw: bytes, *, key_prefix: str) -> PolicyDocument:
    # Imported when needed, as Beautiful Soup is: pdfplumber takes 0.3 s to import.
    from bot.policy.reading.pdf import PDFReadError, ScannedPDFError, parse_pdf

    try:
        return parse_pdf(raw, source=path, key_prefix=key_prefix)
    except ScannedPDFError as error:
        raise PolicyLoadError(
            path,
            "a scanned PDF with no text in it (pictures of pages)",
            "export the policy from the original document as PDF, or run it through OCR first",
        ) from error
    except PDFReadError as error:
        if error.password:
            raise PolicyLoadError(
                path, "the PDF is password-protected", "save a copy without a password"
            ) from error
        raise PolicyLoadError(
            path, "not a readable PDF", "open it and save or export it as PDF again"
        ) from error


def _decode(path: Path, raw: bytes) -> str:
    for encoding in _encodings(raw):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PolicyLoadError(
        path,
        "not a text file (it holds binary data)",
        f"save the policy again and {_USE_SUPPORTED}",
    )


def _encodings(raw: bytes) -> tuple[str, ...]:
    """Encodings Windows tools save text in: UTF-8 (with or without a BOM), UTF-16, Windows-1252."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Word's "Unicode Text"
        return ("utf-16",)
    if b"\x00" in raw:  # no 8-bit text has NUL bytes
        return ()
    return ("utf-8-sig", "cp1252")

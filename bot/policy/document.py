"""The parsed shape of a policy: documents made of sections made of passages.

A section is identified by its key, never by its heading text, because the same heading
(e.g. "Staff") can appear under two different parents in one document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Passage:
    """One paragraph, bullet or table row: the unit an answer quotes."""

    text: str
    # The lead-in the passage depends on: the paragraph introducing a list ("Key words to
    # consider are:") or the parent bullet of a nested one. Searched, and shown with the passage.
    context: str | None = None


@dataclass
class Section:
    """The passages directly under one heading (not those under its sub-headings)."""

    key: str
    document_title: str
    path: tuple[str, ...]
    passages: list[Passage] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.path[-1] if self.path else self.document_title

    @property
    def path_text(self) -> str:
        return PATH_SEPARATOR.join(self.path) if self.path else self.document_title


@dataclass
class PolicyDocument:
    title: str
    source: Path
    sections: list[Section]
    content_hash: str
    review_date: str | None = None

    @property
    def version(self) -> str:
        """What staff are told an answer came from: the review date if the document gives one."""
        if self.review_date:
            return f"review due {self.review_date}"
        return f"version {self.content_hash[:8]}"


@dataclass
class PolicySet:
    """Every policy document the school has configured, searched together."""

    documents: list[PolicyDocument]

    @property
    def sections(self) -> list[Section]:
        return [s for d in self.documents for s in d.sections]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def version(self) -> str:
        return "; ".join(
            d.version if len(self.documents) == 1 else f"{d.title}: {d.version}"
            for d in self.documents
        )

    @property
    def version_key(self) -> str:
        """Changes whenever any document's content does: what an acknowledgement is stamped with."""
        combined = "".join(d.content_hash for d in self.documents)
        return hashlib.sha256(combined.encode()).hexdigest()[:16]

"""What changed between two versions of the policy, section by section: those added, removed,
and those whose passages differ, each named by its heading path below the document's title."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.policy.document import PATH_SEPARATOR, PolicySet, Section


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def none(self) -> bool:
        return not (self.added or self.removed or self.changed)


def heading(section: Section) -> str:
    """A section's heading path below its document's title (the title itself for text above
    the first heading), as a reader finds it."""
    return PATH_SEPARATOR.join(section.path[1:]) or section.title


def _by_heading(policies: PolicySet) -> dict[str, tuple[str, ...]]:
    """Each section with text, by heading; a repeated heading path gets " (2)", " (3)"…"""
    seen: Counter[str] = Counter()
    found: dict[str, tuple[str, ...]] = {}
    for section in policies.sections:
        if not section.passages:
            continue
        name = heading(section)
        seen[name] += 1
        key = name if seen[name] == 1 else f"{name} ({seen[name]})"
        found[key] = tuple(" ".join(p.text.split()) for p in section.passages)
    return found


def compare(old: PolicySet, new: PolicySet) -> Changes:
    before, after = _by_heading(old), _by_heading(new)
    return Changes(
        added=tuple(name for name in after if name not in before),
        removed=tuple(name for name in before if name not in after),
        changed=tuple(name for name in after if name in before and before[name] != after[name]),
    )

"""What the front ends ask of the policy: answers, sections and the list of topics."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.policy.document import PATH_SEPARATOR, PolicySet, Section
from bot.policy.search import Answer, PolicyIndex

MAX_QUESTION_CHARS = 300
SECTION_MATCH_CUTOFF = 70


@dataclass(frozen=True)
class Asked:
    """An answer with what the user should be told about their question itself."""

    answer: Answer
    truncated: bool


class PolicyService:
    """One version of the policy, parsed and indexed (`bot.policy.live.LivePolicy` is the one
    the bot runs on: whichever version is live)."""

    def __init__(self, policies: PolicySet) -> None:
        self._policies = policies
        self._index = PolicyIndex(policies)

    @property
    def policies(self) -> PolicySet:
        return self._policies

    @property
    def index(self) -> PolicyIndex:
        return self._index

    @property
    def version(self) -> str:
        return self.policies.version

    def current(self) -> PolicyService:
        """The version to answer from: this one (the live policy's is whichever is live), for
        a caller that needs several things from one version."""
        return self

    def ask(self, question: str) -> Asked:
        """Answer a question; an over-long one is read up to `MAX_QUESTION_CHARS`."""
        text = " ".join(question.split())
        truncated = len(text) > MAX_QUESTION_CHARS
        if truncated:
            text = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
        return Asked(answer=self.index.search(text), truncated=truncated)

    def topics(self) -> list[Section]:
        """Every section worth opening: those with text of their own."""
        return [s for s in self.policies.sections if s.passages]

    def section(self, key: str) -> Section | None:
        return self.policies.section(key)

    def find_section(self, name: str) -> Section | None:
        """The section a user means by a (partial, misspelt) heading name.

        Matched against each section's own heading and its path below the document title, so
        a long title doesn't drown a short name.
        """
        topics = self.topics()
        if not topics or not name.strip():
            return None
        wanted = name.strip().lower()

        def closeness(section: Section) -> float:
            below_title = PATH_SEPARATOR.join(section.path[1:]) or section.title
            return max(
                fuzz.WRatio(wanted, section.title.lower()),
                fuzz.WRatio(wanted, below_title.lower()),
            )

        best = max(topics, key=closeness)
        return best if closeness(best) >= SECTION_MATCH_CUTOFF else None

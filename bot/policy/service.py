"""What the front ends ask of the policy: answers, sections and the list of topics."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.policy.document import PolicySet, Section
from bot.policy.search import Answer, PolicyIndex

MAX_QUESTION_CHARS = 300


@dataclass(frozen=True)
class Asked:
    """An answer with what the user should be told about their question itself."""

    answer: Answer
    truncated: bool


class PolicyService:
    def __init__(self, policies: PolicySet) -> None:
        self.policies = policies
        self.index = PolicyIndex(policies)

    @property
    def version(self) -> str:
        return self.policies.version

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
        """The section a user means by a (partial, misspelt) heading name."""
        topics = self.topics()
        if not topics or not name.strip():
            return None
        choices = {s.key: s.path_text for s in topics}
        match = process.extractOne(
            name.lower(),
            {k: v.lower() for k, v in choices.items()},
            scorer=fuzz.WRatio,
            score_cutoff=70,
        )
        return self.policies.section(match[2]) if match else None

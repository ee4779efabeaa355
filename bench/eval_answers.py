"""How often `/socialpolicy` finds the right passage of real schools' policies.

Run from the repository root as `python bench/eval_answers.py` (or `make eval`). For every
document in tests/data/policies it asks the staff questions written for it, and prints per
document and pooled, for the development half and the held-back half separately:

  * top-1: the first passage shown quotes the expected answer;
  * top-3: one of the passages shown does;
  * confident right: of the answers the bot marked confident, the share that are right (an
    off-topic question answered confidently counts as wrong);
  * off-topic declined: off-topic questions the bot did not answer as if the policy covered them;

beside the same figures for a plain BM25 baseline (bm25s with an English stemmer over
"heading path + passage", the same passages) run in the same command. It asserts nothing.

A passage "quotes" an answer when the answer's words appear in it in order, allowing for the
small differences text extraction makes (a fuzzy partial match of at least `QUOTE_MATCH`); so
grading does not depend on where a reader happens to split sections.

`--misses` lists the development half's misses, to study; the held-back half's are never shown.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a script: make the repository root importable, as `-m` does
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import re
import statistics
import time
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np
import Stemmer
from rapidfuzz import fuzz

from bot.policy.document import Passage, PolicySet, Section
from bot.policy.loader import PolicyLoadError, load_policies
from bot.policy.search import PolicyIndex

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "policies"
QUOTE_MATCH = 90
LONG_DOCUMENT_CHARS = 15_000
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...]  # empty: off topic

    @property
    def off_topic(self) -> bool:
        return not self.answers


@dataclass(frozen=True)
class Shown:
    """What a searcher showed for one question: passages best first, and whether it was sure."""

    passages: Sequence[tuple[Section, Passage]]
    confident: bool


@dataclass
class Tally:
    asked: int = 0
    top1: int = 0
    top3: int = 0
    confident: int = 0
    confident_right: int = 0
    off_topic: int = 0
    declined: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("asked", "top1", "top3", "confident", "confident_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.off_topic += other.off_topic
        self.declined += other.declined

    def cells(self) -> list[str]:
        return [
            f"{_share(self.top1, self.asked)}",
            f"{_share(self.top3, self.asked)}",
            f"{_share(self.confident_right, self.confident)}",
            f"{_share(self.declined, self.off_topic)}",
        ]


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.0%}" if whole else "–"


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("‘", "'")
    return _NOT_WORD.sub(" ", folded).strip()


def quotes(passage: Passage, answer: str) -> bool:
    shown = normalise(f"{passage.context or ''} {passage.text}")
    wanted = normalise(answer)
    return wanted in shown or fuzz.partial_ratio(wanted, shown) >= QUOTE_MATCH


def right(question: Question, passage: tuple[Section, Passage]) -> bool:
    return any(quotes(passage[1], answer) for answer in question.answers)


def grade(question: Question, shown: Shown, tally: Tally) -> None:
    if question.off_topic:
        tally.off_topic += 1
        tally.declined += not shown.confident
        tally.confident += shown.confident
        if shown.confident:
            tally.misses.append(f"  off-topic answered: {question.text!r}")
        return
    tally.asked += 1
    first = bool(shown.passages) and right(question, shown.passages[0])
    tally.top1 += first
    tally.top3 += any(right(question, p) for p in shown.passages[:3])
    if shown.confident:
        tally.confident += 1
        tally.confident_right += first
    if not first:
        got = shown.passages[0][0].path_text if shown.passages else "nothing"
        sure = "confident" if shown.confident else "unsure"
        tally.misses.append(f"  {question.text!r} → {got} ({sure})")


class Baseline:
    """Plain BM25 over heading path + passage, English stemmer and stop words, top 3."""

    def __init__(self, policies: PolicySet) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._passages = [(s, p) for s in policies.sections for p in s.passages]
        texts = [f"{' '.join(s.path)} {p.context or ''} {p.text}" for s, p in self._passages]
        self._index = bm25s.BM25()
        self._index.index(self._tokens(texts), show_progress=False)

    def _tokens(self, texts: list[str]) -> bm25s.tokenization.Tokenized:
        return bm25s.tokenize(texts, stopwords="en", stemmer=self._stemmer, show_progress=False)

    def search(self, question: str) -> Shown:
        tokens = self._tokens([question])
        if not tokens.vocab:
            return Shown([], confident=True)
        scores = self._index.get_scores([t for t in tokens.vocab])
        order = np.argsort(-scores, kind="stable")[:3]
        return Shown([self._passages[i] for i in order if scores[i] > 0], confident=True)


class Bot:
    def __init__(self, policies: PolicySet) -> None:
        self._index = PolicyIndex(policies)

    def search(self, question: str) -> Shown:
        answer = self._index.search(question)
        return Shown([(h.section, h.passage) for h in answer.hits], answer.confident)


@dataclass(frozen=True)
class Document:
    name: str
    path: Path
    questions: tuple[Question, ...]


def documents(names: Iterable[str]) -> list[Document]:
    found = []
    for name in names:
        data = tomllib.loads((CORPUS / name / "questions.toml").read_text(encoding="utf-8"))
        questions = tuple(
            Question(q["text"], () if q.get("off_topic") else (q["answer"], *q.get("also", ())))
            for q in data["question"]
        )
        found.append(Document(name, CORPUS / name / data["document"]["file"], questions))
    return found


@dataclass
class Result:
    document: Document
    characters: int
    bot: Tally
    baseline: Tally
    error: str | None = None
    load_seconds: float = 0.0
    search_ms: list[float] = field(default_factory=list)


def run(document: Document) -> Result:
    started = time.perf_counter()
    try:
        policies = load_policies(document.path)
    except PolicyLoadError as error:
        return Result(document, 0, Tally(), Tally(), error=str(error).split(" — ")[0])
    characters = sum(len(p.text) for s in policies.sections for p in s.passages)
    result = Result(document, characters, Tally(), Tally())
    result.load_seconds = time.perf_counter() - started
    bot = Bot(policies)
    for question in document.questions:
        asked = time.perf_counter()
        shown = bot.search(question.text)
        result.search_ms.append((time.perf_counter() - asked) * 1000)
        grade(question, shown, result.bot)
    baseline = Baseline(policies)
    for question in document.questions:
        grade(question, baseline.search(question.text), result.baseline)
    return result


def speed(results: Sequence[Result]) -> None:
    """Reading each document, and searching the longest (each question asked after a warm-up)."""
    read = [r for r in results if not r.error]
    slowest = max(read, key=lambda r: r.load_seconds)
    longest = max(read, key=lambda r: r.characters)
    times = sorted(longest.search_ms[1:] or longest.search_ms)
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    print(f"Slowest to read: {slowest.document.name} ({slowest.document.path.suffix}) in ")
    print(
        f"{slowest.load_seconds:.2f} s. Search on the longest ({longest.characters:,} characters):"
    )
    print(f"median {statistics.median(times):.2f} ms, p99 {p99:.2f} ms per question.")


HEADER = "| document | chars | top-1 | top-3 | confident right | off-topic declined |"
RULE = "|---|---:|---|---|---|---|"


def table(title: str, results: Sequence[Result]) -> tuple[Tally, Tally]:
    print(f"\n### {title}\n")
    print(HEADER)
    print(RULE)
    pooled, pooled_baseline = Tally(), Tally()
    for result in results:
        name = result.document.name
        if result.error:
            print(f"| {name} | – | cannot read: {result.error} | | | |")
            continue
        print(f"| {name} | {result.characters:,} | " + " | ".join(result.bot.cells()) + " |")
        print("| ↳ BM25 | | " + " | ".join(result.baseline.cells()) + " |")
        pooled.add(result.bot)
        pooled_baseline.add(result.baseline)
    print("| **pooled** | | " + " | ".join(pooled.cells()) + " |")
    print("| ↳ BM25 | | " + " | ".join(pooled_baseline.cells()) + " |")
    long = [r for r in results if r.characters >= LONG_DOCUMENT_CHARS]
    beaten = [r for r in long if r.bot.top1 > r.baseline.top1]
    print(f"\nLong documents (≥{LONG_DOCUMENT_CHARS:,} characters) where the bot's top-1 beats")
    print(f"BM25's: {len(beaten)} of {len(long)}")
    return pooled, pooled_baseline


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the development misses")
    args = parser.parse_args(argv)
    split = tomllib.loads((CORPUS / "split.toml").read_text(encoding="utf-8"))
    started = time.perf_counter()
    everything: list[Result] = []
    for half in ("development", "held_back"):
        results = [run(d) for d in documents(split[half])]
        everything += results
        title = "Development half" if half == "development" else "Held-back half (never tuned on)"
        table(title, results)
        if args.misses and half == "development":
            for result in results:
                if result.bot.misses:
                    print(f"\n{result.document.name}:")
                    print("\n".join(result.bot.misses))
    print()
    speed(everything)
    print(f"\n({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()

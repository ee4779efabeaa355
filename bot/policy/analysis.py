"""Turning policy text and casual questions into comparable search terms.

Documents and questions share one pipeline (lower-case, British spellings, stop words out,
Snowball stemming, synonym groups as extra terms). Questions additionally get shorthand
expanded and typos repaired against the documents' own words (see `vocabulary`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS
from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from bot.policy.vocabulary import (
    CONTEXT_WORDS,
    GENERIC_WORDS,
    PHRASES,
    QUESTION_FILLER,
    SHORTHAND,
    SYNONYM_GROUPS,
)

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_AMERICAN_ZE = re.compile(r"iz(e|es|ed|ing|ation|ations)\b")
_STOPWORDS = frozenset(STOPWORDS_EN_PLUS)
# Words at least this common in English (Zipf scale: 3 ≈ once per million words) are taken as
# meant, not as typos of a policy word ("lunch" is not "launch").
REAL_WORD_ZIPF = 3.0


def zipf(word: str) -> float:
    """How common `word` is in English (Zipf scale; 0 when rarer than once per million words).

    wordfreq's small list holds exactly the words at least that common, which is all either
    use here needs (the typo threshold above, and rarity in search, which treats every rarer
    word alike); its full list would cost the running bot 33 MB more for the same answers."""
    return zipf_frequency(word, "en", wordlist="small")


# How much a word that merely sets the scene ("on Facebook", "the school page") counts.
CONTEXT_WEIGHT = 0.3
_local = threading.local()


def english_stemmer() -> Stemmer.Stemmer:
    """This thread's English Snowball stemmer: they are not thread-safe, so one per thread."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def _stem(word: str) -> str:
    return english_stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """Lower-case words of a text, accents folded and American -ize spelt -ise."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = _AMERICAN_ZE.sub(r"is\1", folded.replace("’", "'"))
    return [w.removesuffix("'s").replace("'", "") for w in _WORD.findall(folded)]


def _rephrase(text: str) -> list[str]:
    """Words with everyday phrases ("set up", "keep an eye on") replaced by one word."""
    joined = f" {' '.join(words(text))} "
    for phrase, meaning in PHRASES.items():
        joined = joined.replace(f" {phrase} ", f" {meaning} ")
    return joined.split()


# Each synonym group is also indexed as one pseudo-term ("~3"), so a group is scored like a
# single word with the combined frequency of its members (as Lucene's synonym queries do): a
# synonym that happens to be rare cannot outscore the common word the user actually typed.
_GROUPS_BY_STEM: dict[str, list[str]] = {}
for _number, _group in enumerate(SYNONYM_GROUPS):
    for _member in {_stem(w) for w in _group}:
        _GROUPS_BY_STEM.setdefault(_member, []).append(f"~{_number}")


def document_terms(text: str) -> list[str]:
    """A text's search terms: each word's stem, followed by its synonym groups."""
    terms: list[str] = []
    for word in _rephrase(text):
        if word in _STOPWORDS:
            continue
        stem = _stem(word)
        terms.append(stem)
        terms.extend(_GROUPS_BY_STEM.get(stem, ()))
    return terms


@dataclass(frozen=True)
class Concept:
    """One meaningful word of a question: its own stem and the synonym groups it belongs to."""

    word: str
    stem: str
    groups: tuple[str, ...]
    weight: float = 1.0
    specific: bool = True  # says what the question is about, unlike "staff" or "today"


class QuestionAnalyzer:
    """Reads questions against the vocabulary of one set of documents."""

    def __init__(self, document_words: Iterable[str]) -> None:
        targets = set(document_words) | {w for g in SYNONYM_GROUPS for w in g}
        self._known = targets | set(SHORTHAND)
        # Only longer words are worth repairing to: a short one has too many near neighbours.
        self._repair_candidates = sorted(w for w in targets if len(w) >= 4)
        zipf("policy")  # loads the word list now, not on someone's question

    def _repair(self, word: str) -> str:
        """A misspelling becomes the document's nearest word; real English words stay as typed."""
        if word in self._known or len(word) < 5 or word.isdigit():
            return word
        if zipf(word) >= REAL_WORD_ZIPF:
            return word
        match = process.extractOne(
            word, self._repair_candidates, scorer=fuzz.ratio, score_cutoff=80
        )
        return match[0] if match else word

    def concepts(self, question: str) -> list[Concept]:
        expanded = " ".join(SHORTHAND.get(w, w) for w in _rephrase(question))
        seen: set[str] = set()
        result: list[Concept] = []
        for raw in words(expanded):
            if raw in _STOPWORDS or raw in QUESTION_FILLER:
                continue
            if raw.isdigit() and raw not in self._known:
                continue  # "year 11", "room 5": a number the policy never mentions says nothing
            word = self._repair(raw)
            stem = _stem(word)
            if stem in seen:
                continue
            seen.add(stem)
            weight = CONTEXT_WEIGHT if word in CONTEXT_WORDS else 1.0
            groups = tuple(_GROUPS_BY_STEM.get(stem, ()))
            result.append(Concept(word, stem, groups, weight, word not in GENERIC_WORDS))
        return result

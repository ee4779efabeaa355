"""Finding the passage of the policy that answers a question.

Ranking is BM25 (bm25s) over three fields, combined per passage:
  * the passage itself with its lead-in,
  * the heading path over it (the last heading counted twice),
  * the whole section it sits in, so a question whose words are spread over a section
    still finds the right passage in it.
Each word of the question scores as itself plus (a little less) as its synonym group, which the
index holds as one pseudo-term, so a passage saying "follow" answers a question saying "friend".

That ranking is fused with a plain BM25 over "heading path + passage" (both scaled to their best):
on real schools' policies with questions written blind, each finds answers the other misses, and
together they find more than either (`make eval` prints the figures).

"Confident" is calibrated on the development half of that evaluation corpus, for confident
answers that are right at least 95% of the time: the best passage must cover most of the
question's meaning, match one of its words as typed, and stand clear of the runner-up. Otherwise
the bot says it is not sure and shows the closest passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from bot.policy.analysis import (
    Concept,
    QuestionAnalyzer,
    document_terms,
    english_stemmer,
    words,
    zipf,
)
from bot.policy.audience import about_others, for_others
from bot.policy.document import Passage, PolicySet, Section

GROUP_MATCH_QUALITY = 0.8  # how much a synonym-only match covers of the word's meaning
HEADING_WEIGHT = 0.6
SECTION_WEIGHT = 0.6
PLAIN_BM25_WEIGHT = 0.4  # of the plain BM25's scaled score, added to the bot's scaled ranking
# A confident answer covers at least this share of the question's meaning (weighted by IDF),
# matches at least one of its specific words as typed...
MIN_COVERAGE = 0.8
# ...and the runner-up scores at most this share of it.
CLEAR_MARGIN = 0.6
# When confident, passages scoring at least this share of the best are other answers worth
# showing; when not, the closest three are shown.
RUNNER_UP_RATIO = 0.6
# A passage addressed only to pupils or parents keeps this share of its score for a question
# that is not about them (see `bot.policy.audience`).
OTHERS_SHARE = 0.9


@dataclass(frozen=True)
class Hit:
    section: Section
    passage: Passage
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    confident: bool
    hits: list[Hit]

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def _bm25(corpus: Sequence[list[str]]) -> bm25s.BM25:
    index = bm25s.BM25()
    # bm25s cannot index an empty document; a placeholder term keeps positions aligned.
    index.index([terms or ["\x00"] for terms in corpus], show_progress=False)
    return index


def _scaled(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else scores


class PolicyIndex:
    """An immutable search index over a `PolicySet`; safe to share between threads."""

    def __init__(self, policies: PolicySet) -> None:
        self.policies = policies
        sections = [s for s in policies.sections if s.passages]
        self._hits = [(s, p) for s in sections for p in s.passages]
        owner = {id(s): i for i, s in enumerate(sections)}
        self._owner = np.array([owner[id(s)] for s, _ in self._hits], dtype=np.int64)
        self._sections = sections
        self._for_others = np.array([for_others(s, p) for s, p in self._hits], dtype=bool)

        passage_text = [f"{p.context or ''} {p.text}" for _, p in self._hits]
        heading_text = [" ".join((*s.path[1:], s.title)) for s, _ in self._hits]
        section_text = [" ".join((*s.path[1:], *(p.text for p in s.passages))) for s in sections]
        passage_terms = [document_terms(t) for t in passage_text]
        heading_terms = [document_terms(t) for t in heading_text]
        self._plain = _bm25(
            bm25s.tokenize(
                [
                    f"{' '.join(s.path[1:])} {t}"
                    for (s, _), t in zip(self._hits, passage_text, strict=True)
                ],
                stopwords="en",
                stemmer=english_stemmer(),
                return_ids=False,
                show_progress=False,
            )
        )
        self._fields = (
            (1.0, _bm25(passage_terms), False),
            (HEADING_WEIGHT, _bm25(heading_terms), False),
            (SECTION_WEIGHT, _bm25([document_terms(t) for t in section_text]), True),
        )
        vocabulary = {w for t in (*passage_text, *heading_text) for w in words(t)}
        self._analyzer = QuestionAnalyzer(vocabulary)
        # Terms of whole texts, not of words one by one: a phrase ("keep an eye on") is indexed
        # as the word it means ("monitor"), which none of its own words yields.
        self._known_terms = {t for terms in (*passage_terms, *heading_terms) for t in terms}
        self._max_idf = float(np.log(1 + (len(self._hits) + 0.5) / 0.5))
        # Only the documents' own terms are cached, so the cache is bounded by the vocabulary.
        self._cache: dict[tuple[int, str], np.ndarray] = {}
        self._nothing = np.zeros(len(self._hits))
        self._nothing.flags.writeable = False

    def _term_scores(self, field: int, term: str) -> np.ndarray:
        """BM25 of one term in one field, per passage (cached: the index never changes)."""
        if term not in self._known_terms:
            return self._nothing
        key = (field, term)
        scores = self._cache.get(key)
        if scores is None:
            _, index, per_section = self._fields[field]
            scores = index.get_scores([term])
            if per_section:
                scores = scores[self._owner]
            self._cache[key] = scores
        return scores

    def _concept_scores(self, concept: Concept) -> tuple[np.ndarray, np.ndarray]:
        """Per passage: the concept's combined score, and how well it matched (1 = as typed)."""
        total = np.zeros(len(self._hits))
        exact = np.zeros(len(self._hits), dtype=bool)
        loose = np.zeros(len(self._hits), dtype=bool)
        for field, (weight, _, _) in enumerate(self._fields):
            own = self._term_scores(field, concept.stem)
            group = np.zeros(len(self._hits))
            for term in concept.groups:
                group = np.maximum(group, self._term_scores(field, term))
            # The word as typed scores as itself and as its group, so it edges out a synonym.
            blended = own + group
            total = np.maximum(total, weight * blended)
            exact |= own > 0
            loose |= group > 0
        return total, np.where(exact, 1.0, np.where(loose, GROUP_MATCH_QUALITY, 0.0))

    def _importance(self, concept: Concept) -> float:
        """How much a word says: rare meanings more, words the policy never uses most."""
        terms = [t for t in (*concept.groups, concept.stem) if t in self._known_terms]
        if not terms:
            # A word the policy never uses: a rare one ("payslip") is likely the whole point of
            # the question, an everyday one ("sent", "later") much less so.
            rarity = (7.0 - zipf(concept.word)) / 4.0
            return self._max_idf * float(np.clip(rarity, 0.2, 1.0))
        return self._idf(terms[0])

    def _idf(self, term: str) -> float:
        frequency = int(np.count_nonzero(self._term_scores(0, term)))
        count = len(self._hits)
        return float(np.log(1 + (count - frequency + 0.5) / (frequency + 0.5)))

    def concepts(self, question: str) -> list[Concept]:
        """The question's meaningful words, read as search reads them (shorthand, typos
        repaired against the policy's own words, synonym groups)."""
        return self._analyzer.concepts(question)

    def search(self, question: str, limit: int = 3) -> Answer:
        concepts = self._analyzer.concepts(question)
        if not concepts or not self._hits:
            return Answer(question=question, confident=False, hits=[])
        score = np.zeros(len(self._hits))
        covered = np.zeros(len(self._hits))
        # A passage matching only "staff", "lunch" or "term" shares the question's setting, not
        # its subject: "when is half term" is no question about posting in the holidays.
        specific = np.zeros(len(self._hits), dtype=bool)
        literal = np.zeros(len(self._hits), dtype=np.int64)
        weights = np.array([c.weight * self._importance(c) for c in concepts])
        for concept, weight in zip(concepts, weights, strict=True):
            concept_score, quality = self._concept_scores(concept)
            score += concept.weight * concept_score
            covered += weight * quality
            if concept.specific:
                specific |= quality > 0
                literal += quality == 1.0
        coverage = covered / weights.sum()
        ranking = _scaled(score * (1.0 + coverage)) + PLAIN_BM25_WEIGHT * _scaled(
            self._plain_scores(question)
        )
        if not about_others(question):
            ranking = np.where(self._for_others, OTHERS_SHARE * ranking, ranking)
        order = np.argsort(-ranking, kind="stable")
        best = order[0]
        top = ranking[best]
        if top <= 0:
            return Answer(question=question, confident=False, hits=[])
        runner_up = ranking[order[1]] if len(order) > 1 else 0.0
        confident = bool(
            coverage[best] >= MIN_COVERAGE
            and specific[best]
            and literal[best] >= 1
            and runner_up <= CLEAR_MARGIN * top
        )
        hits = [
            Hit(self._hits[i][0], self._hits[i][1], float(ranking[i]))
            for i in order[:limit]
            if ranking[i] > 0 and (not confident or ranking[i] >= RUNNER_UP_RATIO * top)
        ]
        return Answer(question=question, confident=confident, hits=hits)

    def _plain_scores(self, question: str) -> np.ndarray:
        tokens = bm25s.tokenize(
            [question],
            stopwords="en",
            stemmer=english_stemmer(),
            return_ids=False,
            show_progress=False,
        )
        return self._plain.get_scores(tokens[0]) if tokens[0] else self._nothing

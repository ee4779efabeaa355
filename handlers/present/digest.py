"""The weekly digest's figures as labelled lines, so Slack and Teams say exactly the same.

Its figures are the bot's own wording with no user text, so each platform writes them with
`render` and its own bold marks; only the unanswered questions are user text, to be escaped.
"""

from __future__ import annotations

from datetime import timedelta

from bot.incidents.options import KINDS
from bot.reports.figures import Figures
from handlers.present.time import duration

Line = list[tuple[str, str]]  # (label, value) pairs, shown side by side
TITLE = "Social media policy: the week in figures"
UNANSWERED = "Questions the policy could not answer"
TRUST = "Across the trust"
QUOTED = 150  # characters of each unanswered question shown


def _span(value: timedelta | None) -> str:
    return duration(value) if value is not None else "–"


def _by_kind(counts: dict[str, int]) -> str:
    return ", ".join(f"{KINDS.get(k, k)} {n}" for k, n in sorted(counts.items())) or "none"


def digest_lines(figures: Figures) -> list[Line]:
    share = figures.answered_in_time_share
    answered = f"{figures.answered_in_time}" + (f" ({share:.0%})" if share is not None else "")
    return [
        [
            ("Comments logged", str(figures.comments_logged)),
            ("answered within 24 hours", answered),
        ],
        [
            (
                "Response time",
                f"median {_span(figures.median_response)}, 90th percentile "
                f"{_span(figures.p90_response)}",
            ),
            ("breaches", str(figures.breaches)),
        ],
        [("Incidents opened", _by_kind(figures.incidents_opened))],
        [("Incidents closed", _by_kind(figures.incidents_closed))],
        [("Average time to acknowledge a case", _span(figures.mean_time_to_acknowledge))],
        [
            ("Open account handovers", str(figures.open_handovers)),
            ("drafts awaiting a second opinion", str(figures.pending_reviews)),
        ],
    ]


def render(line: Line, bold: str) -> str:
    """One line, labels between `bold` marks (`*` for Slack, `**` for Teams)."""
    return " · ".join(f"{bold}{label}:{bold} {value}" for label, value in line)


def unanswered(figures: Figures) -> list[tuple[str, str]]:
    """Each unanswered question as its count ("3×") and its text, cut short: user text."""
    return [
        (f"{q.times}×", q.text if len(q.text) <= QUOTED else q.text[: QUOTED - 1] + "…")
        for q in figures.top_unanswered
    ]


def trust_lines(figures: Figures) -> list[tuple[str, str]]:
    """For a trust's hub: each school's name (set by whoever runs the bot: to be escaped) and
    its week in figures."""
    return [
        (
            school.name,
            f"{school.comments_logged} comments, {school.answered_in_time} answered within 24 "
            f"hours, {school.breaches} breaches; {school.incidents_opened} cases opened, "
            f"{school.incidents_closed} closed; accounts checked on {school.days_checked} days, "
            f"missed on {school.days_missed}",
        )
        for school in figures.trust
    ]


def period(figures: Figures) -> str:
    return f"{figures.start:%-d %b} to {figures.end:%-d %b %Y}"

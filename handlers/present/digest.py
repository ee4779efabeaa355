"""The weekly digest's figures as labelled lines, so Slack and Teams say exactly the same."""

from __future__ import annotations

from datetime import timedelta

from bot.incidents.options import KINDS
from bot.reports.figures import Figures
from handlers.present.time import duration

Line = list[tuple[str, str]]  # (label, value) pairs, shown side by side


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

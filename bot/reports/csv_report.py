"""The CSV report: the period's figures, then its rows, with nothing sensitive in them
(no summaries, no case details, no names)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy.orm import Session

from bot.reports.figures import Figures, comments_in, compute, incidents_in, response_time


def _hours(value: object) -> str:
    seconds = getattr(value, "total_seconds", None)
    return f"{seconds() / 3600:.1f}" if seconds else ""


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="minutes") if value else ""


def build(session: Session, *, start: datetime, end: datetime, now: datetime) -> str:
    figures: Figures = compute(session, start=start, end=end, now=now)
    out = io.StringIO()
    table = csv.writer(out)
    table.writerow(["figure", "value"])
    share = figures.answered_in_time_share
    table.writerows(
        [
            ["period start", _when(start)],
            ["period end", _when(end)],
            ["comments logged", figures.comments_logged],
            ["answered within the limit", figures.answered_in_time],
            ["answered within the limit (%)", f"{share * 100:.0f}" if share is not None else ""],
            ["breaches", figures.breaches],
            ["median response (hours)", _hours(figures.median_response)],
            ["90th percentile response (hours)", _hours(figures.p90_response)],
            ["incidents opened", sum(figures.incidents_opened.values())],
            ["incidents closed", sum(figures.incidents_closed.values())],
            ["mean time to acknowledge (hours)", _hours(figures.mean_time_to_acknowledge)],
        ]
    )
    table.writerow([])
    table.writerow(
        [
            "comment",
            "platform",
            "kind",
            "from",
            "received",
            "due",
            "responded",
            "response (hours)",
            "within limit",
        ]
    )
    for c in comments_in(session, start, end):
        table.writerow(
            [
                c.id,
                c.platform,
                c.kind,
                c.author,
                _when(c.received_at),
                _when(c.due_at),
                _when(c.responded_at),
                _hours(response_time(c)),
                "yes" if c.responded_at and c.responded_at <= c.due_at else "no",
            ]
        )
    table.writerow([])
    table.writerow(["case", "kind", "urgent", "reported", "acknowledged", "resolved", "outcome"])
    for i in incidents_in(session, start, end):
        table.writerow(
            [
                i.reference,
                i.kind,
                "yes" if i.urgent else "no",
                _when(i.reported_at),
                _when(i.acknowledged_at),
                _when(i.resolved_at),
                i.outcome or "",
            ]
        )
    return out.getvalue()

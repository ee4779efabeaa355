"""A known week of records for the report tests, Slack's and Teams': four comments (two answered in
time, one late, one never) and two incident cases (one led and resolved), all in the week before
MONDAY_8AM, when the weekly digest is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.comments import service as comments
from bot.comments.service import CommentForm
from bot.incidents import service as incidents
from bot.incidents.service import IncidentForm
from bot.services import Services
from store.db import session_scope

MONDAY_8AM = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # London is on UTC in November
SECRET = "Parent asks why their child was left out"


def at(days: float, hours: float = 0) -> datetime:
    """A moment in the week before MONDAY_8AM: days after the Monday a week earlier."""
    return MONDAY_8AM - timedelta(weeks=1) + timedelta(days=days, hours=hours)


def record_a_week(services: Services, *, staff: str, slt: str) -> None:
    with session_scope(services.sessions) as session:
        for received, answered_after in ((1, 2), (2, 10), (3, 30), (4, None)):
            form = CommentForm(
                platform="facebook",
                account="other",
                account_other="Page",
                kind="query",
                author="parent",
                link="",
                received_at=at(received),
                summary=SECRET,
                offensive=False,
            )
            comment = comments.log(
                session, form=form, logged_by=staff, now=at(received), calendar=services.calendar
            )
            if answered_after is not None:
                comments.mark_responded(
                    session,
                    comment_id=comment.id,
                    user_id=staff,
                    response="answered",
                    note="",
                    now=at(received, answered_after),
                )
        for number, kind in enumerate(("bullying", "copyright")):
            form = IncidentForm(
                kind=kind,
                platform="x",
                account_type="school",
                link="",
                happened_at=at(1),
                involved=frozenset(),
                details=SECRET,
                actions_taken=frozenset(),
                child_at_risk=False,
            )
            case, _ = incidents.report(
                session, form=form, reporter=staff, submission_key=f"k{number}", now=at(2)
            )
            if kind == "bullying":
                incidents.take_lead(
                    session, incident_id=case.id, version=1, user=slt, now=at(2, 0.5)
                )
                incidents.resolve(
                    session,
                    incident_id=case.id,
                    version=2,
                    user=slt,
                    outcome="behaviour",
                    note="",
                    now=at(5),
                )

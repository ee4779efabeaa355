"""The port through which the domain sends messages; Slack and Teams each plug in here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.reports.figures import Figures
from store.models import AuditEvent, Comment, DraftReview, Incident


class DeliveryError(Exception):
    """A message could not be delivered even after retries; nothing is recorded as sent."""


@dataclass(frozen=True)
class Posted:
    """Where a message landed, so it can be updated or replied to later."""

    channel: str
    ts: str


class CommentNotifier(Protocol):
    def post_card(self, comment: Comment) -> Posted:
        """Post the comment's tracking card where moderators work."""
        ...

    def refresh_card(self, comment: Comment) -> None:
        """Redraw the card in place after the comment changed."""
        ...

    def remind(self, comment: Comment, *, left: timedelta, late_since: datetime | None) -> None:
        """A reminder on the card's thread; `late_since` when it should have gone earlier."""
        ...

    def remind_assignee(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None
    ) -> None:
        """The same reminder, privately to whoever took the comment on."""
        ...

    def escalate(self, comment: Comment, *, late_since: datetime | None) -> None:
        """Tell SLT the deadline has passed without a reply."""
        ...


class IncidentNotifier(Protocol):
    """Where incident messages go. Case details only ever reach SLT (channel and DMs)."""

    def post_case(self, incident: Incident, *, section: str | None) -> Posted: ...

    def refresh_case(self, incident: Incident, *, section: str | None) -> None: ...

    def post_step(self, incident: Incident, step: AuditEvent) -> None: ...

    def confirm_to_reporter(self, incident: Incident) -> None: ...

    def tell_reporter(self, incident: Incident, *, status: str) -> None: ...

    def alert_slt_members(self, incident: Incident) -> None: ...

    def alert_media_contacts(self, incident: Incident) -> None: ...

    def reping(self, incident: Incident, *, waited: timedelta) -> None: ...

    def remind_lead(self, incident: Incident, *, idle: timedelta) -> None: ...

    def chase_platform(self, incident: Incident, *, waiting: timedelta) -> None: ...


class PolicyNotifier(Protocol):
    def policy_review(self, *, due: date, today: date) -> None:
        """Tell SLT the policy is due (or overdue) for review."""
        ...


class ReportNotifier(Protocol):
    def digest(self, figures: Figures, *, chart: bytes) -> None:
        """The weekly digest to SLT, with its chart (PNG)."""
        ...


class Notifier(CommentNotifier, IncidentNotifier, PolicyNotifier, ReportNotifier, Protocol):
    """Everything the bot sends, through one front end."""


class RoutingNotifier:
    """Sends each comment's and case's messages through the front end it came from."""

    def __init__(self, front_ends: dict[str, Notifier]) -> None:
        self.front_ends = front_ends

    def __getattr__(self, name: str) -> Callable[..., object]:
        def send(item: Comment | Incident | DraftReview, *args: object, **kwargs: object) -> object:
            front_end = self.front_ends.get(item.front_end)
            if front_end is None:
                raise DeliveryError(f"the {item.front_end} front end is not configured")
            return getattr(front_end, name)(item, *args, **kwargs)

        return send

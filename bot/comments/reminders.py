"""The reminder sweep: what is due for each open comment, sent once, recorded when it was.

For each comment the sweep may owe: its card (right after logging), a reminder as time left
falls under each threshold (thread reply, and a DM to the assignee), and one escalation to SLT
when the deadline passes. A notice row is written only after Slack accepted the message, so a
failure is retried on the next sweep and never counted as sent; a restart sends nothing twice.
If several thresholds passed while the bot was down, one reminder (the latest) goes, late and
saying so; once the deadline has passed, only the escalation does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import sweeps
from bot.clock import Clock
from bot.ports import DeliveryError, Notifier
from store.models import Comment, CommentNotice

logger = logging.getLogger(__name__)

CARD = "card"
ESCALATION = "escalation"


@dataclass(frozen=True)
class ReminderPolicy:
    thresholds: tuple[timedelta, ...]  # time left at which to remind, longest first
    sweep_interval: timedelta

    def reminder(self, threshold: timedelta) -> str:
        return f"reminder-{int(threshold.total_seconds())}"

    def reminder_dm(self, threshold: timedelta) -> str:
        return f"{self.reminder(threshold)}-dm"

    def is_late(self, moment: datetime, now: datetime) -> bool:
        """Sent noticeably after its moment: the bot must have been down."""
        return now - moment > 2 * self.sweep_interval


def _latest_stage(comment: Comment, policy: ReminderPolicy, now: datetime) -> timedelta | None:
    """The smallest threshold whose moment has come (the reminder that is due now)."""
    passed = [t for t in policy.thresholds if comment.due_at - t <= now]
    return min(passed) if passed else None


def _owed(comment: Comment, sent: set[str], policy: ReminderPolicy) -> list[tuple[str, datetime]]:
    """Every notice still owed for the comment, with the moment it falls due."""
    if comment.status != "open":
        return []
    owed: list[tuple[str, datetime]] = []
    if CARD not in sent:
        owed.append((CARD, comment.logged_at))
    if ESCALATION in sent:
        return owed
    owed.append((ESCALATION, comment.due_at))
    stages = sorted(policy.thresholds)  # closest to the deadline first
    for index, threshold in enumerate(stages):
        later_sent = any(policy.reminder(t) in sent for t in stages[:index])
        if later_sent:
            break
        if policy.reminder(threshold) not in sent:
            owed.append((policy.reminder(threshold), comment.due_at - threshold))
        elif comment.assignee and policy.reminder_dm(threshold) not in sent:
            owed.append((policy.reminder_dm(threshold), comment.due_at - threshold))
    return owed


def next_notice_at(comment: Comment, sent: set[str], policy: ReminderPolicy) -> datetime | None:
    moments = [moment for _, moment in _owed(comment, sent, policy)]
    return min(moments) if moments else None


def _record(session: Session, comment: Comment, kind: str, now: datetime, sent: set[str]) -> None:
    session.add(CommentNotice(comment_id=comment.id, kind=kind, sent_at=now))
    sent.add(kind)


def _deliver(
    session: Session,
    comment: Comment,
    *,
    notifier: Notifier,
    policy: ReminderPolicy,
    now: datetime,
) -> int:
    """Send what is due for one (locked) comment; returns how many messages went."""
    sent = set(
        session.scalars(select(CommentNotice.kind).where(CommentNotice.comment_id == comment.id))
    )
    delivered = 0
    try:
        if comment.status == "open" and CARD not in sent:
            posted = notifier.post_card(comment)
            comment.card_channel, comment.card_ts = posted.channel, posted.ts
            _record(session, comment, CARD, now, sent)
            delivered += 1
        if comment.status == "open" and now >= comment.due_at and ESCALATION not in sent:
            late = comment.due_at if policy.is_late(comment.due_at, now) else None
            notifier.refresh_card(comment)
            notifier.escalate(comment, late_since=late)
            _record(session, comment, ESCALATION, now, sent)
            delivered += 1
        elif comment.status == "open" and ESCALATION not in sent:
            delivered += _remind(
                session, comment, notifier=notifier, policy=policy, now=now, sent=sent
            )
    except DeliveryError as error:
        logger.warning("comment %s: delivery failed, will retry next sweep: %s", comment.id, error)
    comment.next_notice_at = next_notice_at(comment, sent, policy)
    return delivered


def _remind(
    session: Session,
    comment: Comment,
    *,
    notifier: Notifier,
    policy: ReminderPolicy,
    now: datetime,
    sent: set[str],
) -> int:
    stage = _latest_stage(comment, policy, now)
    if stage is None:
        return 0
    moment = comment.due_at - stage
    late = moment if policy.is_late(moment, now) else None
    left = comment.due_at - now
    delivered = 0
    if policy.reminder(stage) not in sent:
        notifier.refresh_card(comment)
        notifier.remind(comment, left=left, late_since=late)
        _record(session, comment, policy.reminder(stage), now, sent)
        delivered += 1
    if comment.assignee and policy.reminder_dm(stage) not in sent:
        notifier.remind_assignee(comment, left=left, late_since=late)
        _record(session, comment, policy.reminder_dm(stage), now, sent)
        delivered += 1
    return delivered


def deliver_now(
    *,
    sessions: sessionmaker[Session],
    comment_id: int,
    notifier: Notifier,
    policy: ReminderPolicy,
    clock: Clock,
) -> int:
    """Whatever one comment is owed, right away (its card, just after it is logged)."""
    now = clock.now()
    return sweeps.deliver_now(
        sessions=sessions,
        model=Comment,
        row_id=comment_id,
        now=now,
        notifier=notifier,
        deliver=lambda session, comment, unlocked: _deliver(
            session, comment, notifier=unlocked, policy=policy, now=now
        ),
    )


def sweep(
    *,
    sessions: sessionmaker[Session],
    notifier: Notifier,
    policy: ReminderPolicy,
    clock: Clock,
) -> int:
    """One tick: deliver everything due. Safe to run in several processes at once."""
    now = clock.now()
    return sweeps.sweep(
        sessions=sessions,
        model=Comment,
        now=now,
        notifier=notifier,
        deliver=lambda session, comment, unlocked: _deliver(
            session, comment, notifier=unlocked, policy=policy, now=now
        ),
    )

"""The reminder sweep: what is due for each open comment, sent once, recorded when it was.

For each comment the sweep may owe: its card (right after logging), a reminder as time left
falls under each threshold (thread reply, and a DM to the assignee), and one escalation to SLT
when the deadline passes. Each is its own delivery (`bot.notices.Ledger`), claimed before it is
sent and marked sent once the platform accepted it, so a failure is retried on the next sweep
and a restart sends nothing twice; the assignee's DM never waits on the thread reminder, nor
the escalation on redrawing the card. An assignee still unreachable after their tries is given
up and SLT are told once.
If several thresholds passed while the bot was down, one reminder (the latest) goes, late and
saying so; once the deadline has passed, only the escalation does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import notices, sweeps
from bot.clock import Clock
from bot.ports import DeliveryError, Notifier
from bot.retention import redraws
from store.models import Comment, CommentNotice

logger = logging.getLogger(__name__)

CARD = "card"
ESCALATION = "escalation"
UNREACHED = "unreached-"  # SLT told that the delivery after the dash could not be made


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


def _owed(comment: Comment, done: set[str], policy: ReminderPolicy) -> list[tuple[str, datetime]]:
    """Every notice still owed for the comment, with the moment it falls due."""
    if comment.status != "open":
        return []
    owed: list[tuple[str, datetime]] = []
    if CARD not in done:
        owed.append((CARD, comment.logged_at))
    if ESCALATION in done:
        return owed
    owed.append((ESCALATION, comment.due_at))
    stages = sorted(policy.thresholds)  # closest to the deadline first
    for index, threshold in enumerate(stages):
        if any(policy.reminder(t) in done for t in stages[:index]):
            break
        if policy.reminder(threshold) not in done:
            owed.append((policy.reminder(threshold), comment.due_at - threshold))
        if comment.assignee and policy.reminder_dm(threshold) not in done:
            owed.append((policy.reminder_dm(threshold), comment.due_at - threshold))
    return owed


def next_notice_at(comment: Comment, done: set[str], policy: ReminderPolicy) -> datetime | None:
    moments = [moment for _, moment in _owed(comment, done, policy)]
    return min(moments) if moments else None


def _redraw(notifier: Notifier, comment: Comment) -> None:
    """Redraw the card if it can be; a card that cannot be (deleted, say) never holds up the
    reminder or the escalation."""
    try:
        notifier.refresh_card(comment)
    except DeliveryError as error:
        logger.warning("comment %s: card not redrawn: %s", comment.id, error)


def _post_card(notifier: Notifier, comment: Comment) -> None:
    posted = notifier.post_card(comment)
    comment.card_channel, comment.card_ts = posted.channel, posted.ts


def _deliver(
    session: Session,
    comment: Comment,
    *,
    notifier: Notifier,
    policy: ReminderPolicy,
    now: datetime,
) -> int:
    """Send what is due for one (locked) comment, each delivery on its own; returns how many
    messages went."""
    rows = session.scalars(select(CommentNotice).where(CommentNotice.comment_id == comment.id))
    ledger = notices.Ledger(
        session=session,
        now=now,
        rows={row.kind: row for row in rows},
        new=lambda kind: CommentNotice(comment_id=comment.id, kind=kind, attempts=0),
        find=lambda kind: session.scalars(
            select(CommentNotice).where(
                CommentNotice.comment_id == comment.id, CommentNotice.kind == kind
            )
        ).first(),
        relock=partial(sweeps.relock, session, Comment, comment.id),
        marker_prefix=f"comment-{comment.id}",
    )
    sent = 0

    def send(kind: str, deliver: Callable[[], object], *, person: bool = False) -> None:
        nonlocal sent
        outcome = ledger.send(kind, deliver, tries=notices.TRIES if person else None)
        sent += outcome is notices.Outcome.SENT

    if comment.status == "open":
        send(CARD, partial(_post_card, notifier, comment))
        if now >= comment.due_at and ESCALATION not in ledger.done:
            late = comment.due_at if policy.is_late(comment.due_at, now) else None
            _redraw(notifier, comment)
            send(ESCALATION, partial(notifier.escalate, comment, late_since=late))
        elif ESCALATION not in ledger.done:
            _remind(comment, notifier=notifier, policy=policy, now=now, send=send, ledger=ledger)
        for kind, row in list(ledger.rows.items()):
            if row.given_up_at and kind.endswith("-dm") and comment.assignee:
                send(
                    f"{UNREACHED}{kind}",
                    partial(
                        notifier.comment_unreachable, comment, who=comment.assignee, what="reminder"
                    ),
                )
    owed = next_notice_at(comment, ledger.done, policy)
    comment.next_notice_at = now if ledger.pending() else owed
    return sent


def _remind(
    comment: Comment,
    *,
    notifier: Notifier,
    policy: ReminderPolicy,
    now: datetime,
    send: Callable[..., None],
    ledger: notices.Ledger[CommentNotice],
) -> None:
    """The thread reminder and the assignee's DM, each on its own."""
    stage = _latest_stage(comment, policy, now)
    if stage is None:
        return
    moment = comment.due_at - stage
    late = moment if policy.is_late(moment, now) else None
    left = comment.due_at - now
    if policy.reminder(stage) not in ledger.done:
        _redraw(notifier, comment)
        send(policy.reminder(stage), partial(notifier.remind, comment, left=left, late_since=late))
    if comment.assignee:

        def remind_assignee() -> None:
            where = notifier.remind_assignee(comment, left=left, late_since=late)
            if where is not None:  # it quotes the summary: redrawn if the comment is erased
                redraws.carried(
                    ledger.session,
                    where,
                    front_end=comment.front_end,
                    record="comment",
                    record_id=comment.id,
                )

        send(policy.reminder_dm(stage), remind_assignee, person=True)


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
        deliver=lambda session, comment: _deliver(
            session, comment, notifier=notifier, policy=policy, now=now
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
        deliver=lambda session, comment: _deliver(
            session, comment, notifier=notifier, policy=policy, now=now
        ),
    )

"""How well each watched account was covered over a period, for SLT (the digest, App Home):
days checked and missed, who checked in someone else's place, and how long comments waited
between arriving and being logged, where the moderator gave the time they arrived."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rota import service
from bot.rota.service import CHECKED, MISSED, account_name
from store.models import Comment, SchoolAccount


@dataclass(frozen=True)
class AccountCoverage:
    account: str
    days_checked: int
    days_missed: int
    covered_by: tuple[
        tuple[str, int], ...
    ]  # who checked instead of the rota's first, and how often
    comments_timed: int
    median_to_log: timedelta | None
    longest_to_log: timedelta | None


def coverage(session: Session, *, first: date, last: date) -> tuple[AccountCoverage, ...]:
    """Each account with a check-in between `first` and `last` (inclusive), by name."""
    rows_by_account = defaultdict(list)
    for row in service.check_ins_between(session, first, last):
        rows_by_account[row.account_id].append(row)
    if not rows_by_account:
        return ()
    accounts = session.scalars(
        select(SchoolAccount).where(SchoolAccount.id.in_(list(rows_by_account)))
    )
    start = datetime.combine(first, time(0), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)
    found = []
    for account in accounts:
        rows = rows_by_account[account.id]
        covered = Counter(
            row.checked_by
            for row in rows
            if row.status == CHECKED and row.checked_by and row.checked_by != row.scheduled
        )
        name = account_name(account)
        waits = [
            (c.logged_at - c.received_at).total_seconds()
            for c in session.scalars(
                select(Comment).where(
                    Comment.account == name, Comment.logged_at >= start, Comment.logged_at < end
                )
            )
            if c.logged_at > c.received_at
        ]
        found.append(
            AccountCoverage(
                account=name,
                days_checked=sum(1 for row in rows if row.status == CHECKED),
                days_missed=sum(1 for row in rows if row.status == MISSED),
                covered_by=tuple(sorted(covered.items(), key=lambda item: (-item[1], item[0]))),
                comments_timed=len(waits),
                median_to_log=timedelta(seconds=statistics.median(waits)) if waits else None,
                longest_to_log=timedelta(seconds=max(waits)) if waits else None,
            )
        )
    return tuple(sorted(found, key=lambda c: c.account))

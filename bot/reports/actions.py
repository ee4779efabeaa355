"""SLT asking for a report, one function for every front end: who may, the period read the
same way, and the CSV built in one transaction."""

from __future__ import annotations

from bot.reports import csv_report
from bot.reports.period import Period, parse_period
from bot.roles import Roles
from bot.services import Services
from store.db import session_scope

NOT_SLT = "Only SLT can run reports."


class NotAllowed(Exception):
    """Someone who is not SLT asked for a report."""


def require_slt(roles: Roles, user: str) -> None:
    if not roles.is_slt(user):
        raise NotAllowed(NOT_SLT)


def period(roles: Roles, *, user: str, arguments: str) -> Period:
    """The period asked for, for SLT; raises `NotAllowed`, or `PeriodError` saying what to fix."""
    require_slt(roles, user)
    return parse_period(arguments)


def csv(services: Services, roles: Roles, *, user: str, period: Period) -> str:
    """The report as it stands now, checked again for SLT."""
    require_slt(roles, user)
    start, end = period.bounds(services.zone)
    with session_scope(services.sessions) as session:
        return csv_report.build(session, start=start, end=end, now=services.clock.now())

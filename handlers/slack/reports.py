"""`/socialpolicy report-csv <from> <to>`: the figures and their rows, as a CSV in a DM (SLT)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.reports import csv_report
from bot.reports.period import PeriodError, parse_period
from bot.services import Services
from handlers.slack.ids import COMMAND
from handlers.slack.views.common import ephemeral_text
from store.db import session_scope

NOT_SLT = "Only SLT can run reports."
EXAMPLE = f"For example: `{COMMAND} report-csv 2026-09-01 2026-12-18`."


def report_csv(
    ack: Ack, command: dict[str, Any], arguments: str, client: WebClient, services: Services
) -> None:
    user = command["user_id"]
    if not services.roles.is_slt(user):
        ack(**ephemeral_text(NOT_SLT))
        return
    try:
        period = parse_period(arguments)
    except PeriodError as error:
        ack(**ephemeral_text(f"{error} {EXAMPLE}"))
        return
    ack(**ephemeral_text("Preparing the report; it will arrive in a direct message."))
    start, end = period.bounds(services.zone)
    with session_scope(services.sessions) as session:
        content = csv_report.build(session, start=start, end=end, now=services.clock.now())
    channel = client.conversations_open(users=user)["channel"]["id"]
    client.files_upload_v2(
        channel=channel, content=content, filename=period.filename, title=period.title
    )

"""`/socialpolicy report-csv <from> <to>`: the figures and their rows, as a CSV in a DM (SLT)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.reports import actions
from bot.reports.period import PeriodError
from bot.services import Services
from handlers.slack.ids import COMMAND
from handlers.slack.views.common import ephemeral_text

EXAMPLE = f"For example: `{COMMAND} report-csv 2026-09-01 2026-12-18`."


def report_csv(
    ack: Ack, command: dict[str, Any], arguments: str, client: WebClient, services: Services
) -> None:
    user = command["user_id"]
    try:
        period = actions.period(services.roles, user=user, arguments=arguments)
    except actions.NotAllowed as refused:
        ack(**ephemeral_text(str(refused)))
        return
    except PeriodError as error:
        ack(**ephemeral_text(f"{error} {EXAMPLE}"))
        return
    ack(**ephemeral_text("Preparing the report; it will arrive in a direct message."))
    content = actions.csv(services, services.roles, user=user, period=period)
    channel = client.conversations_open(users=user)["channel"]["id"]
    client.files_upload_v2(
        channel=channel, content=content, filename=period.filename, title=period.title
    )

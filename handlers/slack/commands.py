"""`/socialpolicy`: a question, or one of a few sub-commands."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.questions import actions
from bot.services import Services
from handlers.present import answers
from handlers.slack import (
    accounts,
    comments,
    health,
    holidays,
    incidents,
    knowledge,
    policy_upload,
    render,
    reports,
    reviews,
    rota,
    saved_answers,
    settings,
)
from handlers.slack.ids import COMMAND, FRONT_END


def register(app: App, services: Services) -> None:
    app.command(COMMAND)(
        lambda ack, command, client, respond: socialpolicy(ack, command, client, respond, services)
    )


# Slack's markup for mentions, channels and links: <@U…>, <!here>, <#C…|name>, <https://…|text>.
_SLACK_MARKUP = re.compile(r"<[@!#][^>]*>")


def plain_text(text: str) -> str:
    """The question as typed: mention markup dropped (it would ping when echoed) and Slack's
    escaping of &, < and > undone, so it is escaped exactly once on the way out."""
    text = _SLACK_MARKUP.sub(" ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


Subcommand = Callable[[Ack, dict[str, Any], WebClient, Respond, Services], None]

# One word on its own: `/socialpolicy log`, `/socialpolicy accounts`, …
SUBCOMMANDS: dict[str, Subcommand] = {
    "log": lambda ack, cmd, client, respond, s: comments.log_from_command(ack, cmd, client, s),
    "pending": lambda ack, cmd, client, respond, s: comments.pending(ack, cmd, s),
    "report": lambda ack, cmd, client, respond, s: incidents.report_from_command(
        ack, cmd, client, s
    ),
    "myreports": lambda ack, cmd, client, respond, s: incidents.my_reports(ack, cmd, s),
    "incidents": lambda ack, cmd, client, respond, s: incidents.open_cases(ack, cmd, s),
    "acknowledge": lambda ack, cmd, client, respond, s: knowledge.acknowledge_command(ack, cmd, s),
    "acknowledgements": knowledge.acknowledgements,
    "unanswered": lambda ack, cmd, client, respond, s: knowledge.unanswered(ack, cmd, s),
    "answers": lambda ack, cmd, client, respond, s: saved_answers.list_saved(ack, cmd, s),
    "apply": lambda ack, cmd, client, respond, s: accounts.open_application(ack, cmd, client),
    "review": lambda ack, cmd, client, respond, s: reviews.open_from_command(ack, cmd, client),
    "accounts": lambda ack, cmd, client, respond, s: accounts.list_accounts(ack, cmd, s),
    "settings": lambda ack, cmd, client, respond, s: settings.command(ack, cmd, s),
    "health": lambda ack, cmd, client, respond, s: health.command(ack, cmd, s),
    "rota": lambda ack, cmd, client, respond, s: rota.command(ack, cmd, s),
    "holidays": lambda ack, cmd, client, respond, s: holidays.holidays_command(ack, cmd, client, s),
}


def socialpolicy(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    raw = command.get("text") or ""
    text = plain_text(raw)
    word, _, rest = text.partition(" ")
    word = word.lower()
    policy = services.policy
    if not text or word == "help":
        ack(**render.render(answers.help_card()))
    elif not rest and word in SUBCOMMANDS:
        SUBCOMMANDS[word](ack, command, client, respond, services)
    elif word == "leaver":
        accounts.leaver(ack, command, raw, services)  # the mention is the point here
    elif word == "policy" and rest.lower() in ("", "versions"):
        policy_upload.versions_command(ack, command, services)
    elif word == "report-csv":
        reports.report_csv(ack, command, rest, client, services)
    elif word in ("topics", "sections") and not rest:
        ack(**render.render(answers.topics_card(policy.topics(), version=policy.version)))
    elif word == "section" and rest.strip():
        section = policy.find_section(rest)
        ack(
            **render.render(
                answers.section_card(section, version=policy.version)
                if section
                else answers.section_not_found_card(rest)
            )
        )
    else:
        answer_question(ack, text, services)


def answer_question(ack: Ack, text: str, services: Services) -> None:
    """Answer in the ack itself (fast and private); the question is kept for SLT's review when
    the database allows, and answered either way."""
    answered = actions.answer(services, text=text)
    can_ask_slt = services.notifier.offers_ask_slt(front_end=FRONT_END)
    card = answers.answer_card(answered, can_ask_slt=can_ask_slt, can_share=True)
    ack(**render.render(card))

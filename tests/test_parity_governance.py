"""Slack and Teams show the same governance cards: an account application and SLT's decision,
a draft for a second opinion and its outcome, the weekly digest. One bot runs both front ends;
each flow goes through both, and what each platform received is compared with the other and
with the view model it was drawn from."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.accounts.actions import Account
from bot.knowledge import service as knowledge_service
from bot.knowledge.service import Unanswered
from bot.reports.figures import Figures
from bot.reviews.actions import Review
from handlers.present import accounts as present_accounts
from handlers.present import digest
from handlers.present import knowledge as present_knowledge
from handlers.present import reviews as present_reviews
from handlers.present.model import Card
from handlers.slack import render as slack_render
from handlers.teams import render as teams_render
from store.db import session_scope
from store.models import DraftReview, Question, SchoolAccount
from tests.conftest import RunningBot
from tests.slack_requests import select as choose
from tests.slack_requests import text_input
from tests.teams_bot import APP_ID, SLT_CONVERSATION
from tests.teams_standin import BotConnectorStandIn, TeamsSender

SLACK_SLT, SLACK_ADMIN, SLACK_STAFF, SLACK_LEAD = "U0SLT0001", "U0ADMIN01", "U0TEACH01", "U0LEAD001"
TEAMS_SLT, TEAMS_ADMIN, TEAMS_STAFF, TEAMS_LEAD = (
    "aad-slt-1",
    "aad-admin-1",
    "aad-staff-1",
    "aad-lead-1",
)
SLACK_REVIEWER, TEAMS_REVIEWER = "U0REVIEW1", "aad-reviewer-1"
TEAMS_PEOPLE = (TEAMS_SLT, TEAMS_ADMIN, TEAMS_STAFF, TEAMS_LEAD, TEAMS_REVIEWER)
SLACK_SLT_CHANNEL = "C0SLT0001"
PERSON = "PERSON"


class Both:
    """One running bot with both front ends, and what each platform was sent."""

    def __init__(self, bot: RunningBot, teams: TeamsSender, connector: BotConnectorStandIn):
        self.bot, self.teams, self.connector = bot, teams, connector

    def rows(self, model: type[Any]) -> list[Any]:
        with session_scope(self.bot.runtime.services.sessions) as session:
            return list(session.scalars(select(model).order_by(model.id)))

    def slack_to(self, channel: str, method: str = "chat.postMessage") -> list[dict[str, Any]]:
        return [c.params for c in self.bot.stand_in.to(method) if c.params["channel"] == channel]

    def teams_to(self, conversation: str, method: str | None = None) -> list[dict[str, Any]]:
        return [card(s.body) for s in self.connector.to(conversation, method)]


@pytest.fixture
def both(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> Iterator[Both]:
    bot = bot_factory(
        slt_users=[SLACK_SLT],
        admin_users=[SLACK_ADMIN],
        reviewers=[SLACK_REVIEWER],
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
        teams_slt_users=[TEAMS_SLT],
        teams_admin_users=[TEAMS_ADMIN],
        teams_reviewers=[TEAMS_REVIEWER],
        teams_slt_conversation=SLT_CONVERSATION,
    )
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
    teams.install(user=TEAMS_SLT, conversation=SLT_CONVERSATION, conversation_type="channel")
    for user in TEAMS_PEOPLE:
        teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
    yield Both(bot, teams, connector)


def card(body: dict[str, Any]) -> dict[str, Any]:
    """The Adaptive Card in an activity, or an invoke's answer."""
    if "attachments" in body:
        return dict(body["attachments"][0]["content"])
    return dict(body["value"])


def teams_name(user: str) -> str:
    return user.title()  # how the Bot Connector stand-in names everyone


# What a person reads, with each platform's markup and people's names taken out --------------

_SLACK_PERSON = re.compile(r"<@[UW][A-Z0-9]+>")
_SLACK_MARKS = re.compile(r"(?<![\w])[*`]|[*`](?![\w])")
_TEAMS_ESCAPE = re.compile(r"\\([\\`*_\[\]()#<>|~])")


def _slack_line(text: str) -> str:
    text = _SLACK_PERSON.sub(PERSON, text)
    text = re.sub(r"^>", "", text)
    return html.unescape(_SLACK_MARKS.sub("", text)).strip()


def _teams_line(text: str) -> str:
    text = text.replace("**", "")
    text = _TEAMS_ESCAPE.sub(r"\1", text)
    for user in sorted(TEAMS_PEOPLE, key=len, reverse=True):
        text = text.replace(teams_name(user), PERSON)
    return text.strip()


def slack_reading(payload: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for block in payload["blocks"]:
        if block["type"] == "header":
            lines.append(block["text"]["text"])
        elif block["type"] == "section":
            lines += block["text"]["text"].split("\n")
        elif block["type"] == "context":
            lines += [e["text"] for e in block["elements"]]
    return [_slack_line(line) for line in lines if line.strip()]


def teams_reading(content: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for element in content["body"]:
        if element["type"] == "TextBlock":
            lines += element["text"].split("\n")
    return [_teams_line(line) for line in lines if line.strip()]


def slack_buttons(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (e["text"]["text"], e["action_id"])
        for b in payload["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def teams_buttons(content: dict[str, Any]) -> list[tuple[str, str]]:
    """Each button's label and verb; a form's button by its dialog's verb-derived name."""
    found = []
    for action in content.get("actions", []):
        if action["type"] == "Action.Execute":
            found.append((action["title"], action["verb"]))
        else:
            found.append((action["title"], action["data"]["dialog"]))
    return found


def verbs(card: Card) -> list[tuple[str, str]]:
    """The view model's buttons, as Slack names them and as Teams does."""
    return [(b.label, str(b.verb)) for b in card.buttons]


def teams_verbs(card: Card) -> list[tuple[str, str]]:
    return [
        (b.label, teams_render.dialog_name(b.verb) if b.opens_form else str(b.verb))
        for b in card.buttons
    ]


def assert_same(
    slack_card: Card, teams_card: Card, slack: dict[str, Any], teams: dict[str, Any]
) -> None:
    """Each platform shows its view model exactly as its renderer draws it, and the two read
    alike: the same lines and the same buttons, in the same order."""
    assert slack["blocks"] == slack_render.render(slack_card)["blocks"]
    assert teams["body"] == teams_render.render(teams_card, teams_name)["body"]
    assert slack_reading(slack) == teams_reading(teams)
    assert slack_buttons(slack) == verbs(slack_card)
    assert teams_buttons(teams) == teams_verbs(teams_card)
    assert verbs(slack_card) == verbs(teams_card)


# School accounts ----------------------------------------------------------------------------

APPLICATION = {
    "handle": "@ourschool_pe",
    "purpose": "PE news for parents & carers",
    "monitoring": "Lead daily; moderators at weekends",
}


def apply_in_both(both: Both) -> tuple[Account, Account]:
    slack_form = {
        "platform": choose("instagram"),
        "handle": text_input(APPLICATION["handle"]),
        "purpose": text_input(APPLICATION["purpose"]),
        "lead": {"type": "users_select", "selected_user": SLACK_LEAD},
        "moderators": {"type": "multi_users_select", "selected_users": [SLACK_STAFF]},
        "monitoring": text_input(APPLICATION["monitoring"]),
    }
    assert not both.bot.modals.submit("account.apply", slack_form, user=SLACK_STAFF).content
    both.bot.settle()
    teams_form = {
        "dialog": "apply",
        "platform": "instagram",
        "lead": TEAMS_LEAD,
        "moderators": TEAMS_STAFF,
        **APPLICATION,
    }
    sent = both.teams.submit_dialog(teams_form, user=TEAMS_STAFF).json()
    assert sent["task"]["value"] == present_accounts.APPLIED
    slack_row, teams_row = both.rows(SchoolAccount)
    return Account.of(slack_row), Account.of(teams_row)


def test_an_account_application_reads_the_same_in_both(both: Both) -> None:
    slack_account, teams_account = apply_in_both(both)
    slack = both.slack_to(SLACK_SLT_CHANNEL)[-1]
    teams = both.teams_to(SLT_CONVERSATION, "POST")[-1]

    assert_same(
        present_accounts.application_card(slack_account),
        present_accounts.application_card(teams_account),
        slack,
        teams,
    )
    assert slack_buttons(slack) == [("Approve", "account.approve"), ("Decline", "account.decline")]
    assert "Purpose and audience: PE news for parents & carers" in slack_reading(slack)


def test_an_approval_reads_the_same_in_both(both: Both) -> None:
    slack_account, teams_account = apply_in_both(both)
    both.bot.slack.click(
        "account.approve",
        f"{slack_account.id}:{slack_account.version}",
        user=SLACK_SLT,
        channel=SLACK_SLT_CHANNEL,
    )
    both.bot.settle()
    ref = {"account": teams_account.id, "version": teams_account.version}
    redrawn = card(both.teams.execute("account.approve", ref, user=TEAMS_SLT).json())
    slack_approved, teams_approved = (Account.of(row) for row in both.rows(SchoolAccount))
    assert slack_approved.status == teams_approved.status == "approved"

    slack_card = both.bot.stand_in.to("chat.update")[-1].params
    assert_same(
        present_accounts.application_card(slack_approved),
        present_accounts.application_card(teams_approved),
        slack_card,
        redrawn,
    )
    assert teams_buttons(redrawn) == []

    to_applicant = both.slack_to("D" + SLACK_STAFF[1:])[-1]
    teams_applicant = both.teams_to(f"a:{TEAMS_STAFF}")[-1]
    assert_same(
        present_accounts.decision_card(slack_approved),
        present_accounts.decision_card(teams_approved),
        to_applicant,
        teams_applicant,
    )

    to_admin = both.slack_to("D" + SLACK_ADMIN[1:])[-1]
    teams_admin = both.teams_to(f"a:{TEAMS_ADMIN}")[-1]
    assert_same(
        present_accounts.create_request_card(slack_approved),
        present_accounts.create_request_card(teams_approved),
        to_admin,
        teams_admin,
    )
    assert [label for label, _ in slack_buttons(to_admin)] == ["Mark created"]


# Second opinions ----------------------------------------------------------------------------


def submit_in_both(both: Both) -> tuple[Review, Review]:
    form = {
        "account": "Facebook: @ourschool",
        "context": "Trip <news>",
        "draft": "Trip on Friday (10am)",
    }
    fields = {k: text_input(v) for k, v in form.items()}
    assert not both.bot.modals.submit("review.submit", fields, user=SLACK_STAFF).content
    both.bot.settle()
    sent = both.teams.submit_dialog({"dialog": "review", **form}, user=TEAMS_STAFF).json()
    assert sent["task"]["value"] == present_reviews.SENT
    slack_row, teams_row = both.rows(DraftReview)
    return Review.of(slack_row), Review.of(teams_row)


def test_a_draft_for_review_reads_the_same_in_both(both: Both) -> None:
    slack_review, teams_review = submit_in_both(both)
    slack = both.slack_to(SLACK_SLT_CHANNEL)[-1]
    teams = both.teams_to(SLT_CONVERSATION, "POST")[-1]

    assert_same(
        present_reviews.review_card(slack_review, reviewers=[SLACK_REVIEWER]),
        present_reviews.review_card(teams_review, reviewers=[TEAMS_REVIEWER]),
        slack,
        teams,
    )
    assert "Trip on Friday (10am)" in teams_reading(teams)


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "sent-back"])
def test_a_review_decision_reads_the_same_in_both(both: Both, approve: bool) -> None:
    slack_review, teams_review = submit_in_both(both)
    slack_ref = f"{slack_review.id}:{slack_review.version}"
    teams_ref = {"review": teams_review.id, "version": teams_review.version}
    if approve:
        both.bot.slack.click("review.approve", slack_ref, user=SLACK_REVIEWER)
        answer = card(both.teams.execute("review.approve", teams_ref, user=TEAMS_REVIEWER).json())
        assert teams_reading(answer) == ["Approved: the author has been told."]
    else:
        notes = "Add the date"
        both.bot.modals.submit(
            "review.send_back_submit",
            {"notes": text_input(notes)},
            user=SLACK_REVIEWER,
            private_metadata=slack_ref,
        )
        dialog = {"dialog": "send_back", **teams_ref, "notes": notes}
        answer = both.teams.submit_dialog(dialog, user=TEAMS_REVIEWER).json()
        assert answer["task"]["value"] == "Sent back: the author has been told."
    both.bot.settle()
    slack_decided, teams_decided = (Review.of(row) for row in both.rows(DraftReview))

    slack_card = both.bot.stand_in.to("chat.update")[-1].params
    teams_card = both.teams_to(SLT_CONVERSATION, "PUT")[-1]
    decided = present_reviews.review_card(slack_decided, reviewers=[SLACK_REVIEWER])
    assert_same(
        decided,
        present_reviews.review_card(teams_decided, reviewers=[TEAMS_REVIEWER]),
        slack_card,
        teams_card,
    )
    assert not decided.buttons

    to_author = both.slack_to("D" + SLACK_STAFF[1:])[-1]
    teams_author = both.teams_to(f"a:{TEAMS_STAFF}")[-1]
    assert_same(
        present_reviews.decision_card(slack_decided),
        present_reviews.decision_card(teams_decided),
        to_author,
        teams_author,
    )


# The weekly digest --------------------------------------------------------------------------


def test_the_digest_reads_the_same_in_both(both: Both) -> None:
    start = datetime(2026, 11, 16)
    figures = Figures(
        start=start,
        end=start + timedelta(days=6),
        comments_logged=12,
        answered_in_time=9,
        median_response=timedelta(hours=3, minutes=20),
        p90_response=timedelta(hours=20),
        breaches=1,
        incidents_opened=Counter({"bullying": 2}),
        mean_time_to_acknowledge=None,
        open_handovers=1,
        pending_reviews=2,
        top_unanswered=[Unanswered(text="Can I <like> a pupil's post?", times=3, last_asked=start)],
    )
    notifier = both.bot.runtime.services.notifier
    for front_end in notifier.front_ends:
        notifier.digest(front_end=front_end, figures=figures, chart=b"\x89PNG")
    slack = both.slack_to(SLACK_SLT_CHANNEL)[-1]
    teams = both.teams_to(SLT_CONVERSATION, "POST")[-1]

    bullet = re.compile(r"^[-•] ")
    read = [bullet.sub("", line) for line in slack_reading(slack)]
    assert read == [bullet.sub("", line) for line in teams_reading(teams)]
    assert read == [
        digest.TITLE,
        *(digest.render(line, "") for line in digest.digest_lines(figures)),
        digest.UNANSWERED,
        "3× “Can I <like> a pupil's post?”",
        digest.period(figures),
    ]
    assert slack_buttons(slack) == teams_buttons(teams) == []


# The policy ---------------------------------------------------------------------------------


def test_acknowledging_and_unanswered_questions_read_the_same_in_both(both: Both) -> None:
    slack_thanks = both.bot.slack.command("acknowledge", user=SLACK_STAFF).json()
    both.teams.message("acknowledge", user=TEAMS_STAFF)
    teams_thanks = both.teams_to(f"a:{TEAMS_STAFF}")[-1]
    assert slack_reading(slack_thanks) == teams_reading(teams_thanks)
    assert "Thank you: recorded that you have read the policy" in teams_reading(teams_thanks)[0]

    with session_scope(both.bot.runtime.services.sessions) as session:
        for n, text in enumerate(("Can I <follow> a parent?", "can i <follow> a parent?", "wifi")):
            session.add(
                Question(
                    id=f"q{n}",
                    asked_at=both.bot.clock.now(),
                    text=text,
                    confident=False,
                    policy_version="test",
                )
            )
    refused = both.bot.slack.command("unanswered", user=SLACK_STAFF).json()
    both.teams.message("unanswered", user=TEAMS_STAFF)
    assert slack_reading(refused) == teams_reading(both.teams_to(f"a:{TEAMS_STAFF}")[-1])

    slack_list = both.bot.slack.command("unanswered", user=SLACK_SLT).json()
    both.teams.message("unanswered", user=TEAMS_SLT)
    teams_list = both.teams_to(f"a:{TEAMS_SLT}")[-1]
    rows = unanswered(both)
    card = present_knowledge.unanswered_card(rows, zone=both.bot.runtime.services.zone)
    assert_same(card, card, slack_list, teams_list)
    assert slack_reading(slack_list)[2].startswith("2× “Can I <follow> a parent?”")


def test_the_nudge_reads_the_same_in_both(both: Both) -> None:
    version = both.bot.runtime.services.policy.version
    card = present_knowledge.nudge_card(version=version)
    slack = slack_render.render(card)
    teams = teams_render.render(card, teams_name)
    assert slack_reading(slack) == [
        line.replace('"topics"', "/socialpolicy topics") for line in teams_reading(teams)
    ]
    assert (
        slack_buttons(slack) == teams_buttons(teams) == [("I've read it", "knowledge.acknowledge")]
    )


def unanswered(both: Both) -> list[Unanswered]:
    with session_scope(both.bot.runtime.services.sessions) as session:
        return knowledge_service.unanswered(session)


def test_an_empty_register_offers_the_same_apply_button_in_both(both: Both) -> None:
    slack = both.bot.slack.command("accounts", user=SLACK_STAFF).json()
    both.teams.message("accounts", user=TEAMS_STAFF)
    teams = both.teams_to(f"a:{TEAMS_STAFF}")[-1]
    assert slack_reading(slack) == [
        line.replace('"apply"', "/socialpolicy apply") for line in teams_reading(teams)
    ]
    assert slack_buttons(slack) == [("Apply for one", "account.apply")]
    assert teams_buttons(teams) == [("Apply for one", "apply")]

    both.bot.slack.click("account.apply", "", user=SLACK_STAFF)
    both.bot.settle()
    opened = both.bot.stand_in.wait_for("views.open")[-1].params["view"]
    assert opened["callback_id"] == "account.apply"
    dialog = both.teams.open_dialog({"dialog": "apply"}, user=TEAMS_STAFF).json()
    assert dialog["task"]["type"] == "continue"

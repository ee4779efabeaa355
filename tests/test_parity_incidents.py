"""Slack and Teams show the same incident: one report made on each, run through the same steps,
and every card, message, form text and button compared with each other and with the present
view model they are both drawn from.

Each platform's markup is read back to plain words (mentions and names to the person's role,
case references to one placeholder), so what remains is exactly what a person reads.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.incidents.actions import Case, NotSLT
from handlers.present import incidents as present
from handlers.present.model import Card, Command, Group, Line, Link, Person, Strong
from handlers.slack.ids import COMMAND
from store.db import session_scope
from store.models import Incident
from tests.conftest import RunningBot
from tests.slack_requests import checkboxes, datetime_input, radio, text_input
from tests.slack_requests import select as choose
from tests.teams_bot import APP_ID, SLT, SLT_CONVERSATION, STAFF
from tests.teams_standin import BotConnectorStandIn, TeamsSender

SLACK_SLT = "U0SLT0001"
SLACK_STAFF = "U0STAFF01"
SLACK_SLT_CHANNEL = "C0SLT0001"
SLT_GROUP = "S0SLT0001"
PEOPLE = {SLACK_SLT: "the SLT member", SLACK_STAFF: "the reporter"}
TEAMS_PEOPLE = {SLT: "the SLT member", STAFF: "the reporter"}
NAMES = {user.title(): role for user, role in TEAMS_PEOPLE.items()}  # how Teams shows them
DETAILS = "A journalist rang the office asking about a pupil"
LINK = "https://example.org/story/1"
REFERENCE = re.compile(r"INC-\d{4}-\d{4}")


# Reading each platform back to what a person reads ------------------------------------------


def _words(text: str) -> str:
    """Quotes go: Teams quotes a command to type, Slack shows it as code."""
    return REFERENCE.sub("INC", text).replace('"', "").strip()


def _slack_line(text: str) -> str:
    text = text.replace(f"<!subteam^{SLT_GROUP}>", "SLT")
    text = re.sub(r"<@(\w+)>", lambda m: PEOPLE[m.group(1)], text)
    text = re.sub(r"<([^|>]+)\|([^>]+)>", r"\2", text)
    text = re.sub(rf"`{COMMAND} ([^`]+)`", r"\1", text)
    text = text.removeprefix(">").replace("*", "")
    return _words(html.unescape(text))


def slack_lines(blocks: list[dict[str, Any]]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        if block["type"] in ("header", "section"):
            texts.append(block["text"]["text"])
        elif block["type"] == "context":
            texts += [element["text"] for element in block["elements"]]
    return [_slack_line(line) for text in texts for line in text.split("\n")]


def _teams_line(text: str) -> str:
    for name, role in NAMES.items():
        text = text.replace(name, role)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"\\(.)", r"\1", text.replace("**", ""))
    return _words(text)


def teams_lines(card: dict[str, Any]) -> list[str]:
    return [
        _teams_line(line)
        for element in card["body"]
        if element["type"] == "TextBlock"
        for line in element["text"].split("\n")
    ]


def _model_span(span: Any, people: dict[str, str]) -> str:
    if isinstance(span, str):
        return span
    if isinstance(span, Strong):
        return span.text
    if isinstance(span, Person):
        return people[span.user_id]
    if isinstance(span, Command):
        return span.words
    if isinstance(span, Group):
        return span.words
    assert isinstance(span, Link)
    return span.label


def model_line(spans: Line, people: dict[str, str]) -> str:
    return _words("".join(_model_span(span, people) for span in spans))


def model_lines(card: Card, people: dict[str, str]) -> list[str]:
    lines = [card.title] if card.title else []
    if card.alert:
        lines.append(model_line(card.alert, people))
    lines += [model_line(spans, people) for spans in card.lines]
    if card.quote is not None:
        lines += card.quote.split("\n")
    if card.note:
        lines.append(model_line(card.note, people))
    return [_words(line) for line in lines]


def slack_buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (element["text"]["text"], element["action_id"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def teams_buttons(card: dict[str, Any]) -> list[tuple[str, str]]:
    """Each button's label and verb: a dialog's verb is its name under `incident.`."""
    return [
        (action["title"], action["data"].get("verb") or f"incident.{action['data']['dialog']}")
        for action in card.get("actions", [])
    ]


def model_buttons(card: Card) -> list[tuple[str, str]]:
    return [(button.label, str(button.verb)) for button in card.buttons]


# Both front ends on one bot --------------------------------------------------------------------


@dataclass
class Both:
    bot: RunningBot
    teams: TeamsSender
    connector: BotConnectorStandIn

    def case(self, front_end: str) -> Case:
        with session_scope(self.bot.runtime.services.sessions) as session:
            row = session.scalars(select(Incident).where(Incident.front_end == front_end)).one()
            return Case.of(row)

    def card_ts(self, front_end: str) -> str:
        with session_scope(self.bot.runtime.services.sessions) as session:
            row = session.scalars(select(Incident).where(Incident.front_end == front_end)).one()
            assert row.card_ts is not None
            return row.card_ts

    # Slack --------------------------------------------------------------------------------

    def slack_posts(self, channel: str, *, thread: bool) -> list[dict[str, Any]]:
        return [
            c.params
            for c in self.bot.stand_in.to("chat.postMessage")
            if c.params["channel"] == channel and bool(c.params.get("thread_ts")) == thread
        ]

    def slack_card(self) -> list[dict[str, Any]]:
        updates = self.bot.stand_in.to("chat.update")
        if updates:
            return updates[-1].params["blocks"]
        return self.slack_posts(SLACK_SLT_CHANNEL, thread=False)[0]["blocks"]

    def slack_dm(self, user: str) -> list[dict[str, Any]]:
        return self.slack_posts("D" + user[1:], thread=False)[-1]["blocks"]

    def slack_value(self) -> str:
        case = self.case("slack")
        return f"{case.id}:{case.version}"

    def slack_click(self, action: str, user: str = SLACK_SLT) -> None:
        self.bot.slack.click(action, self.slack_value(), user=user, channel=SLACK_SLT_CHANNEL)
        self.bot.settle()

    def slack_step(self, callback: str, fields: dict[str, Any]) -> None:
        self.bot.modals.submit(
            callback, fields, user=SLACK_SLT, private_metadata=self.slack_value()
        )
        self.bot.settle()

    # Teams --------------------------------------------------------------------------------

    def teams_cards(self, conversation: str, method: str | None = None) -> list[dict[str, Any]]:
        return [
            sent.body["attachments"][0]["content"]
            for sent in self.connector.to(conversation, method)
        ]

    def teams_card(self) -> dict[str, Any]:
        return (self.teams_cards(SLT_CONVERSATION, "PUT") or self.teams_cards(SLT_CONVERSATION))[-1]

    def teams_ref(self) -> dict[str, Any]:
        case = self.case("teams")
        return {"incident": case.id, "version": case.version}

    def teams_execute(self, verb: str, user: str = SLT) -> dict[str, Any]:
        """The card the button's invoke answers with."""
        reply: dict[str, Any] = self.teams.execute(
            verb, {"verb": verb, **self.teams_ref()}, user=user, conversation=SLT_CONVERSATION
        ).json()["value"]
        return reply

    def teams_step(self, name: str, **fields: Any) -> dict[str, Any]:
        reply: dict[str, Any] = self.teams.submit_dialog(
            {"dialog": name, **self.teams_ref(), **fields}, user=SLT
        ).json()
        return reply

    def teams_thread(self) -> list[dict[str, Any]]:
        return self.teams_cards(f"{SLT_CONVERSATION};messageid={self.card_ts('teams')}")

    # The view model -----------------------------------------------------------------------

    def case_card(self, front_end: str) -> Card:
        services = self.bot.runtime.services
        case = self.case(front_end)
        section = services.policy_section(case.kind)
        return present.case_card(case, section=section, zone=services.zone)


@pytest.fixture
def both(bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn) -> Iterator[Both]:
    bot = bot_factory(
        slt_users=[SLACK_SLT],
        slt_usergroup=SLT_GROUP,
        teams_app_id=APP_ID,
        dangerously_allow_unauthenticated_requests=True,
        teams_slt_users=[SLT],
        teams_slt_conversation=SLT_CONVERSATION,
    )
    bot.stand_in.usergroups[SLT_GROUP] = [SLACK_SLT]
    teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url, bot.settle)
    teams.install(user=SLT, conversation=SLT_CONVERSATION, conversation_type="channel")
    for user in (SLT, STAFF):
        teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
    yield Both(bot, teams, connector)


def _happened(both: Both) -> datetime:
    return both.bot.clock.now() - timedelta(hours=1)


def report_on_both(both: Both) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same urgent media report, from each front end; what each form shows once sent."""
    happened = _happened(both)
    slack = both.bot.modals.submit(
        "incident.report",
        {
            "kind": choose("media"),
            "platform": choose("instagram"),
            "account_type": choose("personal"),
            "link": text_input(LINK),
            "happened_at": datetime_input(int(happened.timestamp())),
            "involved": checkboxes("pupil"),
            "details": text_input(DETAILS),
            "actions_taken": checkboxes("screenshot"),
            "at_risk": checkboxes("at_risk"),
        },
        user=SLACK_STAFF,
    ).json()
    both.bot.settle()
    local = happened.astimezone(both.bot.runtime.services.zone)
    teams = both.teams.submit_dialog(
        {
            "dialog": "report",
            "submission": "sub-1",
            "kind": "media",
            "platform": "instagram",
            "account_type": "personal",
            "link": LINK,
            "happened_at_date": local.strftime("%Y-%m-%d"),
            "happened_at_time": local.strftime("%H:%M"),
            "involved": "pupil",
            "details": DETAILS,
            "actions_taken": "screenshot",
            "at_risk": "true",
        },
        user=STAFF,
    ).json()
    return slack["view"], teams["task"]["value"]["card"]["content"]


def assert_same_card(both: Both, slack: list[dict[str, Any]], teams: dict[str, Any]) -> None:
    """The SLT card: the same facts and buttons on both, and both the view model's."""
    assert slack_lines(slack) == teams_lines(teams)
    assert slack_lines(slack) == model_lines(both.case_card("slack"), PEOPLE)
    assert teams_lines(teams) == model_lines(both.case_card("teams"), TEAMS_PEOPLE)
    assert slack_buttons(slack) == teams_buttons(teams) == model_buttons(both.case_card("teams"))


# The tests -----------------------------------------------------------------------------------


def test_a_report_and_its_case_read_the_same_on_slack_and_teams(both: Both) -> None:
    slack_sent, teams_sent = report_on_both(both)

    # What the form says once sent: the reference, the safeguarding text, the holding line.
    confirmation = model_lines(present.reported(both.case("slack")), PEOPLE)
    assert slack_lines(slack_sent["blocks"]) == teams_lines(teams_sent) == confirmation
    assert model_line(present.SAFEGUARDING, PEOPLE) in confirmation
    assert model_line(present.MEDIA_HOLDING_LINE, PEOPLE) in confirmation

    # The reporter's own confirmation, by direct message.
    thanks = model_lines(present.reporter_confirmation(both.case("slack")), PEOPLE)
    assert slack_lines(both.slack_dm(SLACK_STAFF)) == thanks
    assert teams_lines(both.teams_cards(f"a:{STAFF}")[-1]) == thanks

    # The SLT card, new: urgent, waiting for a lead, SLT called on.
    assert_same_card(both, both.slack_card(), both.teams_card())
    assert "📣 SLT a new report needs someone to take the lead." in teams_lines(both.teams_card())
    assert slack_buttons(both.slack_card())[:2] == [
        ("View details", "incident.details"),
        ("Take the lead", "incident.take_lead"),
    ]

    # Someone outside SLT is refused in the same words.
    both.bot.slack.click(
        "incident.take_lead", both.slack_value(), user=SLACK_STAFF, channel=SLACK_SLT_CHANNEL
    )
    both.bot.settle()
    refused = both.teams_execute("incident.take_lead", user=STAFF)
    assert str(NotSLT()) in both.bot.stand_in.to("response_url")[-1].text
    assert teams_lines(refused) == [str(NotSLT())]

    # The details, only for SLT, in full and the same on both.
    both.slack_click("incident.details")
    slack_details = both.bot.stand_in.to("views.open")[-1].params["view"]
    teams_details = both.teams.open_dialog({"dialog": "details", **both.teams_ref()}, user=SLT)
    teams_view = teams_details.json()["task"]["value"]
    details = model_lines(
        present.details(both.case("slack"), zone=both.bot.runtime.services.zone), PEOPLE
    )
    assert slack_lines(slack_details["blocks"]) == teams_lines(teams_view["card"]["content"])[1:]
    assert slack_lines(slack_details["blocks"]) == details[1:]  # the modal's title is its own
    assert slack_details["title"]["text"] == both.case("slack").reference
    assert teams_view["title"] == both.case("teams").reference
    assert DETAILS in details and LINK in " ".join(details)

    # SLT re-pinged, the same way, while nobody leads.
    both.bot.clock.advance(timedelta(minutes=16))
    assert both.bot.tick_incidents() == 2
    reping = model_lines(present.reping(both.case("slack"), waited=timedelta(minutes=16)), PEOPLE)
    assert slack_lines(both.slack_posts(SLACK_SLT_CHANNEL, thread=False)[-1]["blocks"]) == reping
    assert teams_lines(both.teams_cards(SLT_CONVERSATION, "POST")[-1]) == reping

    # Taking the lead: the card, the step in its thread, the reporter's news.
    both.slack_click("incident.take_lead")
    led = both.teams_execute("incident.take_lead")
    assert_same_card(both, both.slack_card(), both.teams_card())
    assert teams_lines(led) == teams_lines(both.teams_card())
    assert "🔵 Open, led by the SLT member" in teams_lines(led)
    assert slack_lines(both.slack_posts(SLACK_SLT_CHANNEL, thread=True)[-1]["blocks"]) == (
        teams_lines(both.teams_thread()[-1])
    )
    news = model_lines(present.reporter_update(both.case("slack"), status="in hand"), PEOPLE)
    assert slack_lines(both.slack_dm(SLACK_STAFF)) == teams_lines(
        both.teams_cards(f"a:{STAFF}")[-1]
    )
    assert slack_lines(both.slack_dm(SLACK_STAFF)) == news


def test_escalation_platform_answer_and_hand_off_show_the_same_facts(both: Both) -> None:
    report_on_both(both)
    when = int(both.bot.clock.now().timestamp())
    local = both.bot.clock.now().astimezone(both.bot.runtime.services.zone)

    both.slack_step(
        "incident.escalate_submit",
        {
            "agency": choose("platform"),
            "reference": text_input("IG-778"),
            "when": datetime_input(when),
        },
    )
    saved = both.teams_step(
        "escalate",
        agency="platform",
        reference="IG-778",
        when_date=local.strftime("%Y-%m-%d"),
        when_time=local.strftime("%H:%M"),
    )
    assert saved["task"]["value"] == present.step_saved(both.case("teams"))
    assert_same_card(both, both.slack_card(), both.teams_card())
    facts = teams_lines(both.teams_card())
    assert "Escalated to The platform (IG-778)" in facts
    assert "Reported to the platform: waiting" in facts
    assert ("Platform's answer", "incident.platform_outcome") in teams_buttons(both.teams_card())
    thread = teams_lines(both.teams_thread()[-1])
    assert slack_lines(both.slack_posts(SLACK_SLT_CHANNEL, thread=True)[-1]["blocks"]) == thread
    assert thread[0].startswith("Escalated to The platform (reference IG-778) — the SLT member")

    # The platform not answering is chased the same way, in the card's thread.
    both.bot.clock.advance(timedelta(days=3, minutes=1))
    both.bot.tick_incidents()
    chase = model_lines(
        present.platform_chase(both.case("slack"), waiting=timedelta(days=3, minutes=1)), PEOPLE
    )
    assert slack_lines(both.slack_posts(SLACK_SLT_CHANNEL, thread=True)[-1]["blocks"]) == chase
    assert teams_lines(both.teams_thread()[-1]) == chase

    both.slack_step("incident.platform_outcome_submit", {"platform_outcome": radio("removed")})
    both.teams_step("platform_outcome", platform_outcome="removed")
    assert_same_card(both, both.slack_card(), both.teams_card())
    assert "Reported to the platform: Removed" in teams_lines(both.teams_card())

    both.slack_step("incident.hand_off_submit", {"reference": text_input("CPOMS-123")})
    both.teams_step("hand_off", reference="CPOMS-123")
    assert_same_card(both, both.slack_card(), both.teams_card())
    facts = teams_lines(both.teams_card())
    assert "Moved to the safeguarding record system (CPOMS-123); details erased here" in facts
    assert "View details" not in [label for label, _ in teams_buttons(both.teams_card())]


def test_the_details_stay_off_every_card_and_message(both: Both) -> None:
    report_on_both(both)
    both.slack_click("incident.take_lead")
    both.teams_execute("incident.take_lead")

    slack_sent = [c for c in both.bot.stand_in.calls if c.method != "views.open"]
    assert slack_sent and all(DETAILS not in c.text for c in slack_sent)
    assert both.connector.sent and all(DETAILS not in s.text for s in both.connector.sent)


def test_case_lists_and_the_safeguarding_text_are_one_text(both: Both) -> None:
    report_on_both(both)
    zone = both.bot.runtime.services.zone

    slack_cases = both.bot.slack.command("incidents", user=SLACK_SLT).json()["blocks"]
    both.teams.message("incidents", user=SLT)
    teams_cases = teams_lines(both.teams_cards(f"a:{SLT}")[-1])
    cases = model_lines(
        present.open_cases([both.case("slack"), both.case("teams")], zone=zone), PEOPLE
    )
    assert slack_lines(slack_cases) == teams_cases == cases

    slack_mine = both.bot.slack.command("myreports", user=SLACK_STAFF).json()["blocks"]
    both.teams.message("myreports", user=STAFF)
    mine = model_lines(present.my_reports([both.case("slack")], zone=zone), PEOPLE)
    assert slack_lines(slack_mine) == teams_lines(both.teams_cards(f"a:{STAFF}")[-1]) == mine
    assert "received, and waiting for a senior leader" in " ".join(mine)

    # The report forms warn in the one safeguarding text.
    safeguarding = model_line(present.SAFEGUARDING, PEOPLE)
    both.bot.slack.command("report", user=SLACK_STAFF)
    view = both.bot.stand_in.wait_for("views.open")[0].params["view"]
    both.bot.slack.click(
        "incident.at_risk",
        "",
        user=SLACK_STAFF,
        container={"type": "view"},
        view={
            **view,
            "id": "V0000001",
            "hash": "h1",
            "state": {"values": {"at_risk": {"incident.at_risk": checkboxes("at_risk")}}},
        },
    )
    both.bot.settle()
    slack_form = both.bot.stand_in.to("views.update")[-1].params["view"]["blocks"]
    teams_form = both.teams.open_dialog({"dialog": "report"}, user=STAFF).json()
    assert safeguarding in slack_lines(slack_form)
    assert safeguarding in teams_lines(teams_form["task"]["value"]["card"]["content"])


def test_resolving_holding_and_reopening_offer_the_same_buttons(both: Both) -> None:
    report_on_both(both)
    both.slack_click("incident.take_lead")
    both.teams_execute("incident.take_lead")

    # A lead left without an update is reminded in the same words.
    both.bot.clock.advance(timedelta(days=5, minutes=1))
    both.bot.tick_incidents()
    idle = model_lines(
        present.lead_reminder(both.case("slack"), idle=timedelta(days=5, minutes=1)), PEOPLE
    )
    assert slack_lines(both.slack_dm(SLACK_SLT)) == idle
    assert teams_lines(both.teams_cards(f"a:{SLT}")[-1]) == idle

    both.slack_step("incident.resolve_submit", {"outcome": choose("nfa"), "note": text_input("")})
    both.teams_step("resolve", outcome="nfa", note="")
    assert_same_card(both, both.slack_card(), both.teams_card())
    assert "✅ Resolved: No further action" in teams_lines(both.teams_card())
    assert [label for label, _ in teams_buttons(both.teams_card())] == [
        "View details",
        "Reopen",
        "Legal hold",
    ]
    news = model_lines(present.reporter_update(both.case("slack"), status="resolved"), PEOPLE)
    assert slack_lines(both.slack_dm(SLACK_STAFF)) == news
    assert teams_lines(both.teams_cards(f"a:{STAFF}")[-1]) == news

    both.slack_click("incident.legal_hold")
    held = both.teams_execute("incident.legal_hold")
    assert_same_card(both, both.slack_card(), both.teams_card())
    assert teams_lines(held) == teams_lines(both.teams_card())
    assert "⚖️ On legal hold: kept whole whatever the retention period" in teams_lines(held)
    assert ("Release legal hold", "incident.legal_hold") in teams_buttons(held)

    both.slack_click("incident.reopen")
    both.teams_execute("incident.reopen")
    assert_same_card(both, both.slack_card(), both.teams_card())
    assert "🔵 Open, led by the SLT member" in teams_lines(both.teams_card())

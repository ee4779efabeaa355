"""Incident reports and SLT cases end to end, through signed requests as Slack sends them."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from bot.app.cli import main
from store.db import session_scope
from store.models import AuditEvent, Incident
from tests.conftest import RunningBot
from tests.slack_requests import checkboxes, datetime_input, radio, text_input
from tests.slack_requests import select as choose

REPORTER = "U0STAFF01"
OTHER_STAFF = "U0STAFF02"
SLT = "U0SLT0001"
SLT_2 = "U0SLT0002"
MEDIA = "U0PRESS01"
SLT_CHANNEL = "C0SLT0001"
DETAILS = "A Year 9 pupil shared a photo of another pupil <!channel> with a rude caption"


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(slt_users=[SLT, SLT_2], media_contact_users=[MEDIA])


def report_form(happened: datetime, **changes: Any) -> dict[str, dict[str, Any]]:
    fields = {
        "kind": choose("image_shared"),
        "platform": choose("instagram"),
        "account_type": choose("personal"),
        "link": text_input("https://instagram.com/p/abc"),
        "happened_at": datetime_input(int(happened.timestamp())),
        "involved": checkboxes("pupil"),
        "details": text_input(DETAILS),
        "actions_taken": checkboxes("screenshot"),
        "at_risk": checkboxes(),
    }
    fields.update(changes)
    return fields


def submit_report(
    bot: RunningBot, *, view_id: str = "V0REPORT1", user: str = REPORTER, **changes: Any
) -> dict[str, Any]:
    payload = bot.modals.submit(
        "incident.report", report_form(bot.clock.now(), **changes), user=user, view_id=view_id
    )
    bot.settle()
    return payload.json()


def case(bot: RunningBot) -> Incident:
    with session_scope(bot.runtime.services.sessions) as session:
        return session.scalars(select(Incident)).one()


def trail(bot: RunningBot) -> list[str]:
    with session_scope(bot.runtime.services.sessions) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def button(bot: RunningBot, action: str) -> str:
    incident = case(bot)
    return f"{incident.id}:{incident.version}"


def click(bot: RunningBot, action: str, user: str = SLT, value: str | None = None) -> None:
    bot.slack.click(action, value or button(bot, action), user=user, channel=SLT_CHANNEL)
    bot.settle()


def submit_step(bot: RunningBot, callback: str, fields: dict[str, Any], user: str = SLT) -> Any:
    response = bot.modals.submit(
        callback, fields, user=user, private_metadata=button(bot, callback)
    )
    bot.settle()
    return response


def posts(bot: RunningBot, channel: str, *, thread: bool | None = None) -> list[Any]:
    return [
        c
        for c in bot.stand_in.to("chat.postMessage")
        if c.params["channel"] == channel
        and (thread is None or bool(c.params.get("thread_ts")) == thread)
    ]


def dms_to(bot: RunningBot, user: str) -> list[str]:
    return [c.text for c in posts(bot, "D" + user[1:])]


def test_report_flow_to_the_end_with_audit_trail_and_privacy(bot: RunningBot) -> None:
    bot.slack.command("report", user=REPORTER)
    opened = bot.stand_in.wait_for("views.open")[0].params["view"]
    assert opened["callback_id"] == "incident.report"

    refused = bot.modals.submit(
        "incident.report",
        report_form(bot.clock.now() + timedelta(hours=3), details=text_input("  ")),
        user=REPORTER,
    ).json()
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {"happened_at", "details"}

    done = submit_report(bot)
    assert done["response_action"] == "update"
    assert "INC-2026-0001" in json.dumps(done["view"])

    card = posts(bot, SLT_CHANNEL, thread=False)[0]
    assert "INC-2026-0001" in card.text and "Image concern: pupil image shared" in card.text
    assert "Instagram, a personal account" in card.text and "View details" in card.text
    assert "<@U0SLT0001> <@U0SLT0002> a new report" in card.text
    assert "Photographs and video" in card.text  # the policy section it engages
    assert "INC-2026-0001" in dms_to(bot, REPORTER)[0]

    click(bot, "incident.details", user=OTHER_STAFF)
    assert "Only SLT" in bot.stand_in.to("response_url")[-1].text
    click(bot, "incident.details")
    details = bot.stand_in.to("views.open")[-1]
    assert "&lt;!channel&gt;" in details.text and "<!channel>" not in details.text

    stale = button(bot, "incident.take_lead")
    click(bot, "incident.take_lead", value=stale)
    assert "Open, led by <@U0SLT0001>" in bot.stand_in.to("chat.update")[-1].text
    assert "Took the lead — <@U0SLT0001>" in posts(bot, SLT_CHANNEL, thread=True)[-1].text
    assert "in hand" in dms_to(bot, REPORTER)[-1]
    click(bot, "incident.take_lead", user=SLT_2, value=stale)  # a second, stale click
    assert "already taken by <@U0SLT0001>" in bot.stand_in.to("response_url")[-1].text

    click(bot, "incident.assess")
    assert bot.stand_in.to("views.open")[-1].params["view"]["callback_id"] == (
        "incident.assess_submit"
    )
    submit_step(
        bot,
        "incident.assess_submit",
        {
            "severity": choose("high"),
            "staff": text_input("Head of Year 9"),
            "agencies": checkboxes("police"),
            "note": text_input("Spoke to parents"),
        },
    )
    assert "High severity; agencies: Police" in posts(bot, SLT_CHANNEL, thread=True)[-1].text
    submit_step(
        bot,
        "incident.escalate_submit",
        {
            "agency": choose("police"),
            "reference": text_input("CAD 4411"),
            "when": datetime_input(int(bot.clock.now().timestamp())),
        },
    )
    assert (
        "Escalated to Police (reference CAD 4411)" in posts(bot, SLT_CHANNEL, thread=True)[-1].text
    )
    submit_step(
        bot,
        "incident.resolve_submit",
        {
            "outcome": choose("police"),
            "note": text_input("Handled by police"),
        },
    )
    assert "Resolved: Referred to police" in bot.stand_in.to("chat.update")[-1].text
    assert "resolved" in dms_to(bot, REPORTER)[-1]
    click(bot, "incident.reopen")
    assert case(bot).status == "open"

    assert trail(bot) == [
        "reported",
        "viewed_details",
        "took_lead",
        "assessed",
        "escalated",
        "resolved",
        "reopened",
    ]
    # The details went nowhere but the SLT member's details modal.
    carrying = [c for c in bot.stand_in.calls if "Year 9 pupil shared" in c.text]
    assert [(c.method, c.params.get("trigger_id") is not None) for c in carrying] == [
        ("views.open", True)
    ]
    assert all(
        "Spoke to parents" not in c.text and "Head of Year 9" not in c.text
        for c in bot.stand_in.calls
        if c.method != "views.open"
    )


def test_non_slt_cannot_act_and_nothing_changes(bot: RunningBot) -> None:
    submit_report(bot)
    click(bot, "incident.take_lead", user=OTHER_STAFF)
    step = submit_step(
        bot,
        "incident.resolve_submit",
        {"outcome": choose("nfa"), "note": text_input("")},
        user=REPORTER,
    )

    assert "Only SLT" in bot.stand_in.to("response_url")[-1].text
    assert step.json()["response_action"] == "errors"
    assert case(bot).status == "reported" and trail(bot) == ["reported"]
    assert "Only SLT" in bot.slack.command("incidents", user=OTHER_STAFF).text


def test_double_submit_makes_one_case(bot: RunningBot) -> None:
    first = submit_report(bot, view_id="V0SAME001")
    second = submit_report(bot, view_id="V0SAME001")

    assert "INC-2026-0001" in json.dumps(first) and "INC-2026-0001" in json.dumps(second)
    assert case(bot).reference == "INC-2026-0001"
    assert len(posts(bot, SLT_CHANNEL, thread=False)) == 1


def test_urgent_report_warns_dms_slt_and_repings_until_someone_leads(bot: RunningBot) -> None:
    bot.slack.command("report", user=REPORTER)
    view = bot.stand_in.wait_for("views.open")[0].params["view"]
    bot.slack.click(
        "incident.at_risk",
        "",
        user=REPORTER,
        container={"type": "view"},
        view={
            **view,
            "id": "V0000001",
            "hash": "h1",
            "state": {"values": {"at_risk": {"incident.at_risk": checkboxes("at_risk")}}},
        },
    )
    bot.settle()
    assert (
        "Contact the Designated Safeguarding Lead (DSL) immediately"
        in bot.stand_in.to("views.update")[-1].text
    )

    submit_report(bot, at_risk=checkboxes("at_risk"))
    assert "URGENT" in posts(bot, SLT_CHANNEL)[0].text
    assert any("a child may be at risk" in t for t in dms_to(bot, SLT))
    assert any("a child may be at risk" in t for t in dms_to(bot, SLT_2))

    bot.clock.advance(timedelta(minutes=14))
    assert bot.tick_incidents() == 0
    bot.clock.advance(timedelta(minutes=2))
    assert bot.tick_incidents() == 1
    assert "has waited 16m without anyone taking the lead" in posts(bot, SLT_CHANNEL)[-1].text
    assert bot.tick_incidents() == 0
    bot.clock.advance(timedelta(minutes=15))
    assert bot.tick_incidents() == 1
    click(bot, "incident.take_lead")
    bot.clock.advance(timedelta(hours=2))
    bot.tick_incidents()
    assert len([p for p in posts(bot, SLT_CHANNEL) if "without anyone" in p.text]) == 2


def test_ordinary_report_repings_after_an_hour_and_idle_cases_remind_the_lead(
    bot: RunningBot,
) -> None:
    submit_report(bot)
    bot.clock.advance(timedelta(minutes=59))
    assert bot.tick_incidents() == 0
    bot.clock.advance(timedelta(minutes=2))
    assert bot.tick_incidents() == 1

    click(bot, "incident.take_lead")
    bot.clock.advance(timedelta(days=5, minutes=1))
    assert bot.tick_incidents() == 1
    assert "no update for 5d" in dms_to(bot, SLT)[-1]
    assert bot.tick_incidents() == 0


def test_media_contact_reaches_the_spokesperson_and_shows_the_holding_line(
    bot: RunningBot,
) -> None:
    done = submit_report(bot, kind=choose("media"))

    assert "holding line" in json.dumps(done["view"]) or "pass your enquiry" in json.dumps(
        done["view"]
    )
    assert "journalist" in dms_to(bot, MEDIA)[0]
    assert DETAILS[:20] not in dms_to(bot, MEDIA)[0]


def test_platform_report_is_chased_until_it_answers(bot: RunningBot) -> None:
    submit_report(bot)
    click(bot, "incident.take_lead")
    submit_step(
        bot,
        "incident.escalate_submit",
        {
            "agency": choose("platform"),
            "reference": text_input("IG-778"),
            "when": datetime_input(int(bot.clock.now().timestamp())),
        },
    )
    bot.clock.advance(timedelta(days=3, minutes=1))
    assert bot.tick_incidents() == 1
    assert "the platform has not answered" in posts(bot, SLT_CHANNEL, thread=True)[-1].text

    submit_step(bot, "incident.platform_outcome_submit", {"platform_outcome": radio("removed")})
    bot.clock.advance(timedelta(days=3))
    bot.tick_incidents()
    assert len([p for p in posts(bot, SLT_CHANNEL) if "has not answered" in p.text]) == 1
    assert "Platform's answer: Removed" in posts(bot, SLT_CHANNEL, thread=True)[-1].text


def test_safeguarding_hand_off_erases_the_details(bot: RunningBot) -> None:
    submit_report(bot)
    submit_step(bot, "incident.hand_off_submit", {"reference": text_input("CPOMS-123")})

    incident = case(bot)
    assert incident.details is None and incident.link is None
    assert incident.safeguarding_reference == "CPOMS-123"
    assert "View details" not in bot.stand_in.to("chat.update")[-1].text
    assert trail(bot) == ["reported", "handed_off"]


def test_reporters_see_their_own_reports_only(bot: RunningBot) -> None:
    submit_report(bot)

    mine = bot.slack.command("myreports", user=REPORTER).text
    assert "INC-2026-0001" in mine and "received" in mine
    assert "INC-2026-0001" not in bot.slack.command("myreports", user=OTHER_STAFF).text
    assert "INC-2026-0001" in bot.slack.command("incidents", user=SLT).text


def test_export_case_writes_the_case_and_its_trail(
    bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    submit_report(bot)
    click(bot, "incident.take_lead")
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["export-case", "inc-2026-0001"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["case"]["reference"] == "INC-2026-0001"
    assert exported["case"]["details"] == DETAILS
    assert [e["action"] for e in exported["audit_trail"]] == ["reported", "took_lead"]
    assert main(["export-case", "INC-2026-0999"]) == 1


def test_the_audit_trail_cannot_be_changed(bot: RunningBot) -> None:
    submit_report(bot)

    for statement in ("UPDATE audit_events SET summary = 'nothing'", "DELETE FROM audit_events"):
        with (
            pytest.raises(DBAPIError, match="append-only"),
            session_scope(bot.runtime.services.sessions) as session,
        ):
            session.execute(text(statement))
    assert trail(bot) == ["reported"]


def test_report_from_a_message_and_from_the_shortcut_menu(bot: RunningBot) -> None:
    bot.modals.message_shortcut("incident.report_from_message", "look at this", user=REPORTER)
    from_message = bot.stand_in.wait_for("views.open")[0].params["view"]
    blocks = {b.get("block_id"): b for b in from_message["blocks"]}
    assert from_message["callback_id"] == "incident.report"
    assert blocks["link"]["element"]["initial_value"].startswith(
        "https://school.slack.com/archives/C0GENERAL/p"
    )

    bot.modals.global_shortcut("incident.report_global", user=REPORTER)
    assert bot.stand_in.wait_for("views.open", 2)[1].params["view"]["callback_id"] == (
        "incident.report"
    )


def test_reports_submitted_at_once_on_an_empty_database_each_get_a_reference(
    bot: RunningBot,
) -> None:
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def report(n: int) -> None:
        form = report_form(bot.clock.now())
        barrier.wait()
        response = bot.modals.submit(
            "incident.report", form, user=f"U0STAFF{n:02d}", view_id=f"V0REPORT{n}"
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=report, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    bot.settle()

    assert statuses == [200] * 8
    with session_scope(bot.runtime.services.sessions) as session:
        references = sorted(session.scalars(select(Incident.reference)))
    assert references == [f"INC-2026-{n:04d}" for n in range(1, 9)]

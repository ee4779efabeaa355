"""Comment tracking end to end: signed requests in, what Slack was asked to show out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from store.db import session_scope
from store.models import Comment, CommentNotice
from tests.conftest import RunningBot
from tests.slack_requests import checkboxes, datetime_input, radio, text_input
from tests.slack_requests import select as choose

MODERATOR = "U0MOD0001"
SLT = "U0SLT0001"
STAFF = "U0STAFF01"
MODS_CHANNEL = "C0MODS001"
SLT_CHANNEL = "C0SLT0001"


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(
        moderators_channel=MODS_CHANNEL,
        moderator_users=[MODERATOR],
        slt_users=[SLT],
        school_accounts=["Facebook: @ourschool", "Instagram: @ourschool_pe"],
    )


def comment_form(received: datetime, **changes: Any) -> dict[str, dict[str, Any]]:
    fields = {
        "platform": choose("facebook"),
        "account": choose("Facebook: @ourschool"),
        "account_other": text_input(None),
        "kind": choose("complaint"),
        "author": choose("parent"),
        "link": text_input("https://facebook.com/ourschool/posts/123"),
        "received_at": datetime_input(int(received.timestamp())),
        "summary": text_input("Parent unhappy that the trip photos are not up yet"),
        "offensive": checkboxes(),
    }
    fields.update(changes)
    return fields


def stored(bot: RunningBot) -> list[Comment]:
    with session_scope(bot.runtime.services.sessions) as session:
        return list(session.scalars(select(Comment).order_by(Comment.id)))


def notices(bot: RunningBot) -> list[str]:
    with session_scope(bot.runtime.services.sessions) as session:
        sent = select(CommentNotice.kind).where(CommentNotice.sent_at.is_not(None))
        return sorted(session.scalars(sent))


def log_comment(bot: RunningBot, received: datetime) -> Comment:
    response = bot.modals.submit("comment.log", comment_form(received), user=MODERATOR)
    assert response.status_code == 200 and not response.content
    bot.settle()
    return stored(bot)[-1]


def posts_to(bot: RunningBot, channel: str) -> list[Any]:
    return [c for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == channel]


def test_log_modal_opens_for_moderators_and_refuses_others(bot: RunningBot) -> None:
    refused = bot.slack.command("log", user=STAFF).json()
    assert "Only the school's social media moderators" in refused["text"]
    assert bot.stand_in.to("views.open") == []

    assert bot.slack.command("log", user=MODERATOR).status_code == 200
    view = bot.stand_in.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "comment.log"
    blocks = {b["block_id"]: b for b in view["blocks"]}
    accounts = [o["value"] for o in blocks["account"]["element"]["options"]]
    assert accounts == ["Facebook: @ourschool", "Instagram: @ourschool_pe", "other"]
    assert "initial_date_time" in blocks["received_at"]["element"]


def test_bad_values_get_inline_errors_and_nothing_is_stored(bot: RunningBot) -> None:
    future = bot.clock.now() + timedelta(hours=2)
    form = comment_form(
        future,
        link=text_input("javascript:alert(1)"),
        summary=text_input("   "),
        platform=choose("myspace"),
    )
    response = bot.modals.submit("comment.log", form, user=MODERATOR)

    errors = response.json()["errors"]
    assert response.json()["response_action"] == "errors"
    assert set(errors) == {"received_at", "link", "summary", "platform"}
    assert "future" in errors["received_at"]
    too_long = bot.modals.submit(
        "comment.log",
        comment_form(bot.clock.now(), summary=text_input("x" * 501)),
        user=MODERATOR,
    ).json()
    assert "under 500 characters" in too_long["errors"]["summary"]
    assert stored(bot) == []
    assert bot.stand_in.to("chat.postMessage") == []


def test_whole_flow_card_reminders_escalation_and_response(bot: RunningBot) -> None:
    start = bot.clock.now()  # Wednesday 10:00 UTC, term time
    comment = log_comment(bot, received=start - timedelta(hours=1))

    assert comment.due_at == start + timedelta(hours=23)
    card = posts_to(bot, MODS_CHANNEL)[0]
    assert "Complaint on Facebook" in card.text
    assert "Reply due Thu 26 Nov, 09:00" in card.text  # London = UTC in November
    assert "23h 00m left" in card.text
    assert f"<@{MODERATOR}>" in card.text and "Mark responded" in card.text
    card_ts = stored(bot)[0].card_ts
    assert card_ts

    bot.clock.advance(timedelta(hours=18, minutes=30))  # 4h 30m left: nothing yet
    assert bot.tick() == 0

    bot.clock.advance(timedelta(minutes=31))  # 3h 59m left: first reminder
    assert bot.tick() == 1
    reminder = posts_to(bot, MODS_CHANNEL)[-1]
    assert reminder.params["thread_ts"] == card_ts
    assert "3h 59m left to reply to #1" in reminder.text
    assert "late" not in reminder.text
    assert "3h 59m left" in bot.stand_in.to("chat.update")[-1].text

    bot.slack.click("comment.assign", str(comment.id), user=MODERATOR)
    assert "is yours" in bot.stand_in.wait_for("response_url")[0].text
    assert f"taken on by <@{MODERATOR}>" in bot.stand_in.wait_for("chat.update", 2)[-1].text

    bot.clock.advance(timedelta(hours=3))  # 59m left: second reminder, to the thread and a DM
    assert bot.tick() == 2
    assert "59m left to reply" in posts_to(bot, MODS_CHANNEL)[-1].text
    assert bot.stand_in.to("conversations.open")[-1].params["users"] == MODERATOR
    dm = posts_to(bot, "D0MOD0001")
    assert len(dm) == 1 and "59m left to reply" in dm[0].text

    bot.clock.advance(timedelta(hours=1))  # a minute past the deadline: escalate once
    assert bot.tick() == 1
    escalation = posts_to(bot, SLT_CHANNEL)
    assert len(escalation) == 1
    assert f"<@{SLT}>" in escalation[0].text
    assert "https://school.slack.com/archives/C0MODS001/p" in escalation[0].text
    assert "OVERDUE" in bot.stand_in.to("chat.update")[-1].text
    assert bot.tick() == 0
    assert notices(bot) == [
        "card",
        "escalation",
        "reminder-14400",
        "reminder-3600",
        "reminder-3600-dm",
    ]

    bot.slack.click("comment.respond", str(comment.id), user=MODERATOR)
    modal = bot.stand_in.wait_for("views.open")[0].params["view"]
    assert modal["callback_id"] == "comment.responded"
    missing = bot.modals.submit(
        "comment.responded",
        {"response": {}, "note": text_input("")},
        user=MODERATOR,
        private_metadata=modal["private_metadata"],
    )
    assert "response" in missing.json()["errors"]
    done = bot.modals.submit(
        "comment.responded",
        {"response": radio("answered"), "note": text_input("Replied with the upload date")},
        user=MODERATOR,
        private_metadata=modal["private_metadata"],
    )
    assert done.status_code == 200 and not done.content
    updated = bot.stand_in.wait_for("chat.update", 5)[-1]
    assert "Responded" in updated.text and "Mark responded" not in updated.text
    assert stored(bot)[0].status == "responded"
    assert stored(bot)[0].next_notice_at is None

    bot.clock.advance(timedelta(days=2))
    assert bot.tick() == 0


def test_second_response_is_refused(bot: RunningBot) -> None:
    comment = log_comment(bot, received=bot.clock.now())
    form = {"response": radio("acknowledged"), "note": text_input("")}
    first = bot.modals.submit(
        "comment.responded", form, user=MODERATOR, private_metadata=str(comment.id)
    )
    again = bot.modals.submit(
        "comment.responded", form, user=MODERATOR, private_metadata=str(comment.id)
    )

    assert not first.content
    assert "Already marked responded" in again.json()["errors"]["response"]


def test_non_moderators_are_refused_and_nothing_changes(bot: RunningBot) -> None:
    comment = log_comment(bot, received=bot.clock.now())

    bot.slack.click("comment.assign", str(comment.id), user=STAFF)
    assert (
        "Only the school's social media moderators" in bot.stand_in.wait_for("response_url")[0].text
    )
    refused = bot.modals.submit("comment.log", comment_form(bot.clock.now()), user=STAFF).json()
    assert refused["response_action"] == "errors"
    assert "Only the school's" in bot.slack.command("pending", user=STAFF).text
    assert [c.assignee for c in stored(bot)] == [None]
    assert len(stored(bot)) == 1


def test_weekend_comment_is_due_at_the_end_of_monday(bot: RunningBot) -> None:
    saturday = datetime.fromisoformat("2026-11-28T11:00:00+00:00")
    bot.clock.set(saturday + timedelta(hours=1))
    comment = log_comment(bot, received=saturday)

    assert comment.due_at == datetime.fromisoformat("2026-11-30T17:00:00+00:00")
    assert "Reply due Mon 30 Nov, 17:00" in posts_to(bot, MODS_CHANNEL)[0].text


def test_offensive_comment_offers_the_incident_report(bot: RunningBot) -> None:
    form = comment_form(bot.clock.now(), offensive=checkboxes("offensive"))
    response = bot.modals.submit("comment.log", form, user=MODERATOR).json()

    assert response["response_action"] == "update"
    assert "Report incident to SLT" in str(response["view"])
    comment_id = stored(bot)[0].id
    bot.slack.click(
        "incident.open_report",
        str(comment_id),
        user=MODERATOR,
        container={"type": "view", "view_id": "V0000001"},
        view={"id": "V0000001", "type": "modal", "callback_id": "", "state": {"values": {}}},
    )
    pushed = bot.stand_in.wait_for("views.push")[0].params["view"]
    assert pushed["callback_id"] == "incident.report"
    assert pushed["private_metadata"] == str(comment_id)
    blocks = {b.get("block_id"): b for b in pushed["blocks"]}
    assert blocks["link"]["element"]["initial_value"] == "https://facebook.com/ourschool/posts/123"
    assert blocks["platform"]["element"]["initial_option"]["value"] == "facebook"


def test_message_shortcut_prefills_the_modal(bot: RunningBot) -> None:
    bot.modals.message_shortcut(
        "comment.log_from_message",
        "Look at this on our page https://facebook.com/ourschool/posts/9 — rude!",
        user=MODERATOR,
    )

    view = bot.stand_in.wait_for("views.open")[0].params["view"]
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["link"]["element"]["initial_value"] == "https://facebook.com/ourschool/posts/9"
    assert "rude!" in blocks["summary"]["element"]["initial_value"]


def test_pending_lists_open_comments_soonest_first(bot: RunningBot) -> None:
    later = log_comment(bot, received=bot.clock.now())
    sooner = log_comment(bot, received=bot.clock.now() - timedelta(hours=5))

    listing = bot.slack.command("pending", user=MODERATOR).text
    assert listing.index(f"#{sooner.id}") < listing.index(f"#{later.id}")
    assert "19h 00m left" in listing

    bot.slack.event({"type": "app_home_opened", "user": MODERATOR, "tab": "home"})
    home = bot.stand_in.wait_for("views.publish")[0]
    assert "Comments awaiting a reply" in home.text and "Log a comment" in home.text


def test_moderators_can_come_from_a_user_group(
    bot_factory: Callable[..., RunningBot],
) -> None:
    bot = bot_factory(moderators_channel=MODS_CHANNEL, moderator_usergroup="S0MODS001")
    bot.stand_in.usergroups["S0MODS001"] = ["U0GROUP01"]

    bot.slack.command("log", user="U0GROUP01")
    assert bot.stand_in.wait_for("views.open")[0].params["view"]["callback_id"] == "comment.log"
    assert "Only the school's" in bot.slack.command("log", user=STAFF).text
    # Resolved once, then cached.
    assert len(bot.stand_in.to("usergroups.users.list")) == 1

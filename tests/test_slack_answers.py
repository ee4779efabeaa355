"""Policy answers through the real Bolt app, driven by signed requests as Slack sends them."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select

from store.db import session_scope
from store.models import Question
from tests.conftest import RunningBot


def _blocks_text(payload: dict[str, Any]) -> str:
    return json.dumps(payload.get("blocks", []), ensure_ascii=False)


def _button(payload: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in payload["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button in {payload}")


def _questions(bot: RunningBot) -> list[Question]:
    with session_scope(bot.runtime.services.sessions) as session:
        return list(session.scalars(select(Question)))


def test_question_is_answered_privately_in_the_ack_with_its_section(bot: RunningBot) -> None:
    response = bot.slack.command("can i use the school crest on my own profile?")

    assert response.status_code == 200
    payload = response.json()
    assert payload.get("response_type", "ephemeral") == "ephemeral"
    text = _blocks_text(payload)
    assert "Looking after your own accounts" in text
    assert "Never use the school's logo" in text
    assert "Policy version" in text
    assert _button(payload, "answer.whole_section")["value"]
    stored = _questions(bot)
    assert [(q.text, q.confident, q.asked_by) for q in stored] == [
        ("can i use the school crest on my own profile?", True, None)
    ]
    assert stored[0].best_section.endswith("Looking after your own accounts")


def test_a_question_the_bot_is_unsure_of_shows_the_closest_passages_and_says_so(
    bot: RunningBot,
) -> None:
    payload = bot.slack.command("can i follow an ex student on insta?").json()

    text = _blocks_text(payload)
    assert "not sure the policy answers this exactly" in text
    assert "Pupils and former pupils" in text and "former pupils" in text
    assert "press Ask SLT" in text and _button(payload, "answer.ask_slt")
    assert not _questions(bot)[0].confident


def test_unknown_question_is_admitted_not_invented(bot: RunningBot) -> None:
    payload = bot.slack.command("where do i order more whiteboard pens").json()

    assert "not sure the policy answers this exactly" in _blocks_text(payload)
    assert _button(payload, "answer.ask_slt")
    assert not _questions(bot)[0].confident


def test_forged_or_stale_requests_are_refused_and_do_nothing(bot: RunningBot) -> None:
    forged = bot.slack.command("help", signature="v0=" + "0" * 64)
    stale = bot.slack.command("help", timestamp=int(time.time()) - 60 * 10)

    assert forged.status_code == 401
    assert stale.status_code == 401
    assert "blocks" not in forged.text and "blocks" not in stale.text
    assert _questions(bot) == []
    assert bot.stand_in.calls == []


def test_help_topics_and_section(bot: RunningBot) -> None:
    assert "/socialpolicy topics" in _blocks_text(bot.slack.command("").json())
    assert "/socialpolicy section" in _blocks_text(bot.slack.command("help").json())
    topics = _blocks_text(bot.slack.command("topics").json())
    assert "Roles and responsibilities › Senior leadership team" in topics
    section = _blocks_text(bot.slack.command("section photographs").json())
    assert "Photographs and video" in section
    assert "do-not-publish" in section
    missing = _blocks_text(bot.slack.command("section quantum physics").json())
    assert "couldn't find a section" in missing
    assert _questions(bot) == []


def test_markup_and_mentions_in_a_question_are_never_echoed_live(bot: RunningBot) -> None:
    payload = bot.slack.command("<!channel> <@U0BOSS> can i post pupil photos?").json()
    bot.slack.click("answer.ask_slt", _button(payload, "answer.ask_slt")["value"])

    slt_post = bot.stand_in.wait_for("chat.postMessage")[0]
    assert slt_post.params["channel"] == "C0SLT0001"
    assert "<!channel>" not in slt_post.text and "U0BOSS" not in slt_post.text
    assert "can i post pupil photos?" in slt_post.text
    assert "<@U0STAFF01>" in slt_post.text  # who asked is named, on purpose
    reply = bot.stand_in.wait_for("response_url")[0]
    assert "Sent to SLT" in reply.text
    assert reply.params["response_type"] == "ephemeral"
    assert _questions(bot)[0].asked_by == "U0STAFF01"


def test_text_that_looks_like_markup_is_escaped_when_passed_on(bot: RunningBot) -> None:
    # Slack escapes &, < and > in a command's text.
    payload = bot.slack.command("is &lt;b&gt;this&lt;/b&gt; &amp; &lt;that&gt; ok on fb?").json()
    bot.slack.click("answer.ask_slt", _button(payload, "answer.ask_slt")["value"])

    slt_post = bot.stand_in.wait_for("chat.postMessage")[0]
    assert "&lt;b&gt;this&lt;/b&gt; &amp; &lt;that&gt;" in slt_post.text
    assert "<b>" not in slt_post.text


def test_over_long_question_is_cut_politely(bot: RunningBot) -> None:
    payload = bot.slack.command("can i post photos of pupils " + "really " * 80).json()

    assert "read its first 300 characters" in _blocks_text(payload)
    assert len(_questions(bot)[0].text) <= 300


def test_feedback_is_stored(bot: RunningBot) -> None:
    payload = bot.slack.command("who approves a new school account").json()
    bot.slack.click("answer.not_helpful", _button(payload, "answer.not_helpful")["value"])

    assert "Thanks for saying" in bot.stand_in.wait_for("response_url")[0].text
    assert _questions(bot)[0].feedback == -1


def test_share_posts_the_answer_but_not_who_asked(bot: RunningBot) -> None:
    payload = bot.slack.command("how often should someone be checking the school twitter").json()
    bot.slack.click("answer.share", _button(payload, "answer.share")["value"])

    shared = bot.stand_in.wait_for("response_url")[0]
    assert shared.params["response_type"] == "in_channel"
    assert "Monitoring school accounts and responding" in shared.text
    assert "U0STAFF01" not in shared.text
    assert "how often should someone" not in shared.text


def test_whole_section_button(bot: RunningBot) -> None:
    payload = bot.slack.command("can i use the school logo on my own profile").json()
    bot.slack.click("answer.whole_section", _button(payload, "answer.whole_section")["value"])

    section = bot.stand_in.wait_for("response_url")[0]
    assert "Looking after your own accounts" in section.text
    assert section.params["response_type"] == "ephemeral"


def test_app_home_lists_sections_and_version(bot: RunningBot) -> None:
    response = bot.slack.event({"type": "app_home_opened", "user": "U0STAFF01", "tab": "home"})

    assert response.status_code == 200
    published = bot.stand_in.wait_for("views.publish")[0]
    assert published.params["user_id"] == "U0STAFF01"
    assert "Photographs and video" in published.text
    assert "Policy in force" in published.text


def test_health_check(bot: RunningBot) -> None:
    import httpx

    assert httpx.get(f"{bot.base_url}/healthz").json() == {"status": "ok"}

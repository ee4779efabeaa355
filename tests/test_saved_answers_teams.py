"""SLT teach the bot, in Teams: Reply on a question passed on (a dialog) reaches its asker and
can be saved; the saved answer comes first for questions meaning the same; `answers` lists
them with Edit and Remove (dialogs) and Still holds once the policy changes; 👎 counts as
unanswered. Only SLT may do any of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app.jobs import SAVED_ANSWERS_JOB
from tests.conftest import RunningBot
from tests.policy_versions import publish
from tests.teams_bot import SLT, SLT_CONVERSATION, STAFF, TeamsBot
from tests.teams_standin import BotConnectorStandIn, TeamsSender
from tests.test_saved_answers_slack import (  # the same questions, answer and policy file
    ANSWER,
    PARAPHRASE,
    QUESTION,
    UNRELATED,
    policy_file,
)

__all__ = ["policy_file"]  # a fixture, used by name


@pytest.fixture
def start(
    bot_factory: Callable[..., RunningBot], connector: BotConnectorStandIn, policy_file: Path
) -> Callable[[], TeamsBot]:
    """The Teams bot on the school's policy file; started again, it reads the file again."""

    def started() -> TeamsBot:
        bot = bot_factory(
            slack_bot_token=None,
            slack_signing_secret=None,
            slt_channel=None,
            teams_app_id="00000000-0000-0000-0000-0000000000aa",
            dangerously_allow_unauthenticated_requests=True,
            teams_slt_users=[SLT],
            teams_slt_conversation=SLT_CONVERSATION,
            policy_path=policy_file,
        )
        teams = TeamsSender(f"{bot.base_url}/api/messages", connector.url)
        teams.install(user=SLT, conversation=SLT_CONVERSATION, conversation_type="channel")
        for user in (SLT, STAFF):
            teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
        return TeamsBot(bot, teams, connector)

    return started


def _card(both: TeamsBot, conversation: str) -> dict[str, Any]:
    return both.connector.to(conversation)[-1].body["attachments"][0]["content"]


def _actions(node: Any) -> list[dict[str, Any]]:
    """Every action in a card, top-level or in an ActionSet."""
    if isinstance(node, dict):
        found = [node] if str(node.get("type", "")).startswith("Action.") else []
        return found + [a for value in node.values() for a in _actions(value)]
    if isinstance(node, list):
        return [a for value in node for a in _actions(value)]
    return []


def _data(card: dict[str, Any], title: str) -> dict[str, Any]:
    found = [a["data"] for a in _actions(card) if a.get("title") == title and "data" in a]
    assert found, f"no {title} button in {json.dumps(card)[:500]}"
    return found[0]


def _ask(both: TeamsBot, words: str) -> dict[str, Any]:
    both.teams.message(words, user=STAFF)
    return _card(both, f"a:{STAFF}")


def _say(both: TeamsBot, words: str, user: str) -> str:
    both.teams.message(words, user=user)
    return both.connector.to(f"a:{user}")[-1].text


def _pass_on(both: TeamsBot) -> str:
    """Staff ask, are unsure and press Ask SLT: the question's id on SLT's Reply button."""
    ask = _data(_ask(both, QUESTION), "Ask SLT")
    assert "Sent to SLT" in both.teams.execute("answer.ask_slt", ask, user=STAFF).text
    reply = _data(_card(both, SLT_CONVERSATION), "Reply")
    assert reply["dialog"] == "slt_reply"
    return str(reply["question"])


def _task(response: Any) -> dict[str, Any]:
    return response.json()["task"]


def _reply(both: TeamsBot, question: str, answer: str, *, user: str = SLT) -> dict[str, Any]:
    data = {"dialog": "slt_reply", "question": question, "answer": answer, "save": "true"}
    return _task(both.teams.submit_dialog(data, user=user))


def test_slt_reply_in_a_dialog_reaches_the_asker_and_is_given_first_later(
    start: Callable[[], TeamsBot],
) -> None:
    both = start()
    question = _pass_on(both)
    opening = {"dialog": "slt_reply", "question": question}

    refused = _task(both.teams.open_dialog(opening, user=STAFF))
    assert refused["type"] == "message" and "Only SLT" in refused["value"]
    opened = _task(both.teams.open_dialog(opening, user=SLT))
    assert opened["type"] == "continue" and QUESTION in json.dumps(opened)
    empty = _reply(both, question, " ")
    assert empty["type"] == "continue" and "Write the answer" in json.dumps(empty)
    assert "Only SLT" in _reply(both, question, ANSWER, user=STAFF)["value"]

    done = _reply(both, question, ANSWER)
    assert done["type"] == "message"
    assert "Sent to the member of staff" in done["value"] and "Saved as the school" in done["value"]
    dm = both.connector.to(f"a:{STAFF}")[-1].text
    assert "SLT answered your policy question" in dm and "sixth form" in dm
    assert "already been answered" in _reply(both, question, "again")["value"]

    later = json.dumps(_ask(both, PARAPHRASE), ensure_ascii=False)
    assert "Answered by SLT on 25 November 2026" in later and "sixth form" in later
    assert later.index("Answered by SLT") < later.index("From the policy")
    assert "Policy section: " in later and "Pupils and former pupils" in later
    unrelated = json.dumps(_ask(both, UNRELATED), ensure_ascii=False)
    assert "Answered by SLT" not in unrelated and "sixth form" not in unrelated


def test_slt_list_edit_and_remove_saved_answers_and_nobody_else_can(
    start: Callable[[], TeamsBot],
) -> None:
    both = start()
    _reply(both, _pass_on(both), ANSWER)

    assert "Only SLT" in _say(both, "answers", STAFF)
    both.teams.message("answers", user=SLT)
    listing = _card(both, f"a:{SLT}")
    assert "1 saved answer" in json.dumps(listing) and QUESTION in json.dumps(listing)
    edit, remove = _data(listing, "Edit"), _data(listing, "Remove")
    assert (edit["dialog"], remove["dialog"]) == ("edit_saved", "remove_saved")
    saved = edit["saved"]

    for dialog in (edit, remove):
        assert "Only SLT" in _task(both.teams.open_dialog(dialog, user=STAFF))["value"]
    opened = _task(both.teams.open_dialog(edit, user=SLT))
    assert opened["type"] == "continue" and "sixth form" in json.dumps(opened)

    def submit_edit(section: str, user: str = SLT) -> dict[str, Any]:
        form = {
            "dialog": "edit_saved",
            "saved": saved,
            "question": QUESTION,
            "answer": "Only with the Head's written agreement.",
            "section": section,
        }
        return _task(both.teams.submit_dialog(form, user=user))

    bad = submit_edit("quantum physics")
    assert bad["type"] == "continue" and "no section of the policy" in json.dumps(bad)
    assert "Only SLT" in submit_edit("photographs", user=STAFF)["value"]
    assert submit_edit("former pupils")["value"].startswith("Saved")
    edited = json.dumps(_ask(both, PARAPHRASE), ensure_ascii=False)
    assert "written agreement" in edited and "sixth form" not in edited

    opened = _task(both.teams.open_dialog(remove, user=SLT))
    assert opened["type"] == "continue" and "written agreement" in json.dumps(opened)
    submitted = {"dialog": "remove_saved", "saved": saved}
    assert "Only SLT" in _task(both.teams.submit_dialog(submitted, user=STAFF))["value"]
    removed = _task(both.teams.submit_dialog(submitted, user=SLT))
    assert "no longer get that answer" in removed["value"]
    assert "Answered by SLT" not in json.dumps(_ask(both, PARAPHRASE))
    assert "No saved answers yet" in _say(both, "answers", SLT)


def test_a_new_policy_version_flags_saved_answers_until_slt_say_they_still_hold(
    start: Callable[[], TeamsBot], policy_file: Path
) -> None:
    both = start()
    _reply(both, _pass_on(both), ANSWER)
    assert both.bot.tick(SAVED_ANSWERS_JOB) == 0

    revised_text = policy_file.read_text() + "\n- Keep your settings private.\n"
    runtime = both.bot.runtime
    assert runtime.teams is not None
    publish(runtime, revised_text.encode(), user=SLT, roles=runtime.teams.roles, front_end="teams")
    revised = start()
    assert revised.bot.tick(SAVED_ANSWERS_JOB) == 1
    assert revised.bot.tick(SAVED_ANSWERS_JOB) == 0
    notice = _card(revised, SLT_CONVERSATION)
    assert "Saved answers to look at again" in json.dumps(notice)
    holds = _data(notice, "Still holds")
    assert "Answered by SLT" not in json.dumps(_ask(revised, PARAPHRASE))

    refused = revised.teams.execute("teach.still_holds", holds, user=STAFF).text
    assert "Only SLT" in refused
    assert "is given again" in revised.teams.execute("teach.still_holds", holds, user=SLT).text
    assert "Answered by SLT" in json.dumps(_ask(revised, PARAPHRASE))


def test_a_thumbs_down_puts_the_question_on_the_unanswered_list(
    start: Callable[[], TeamsBot],
) -> None:
    both = start()
    confident = _ask(both, "can i use the school crest on my own profile?")
    assert "crest" not in _say(both, "unanswered", SLT)

    both.teams.execute("answer.not_helpful", _data(confident, "👎"), user=STAFF)
    assert "crest" in _say(both, "unanswered", SLT)
    assert "Only SLT" in _say(both, "unanswered", STAFF)

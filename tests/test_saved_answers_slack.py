"""SLT teach the bot, in Slack: a reply to a question passed on reaches its asker, can be saved
as the school's answer, is given first to later questions that mean the same, and is listed,
edited, removed and looked at again when the policy changes. Only SLT may do any of it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app.jobs import SAVED_ANSWERS_JOB, SLT_ANSWERS_JOB
from bot.policy.loader import default_policy_path
from bot.retention.subject_access import export_user
from store.db import session_scope
from tests.conftest import RunningBot
from tests.policy_versions import publish
from tests.slack_requests import checkboxes, text_input

SLT = "U0SLT0001"
STAFF = "U0STAFF01"
OTHER = "U0STAFF02"
QUESTION = "can i follow an ex student on insta"
PARAPHRASE = "may i friend a former pupil on instagram"
UNRELATED = "can i post photos of pupils on instagram"
ANSWER = "No: not until they are 18 and have left the sixth form. Ask the DSL first."


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.md"
    shutil.copyfile(default_policy_path(), path)
    return path


@pytest.fixture
def start(bot_factory: Callable[..., RunningBot], policy_file: Path) -> Callable[[], RunningBot]:
    return lambda: bot_factory(slt_users=[SLT], policy_path=policy_file)


def _button(blocks: list[dict[str, Any]], action_id: str) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action_id} button in {blocks}")


def _ask(bot: RunningBot, words: str, user: str = STAFF) -> dict[str, Any]:
    return bot.slack.command(words, user=user).json()


def _text(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def _private(bot: RunningBot) -> str:
    """The latest private reply through the response URL."""
    bot.settle()
    return bot.stand_in.to("response_url")[-1].text


def _pass_on(bot: RunningBot) -> str:
    """Staff ask, are unsure, and press Ask SLT: the Reply button's value on SLT's post."""
    answer = _ask(bot, QUESTION)
    bot.slack.click("answer.ask_slt", _button(answer["blocks"], "answer.ask_slt"), user=STAFF)
    posted = bot.stand_in.wait_for("chat.postMessage")[-1]
    assert posted.params["channel"] == "C0SLT0001"
    return _button(posted.params["blocks"], "teach.slt_reply")


def _reply(bot: RunningBot, question: str, answer: str, *, save: bool, user: str = SLT) -> Any:
    fields = {"answer": text_input(answer), "save": checkboxes(*(["yes"] if save else []))}
    response = bot.modals.submit("teach.reply_submit", fields, user=user, private_metadata=question)
    bot.settle()
    return response


def _saved_id(bot: RunningBot) -> str:
    listing = bot.slack.command("answers", user=SLT).json()
    return _button(listing["blocks"], "teach.edit_saved")


def test_slt_reply_reaches_the_asker_and_a_saved_answer_comes_first(
    start: Callable[[], RunningBot],
) -> None:
    bot = start()
    question = _pass_on(bot)

    bot.slack.click("teach.slt_reply", question, user=OTHER)
    assert "Only SLT" in _private(bot)
    assert bot.stand_in.to("views.open") == []
    bot.slack.click("teach.slt_reply", question, user=SLT)
    modal = bot.stand_in.wait_for("views.open")[0].params["view"]
    assert modal["callback_id"] == "teach.reply_submit" and QUESTION in json.dumps(modal)

    empty = _reply(bot, question, "  ", save=True).json()
    assert empty["response_action"] == "errors" and "answer" in empty["errors"]
    assert "Only SLT" in _reply(bot, question, ANSWER, save=True, user=OTHER).text

    sending = _reply(bot, question, ANSWER, save=True).json()
    assert sending["response_action"] == "update"
    dm = bot.stand_in.to("chat.postMessage")[-1]
    assert dm.params["channel"] == "D0STAFF01"
    assert "SLT answered your policy question" in dm.text and "sixth form" in dm.text
    assert "Sent to the member of staff" in bot.stand_in.to("views.update")[-1].text
    assert "already been answered" in _reply(bot, question, "again", save=False).text
    assert bot.tick(SLT_ANSWERS_JOB) == 0  # delivered: nothing to retry

    later = _text(_ask(bot, PARAPHRASE, user=OTHER))
    assert "Answered by SLT on 25 November 2026" in later and "sixth form" in later
    assert later.index("Answered by SLT") < later.index("From the policy")
    assert "Policy section: " in later and "Pupils and former pupils" in later
    unrelated = _text(_ask(bot, UNRELATED, user=OTHER))
    assert "Answered by SLT" not in unrelated and "sixth form" not in unrelated

    with session_scope(bot.runtime.services.sessions) as session:
        asker, slt = (export_user(session, user_id=u) for u in (STAFF, SLT))
    assert asker["questions_sent_to_slt"][0]["slt_answer"] == ANSWER
    assert slt["questions_answered_for_slt"][0]["slt_answer"] == ANSWER
    assert STAFF not in json.dumps(slt)  # who asked is not SLT's data


def test_an_unreachable_asker_gets_the_answer_from_the_sweep(
    start: Callable[[], RunningBot],
) -> None:
    bot = start()
    question = _pass_on(bot)
    bot.stand_in.unreachable.add(STAFF)

    _reply(bot, question, ANSWER, save=False)
    assert "could not be reached" in bot.stand_in.to("views.update")[-1].text
    assert "Answered by SLT" not in _text(_ask(bot, PARAPHRASE))  # not saved

    bot.stand_in.unreachable.clear()
    assert bot.tick(SLT_ANSWERS_JOB) == 1
    assert "sixth form" in bot.stand_in.to("chat.postMessage")[-1].text
    assert bot.tick(SLT_ANSWERS_JOB) == 0


def test_slt_list_edit_and_remove_saved_answers_and_nobody_else_can(
    start: Callable[[], RunningBot],
) -> None:
    bot = start()
    _reply(bot, _pass_on(bot), ANSWER, save=True)

    assert "Only SLT" in bot.slack.command("answers", user=STAFF).text
    listing = bot.slack.command("answers", user=SLT).json()
    assert "1 saved answer" in _text(listing) and QUESTION in _text(listing)
    saved = _saved_id(bot)

    for action in ("teach.edit_saved", "teach.remove_saved"):
        bot.slack.click(action, saved, user=STAFF)
        assert "Only SLT" in _private(bot)
    assert bot.stand_in.to("views.open") == []
    bot.slack.click("teach.edit_saved", saved, user=SLT)
    edit = bot.stand_in.wait_for("views.open")[-1].params["view"]
    assert edit["callback_id"] == "teach.edit_submit" and "sixth form" in json.dumps(edit)

    def submit_edit(section: str, user: str = SLT) -> Any:
        fields = {
            "question": text_input(QUESTION),
            "answer": text_input("Only with the Head's written agreement."),
            "section": text_input(section),
        }
        return bot.modals.submit("teach.edit_submit", fields, user=user, private_metadata=saved)

    bad = submit_edit("quantum physics").json()
    assert bad["response_action"] == "errors" and "section" in bad["errors"]
    assert "Only SLT" in submit_edit("photographs", user=STAFF).text
    assert submit_edit("former pupils").json()["response_action"] == "update"
    edited = _text(_ask(bot, PARAPHRASE))
    assert "Head's written agreement" in edited and "sixth form" not in edited

    opened = len(bot.stand_in.to("views.open"))
    bot.slack.click("teach.remove_saved", saved, user=SLT)
    assert bot.stand_in.wait_for("views.open", opened + 1)[-1].params["view"]["callback_id"] == (
        "teach.remove_submit"
    )
    refused = bot.modals.submit("teach.remove_submit", {}, user=STAFF, private_metadata=saved)
    assert "Only SLT" in refused.text
    removed = bot.modals.submit("teach.remove_submit", {}, user=SLT, private_metadata=saved)
    assert "no longer get that answer" in removed.text
    assert "Answered by SLT" not in _text(_ask(bot, PARAPHRASE))
    assert "No saved answers yet" in bot.slack.command("answers", user=SLT).text
    bot.slack.click("teach.edit_saved", saved, user=SLT)
    assert "has been removed" in _private(bot)


def test_a_new_policy_version_flags_saved_answers_until_slt_say_they_still_hold(
    start: Callable[[], RunningBot], policy_file: Path
) -> None:
    bot = start()
    _reply(bot, _pass_on(bot), ANSWER, save=True)
    assert bot.tick(SAVED_ANSWERS_JOB) == 0  # saved against this version: nothing to look at

    revised_text = policy_file.read_text() + "\n- Keep your settings private.\n"
    publish(bot.runtime, revised_text.encode(), user=SLT)
    revised = start()
    assert revised.tick(SAVED_ANSWERS_JOB) == 1
    assert revised.tick(SAVED_ANSWERS_JOB) == 0  # once per version
    notice = revised.stand_in.to("chat.postMessage")[-1]
    assert notice.params["channel"] == "C0SLT0001"
    assert "Saved answers to look at again" in notice.text and QUESTION in notice.text
    saved = _button(notice.params["blocks"], "teach.still_holds")
    assert "Answered by SLT" not in _text(_ask(revised, PARAPHRASE))
    assert "to look at again" in revised.slack.command("answers", user=SLT).text

    revised.slack.click("teach.still_holds", saved, user=STAFF)
    assert "Only SLT" in _private(revised)
    revised.slack.click("teach.still_holds", saved, user=SLT)
    assert "is given again" in _private(revised)
    assert "Answered by SLT" in _text(_ask(revised, PARAPHRASE))
    assert "to look at again" not in revised.slack.command("answers", user=SLT).text


def test_a_thumbs_down_puts_the_question_on_the_unanswered_list(
    start: Callable[[], RunningBot],
) -> None:
    bot = start()
    confident = _ask(bot, "can i use the school crest on my own profile?")
    assert "not sure" not in _text(confident)
    assert "crest" not in bot.slack.command("unanswered", user=SLT).text

    bot.slack.click("answer.not_helpful", _button(confident["blocks"], "answer.not_helpful"))
    bot.settle()
    assert "crest" in bot.slack.command("unanswered", user=SLT).text

    _reply(bot, _pass_on(bot), ANSWER, save=True)
    assert "ex student" in bot.slack.command("unanswered", user=SLT).text
    answered = _ask(bot, PARAPHRASE, user=OTHER)  # given the saved answer: answered
    assert "friend a former pupil" not in bot.slack.command("unanswered", user=SLT).text
    bot.slack.click("answer.not_helpful", _button(answered["blocks"], "answer.not_helpful"))
    bot.settle()
    assert "friend a former pupil" in bot.slack.command("unanswered", user=SLT).text

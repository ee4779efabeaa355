"""The seven-day watch as Slack users live it, through signed requests to the running app: a
fortnight (Mon 18 – Sun 31 May 2026: weekends, the 25 May bank holiday, half term 26–29 May)
with an injected clock. The rota, the holidays and absences are set in their modals, the
check-in DM is answered with its buttons; who is asked each day, a swap, "can't today", a
missed day reaching the lead then SLT once, and the digest's coverage are checked. Then the
refusals: the wrong person at the rota's form, at someone's check-in, or from another school."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.jobs import CHECK_IN_JOB, DIGEST_JOB
from bot.rota import actions
from bot.schools import service as schools
from handlers.present.verbs import RotaAction
from handlers.slack.ids import CommentCallback, RotaCallback
from store import tenancy
from store.db import read_scope, session_scope
from store.models import CheckIn
from tests.conftest import RunningBot
from tests.rota_fortnight import ACCOUNT, FIRST_ASKED, HALF_TERM, at, live_account
from tests.slack_standin import Call

LEAD, A, B, C, D, E, F = (
    "U0LEAD001",
    "U0WATCHA1",
    "U0WATCHB1",
    "U0WATCHC1",
    "U0WATCHD1",
    "U0WATCHE1",
    "U0WATCHF1",
)
STRANGER = "U0STRANGE"
SLT, SLT_CHANNEL = "U0SLT0001", "C0SLT0001"


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(slt_users=[SLT], moderator_users=[D])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    return {
        element["action_id"]: str(element.get("value", ""))
        for block in blocks
        for element in block.get("elements", [])
        if element.get("type") == "button"
    }


def _asks(bot: RunningBot) -> list[Call]:
    return [c for c in bot.stand_in.to("chat.postMessage") if "Have you checked" in c.text]


def _not_checked(bot: RunningBot) -> list[str]:
    return [
        call.params["channel"]
        for call in bot.stand_in.to("chat.postMessage")
        if "has not been checked yet today" in call.text
    ]


def _replies(bot: RunningBot) -> list[Call]:
    bot.settle()
    return bot.stand_in.to("response_url")


def _click(bot: RunningBot, verb: str, value: str, *, user: str, channel: str) -> Call:
    """A button clicked; what the bot said back through the response URL."""
    before = len(_replies(bot))
    bot.slack.click(verb, value, user=user, channel=channel)
    replies = _replies(bot)
    assert len(replies) == before + 1, replies[before:]
    return replies[-1]


def _answer(bot: RunningBot, ask: Call, verb: RotaAction, *, user: str) -> Call:
    return _click(
        bot, verb, _buttons(ask.params["blocks"])[verb], user=user, channel=ask.params["channel"]
    )


def _opened(bot: RunningBot, before: int) -> dict[str, Any]:
    bot.settle()
    opened = bot.stand_in.to("views.open")
    assert len(opened) == before + 1, "no modal opened"
    view: dict[str, Any] = opened[-1].params["view"]
    return view


def _rota_value(bot: RunningBot, user: str, verb: RotaAction) -> str:
    shown = bot.slack.command("rota", user=user).json()
    return _buttons(shown["blocks"])[verb]


def _people(*users: str) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(users)}


def _person(user: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user}


def _day(day: date) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": day.isoformat()}


def _set_rota(bot: RunningBot, account: int, *, user: str = LEAD) -> dict[str, Any]:
    before = len(bot.stand_in.to("views.open"))
    bot.slack.click(RotaAction.OPEN_ROTA, _rota_value(bot, user, RotaAction.OPEN_ROTA), user=user)
    view = _opened(bot, before)
    assert view["callback_id"] == RotaCallback.ROTA
    kinds = [b["element"]["type"] for b in view["blocks"] if b["type"] == "input"]
    assert kinds == ["multi_users_select"] * 4
    answer: dict[str, Any] = bot.modals.submit(
        RotaCallback.ROTA,
        {
            "weekday": _people(A, B),
            "weekend": _people(C),
            "school_holiday": _people(D, A),
            "bank_holiday": _people(E),
        },
        user=user,
        private_metadata=view["private_metadata"],
    ).json()
    return answer


def _away(
    bot: RunningBot, *, user: str, day: date, cover: str | None, absent: str | None = None
) -> dict[str, Any]:
    before = len(bot.stand_in.to("views.open"))
    bot.slack.click(RotaAction.ABSENCE, _rota_value(bot, user, RotaAction.ABSENCE), user=user)
    view = _opened(bot, before)
    assert view["callback_id"] == RotaCallback.ABSENCE
    fields = {"day": _day(day), "cover": _person(cover)}
    if absent is not None:
        fields["absent"] = _person(absent)
    answer: dict[str, Any] = bot.modals.submit(
        RotaCallback.ABSENCE, fields, user=user, private_metadata=view["private_metadata"]
    ).json()
    return answer


def _check_in(bot: RunningBot, day: date) -> int:
    with read_scope(bot.runtime.services.sessions) as session:
        return session.scalars(select(CheckIn.id).where(CheckIn.day == day)).one()


def _digests(bot: RunningBot) -> list[Call]:
    return [
        c
        for c in bot.stand_in.to("chat.postMessage")
        if c.params["channel"] == SLT_CHANNEL and "the week in figures" in c.text
    ]


def test_a_fortnight_of_check_ins_through_slack(bot: RunningBot) -> None:
    account = live_account(bot, lead=LEAD, front_end="slack")
    bot.clock.set(at(date(2026, 5, 17), 20))
    bot.tick(DIGEST_JOB)  # the install's first tick: digests are owed from now on

    saved = _set_rota(bot, account)
    assert saved["response_action"] == "update"
    assert f"<@{A}>, <@{B}>" in _json(saved["view"])

    before = len(bot.stand_in.to("views.open"))
    bot.slack.command("holidays", user=SLT)
    holidays_form = _opened(bot, before)
    assert holidays_form["callback_id"] == RotaCallback.HOLIDAYS
    assert any(b.get("element", {}).get("type") == "file_input" for b in holidays_form["blocks"])
    saved = bot.modals.submit(
        RotaCallback.HOLIDAYS,
        {"holidays": {"type": "plain_text_input", "value": HALF_TERM}},
        user=SLT,
    ).json()
    assert "Tue 26 May – Fri 29 May: May half term" in _json(saved["view"])

    away = _away(bot, user=A, day=date(2026, 5, 20), cover=F)  # A is away on Wednesday
    assert away["response_action"] == "update" and f"<@{F}> covers" in _json(away["view"])

    shown = bot.slack.command("rota", user=A).json()
    assert "Mon 18 May" in _json(shown) and "Wed 20 May" not in _json(shown)

    people = {"A": A, "C": C, "D": D, "E": E, "F": F}
    expected = {day: people[letter] for day, letter in FIRST_ASKED.items()}
    for number, first in expected.items():
        day = date(2026, 5, number)
        if number == 25:  # Monday's digest, before the day's question: 18–24 May
            bot.clock.set(at(day, 8, 1))
            assert bot.tick(DIGEST_JOB) == 1
        bot.clock.set(at(day, 8, 59))
        bot.tick(CHECK_IN_JOB)
        asked = len(_asks(bot))
        bot.clock.set(at(day, 9))
        bot.tick(CHECK_IN_JOB)
        bot.tick(CHECK_IN_JOB)  # a second tick asks nobody twice
        assert len(_asks(bot)) == asked + 1
        ask = _asks(bot)[-1]
        assert ask.params["channel"] == bot.stand_in.dm_channel(first) and ACCOUNT in ask.text

        if number == 18:
            done = _answer(bot, ask, RotaAction.CHECKED, user=A)
            assert done.params.get("replace_original") and "checked on Mon 18 May" in done.text
            again = _answer(bot, ask, RotaAction.CHECKED, user=A)  # the same button again
            assert f"Already checked today by <@{A}>" in again.text
            assert not again.params["replace_original"]
        elif number == 21:  # A can't today: B is asked at once, and checks
            said = _answer(bot, ask, RotaAction.CANT, user=A)
            assert f"asked <@{B}> instead" in said.text
            ask_b = _asks(bot)[-1]
            assert ask_b.params["channel"] == bot.stand_in.dm_channel(B)
            assert f"in place of <@{A}>" in ask_b.text
            stale = _answer(bot, ask, RotaAction.CHECKED, user=A)  # A's old question
            assert "has changed since" in stale.text
            _answer(bot, ask_b, RotaAction.CHECKED, user=B)
        elif number == 22:  # nobody checks on Friday 22nd
            pass
        elif number == 26:  # D checked and has comments to log: the log opens on the account
            before = len(bot.stand_in.to("views.open"))
            done = _answer(bot, ask, RotaAction.LOGGING, user=D)
            assert "logging comments" in done.text
            log = _opened(bot, before)
            assert log["callback_id"] == CommentCallback.LOG
            [chosen] = [b for b in log["blocks"] if b.get("block_id") == "account"]
            assert chosen["element"]["initial_option"]["value"] == ACCOUNT
        elif number == 27:  # a swap: the lead records D away today, A covering
            moved = _away(bot, user=LEAD, day=day, cover=A, absent=D)
            assert f"now asked of <@{A}>" in _json(moved["view"])
            ask_a = _asks(bot)[-1]
            assert ask_a.params["channel"] == bot.stand_in.dm_channel(A)
            refused = _answer(bot, ask, RotaAction.CHECKED, user=D)  # D's question is stale
            assert "Only the people on today's watch" in refused.text
            _answer(bot, ask_a, RotaAction.CHECKED, user=A)
        else:
            _answer(bot, ask, RotaAction.CHECKED, user=first)

        for hour in (12, 13, 16, 17):
            bot.clock.set(at(day, hour))
            bot.tick(CHECK_IN_JOB)
        if number == 22:
            assert _not_checked(bot) == [bot.stand_in.dm_channel(LEAD), SLT_CHANNEL]
    assert _not_checked(bot) == [bot.stand_in.dm_channel(LEAD), SLT_CHANNEL]  # once each

    bot.clock.set(at(date(2026, 6, 1), 8, 1))
    bot.tick(CHECK_IN_JOB)  # Sunday's check-in is closed
    assert bot.tick(DIGEST_JOB) == 1  # 25–31 May
    first_week, second_week = (d.text for d in _digests(bot))
    assert f"*{ACCOUNT}*: 6 days checked, 1 missed; covered by <@{B}> (1), <@{F}> (1)" in (
        first_week
    )
    assert f"*{ACCOUNT}*: 7 days checked, 0 missed; covered by <@{A}> (1)" in second_week


def test_the_wrong_person_cannot_open_or_submit_the_rota(bot: RunningBot) -> None:
    account = live_account(bot, lead=LEAD, front_end="slack")
    opened = len(bot.stand_in.to("views.open"))
    shown = bot.slack.command("rota", user=STRANGER).json()
    assert RotaAction.OPEN_ROTA not in _buttons(shown["blocks"])  # not offered…
    said = _click(bot, RotaAction.OPEN_ROTA, str(account), user=STRANGER, channel="C0GENERAL")
    assert actions.NOT_LEAD in said.text and said.params["response_type"] == "ephemeral"
    assert len(bot.stand_in.to("views.open")) == opened  # …nor opened when crafted

    refused = bot.modals.submit(
        RotaCallback.ROTA,
        {"weekday": _people(STRANGER)},
        user=STRANGER,
        private_metadata=str(account),
    ).json()
    assert refused == {"response_action": "errors", "errors": {"weekday": actions.NOT_LEAD}}

    saved = _set_rota(bot, account, user=SLT)  # SLT may
    assert saved["response_action"] == "update"


def test_an_absence_form_shows_its_errors_under_its_fields(bot: RunningBot) -> None:
    account = live_account(bot, lead=LEAD, front_end="slack")
    bot.clock.set(at(date(2026, 5, 17), 20))
    _set_rota(bot, account)
    past = _away(bot, user=A, day=date(2026, 5, 1), cover=A)
    assert past["response_action"] == "errors"
    assert set(past["errors"]) == {"day", "cover"}
    not_on_rota = _away(bot, user=LEAD, day=date(2026, 5, 19), cover=None, absent=STRANGER)
    assert not_on_rota["errors"] == {"absent": "They are not on this account's rota."}
    crafted = bot.modals.submit(  # someone not on the rota names another
        RotaCallback.ABSENCE,
        {"day": _day(date(2026, 5, 19)), "absent": _person(A)},
        user=STRANGER,
        private_metadata=str(account),
    ).json()
    assert crafted["errors"] == {"absent": actions.NOT_ON_ROTA}


def test_a_stranger_cannot_answer_someone_elses_check_in(bot: RunningBot) -> None:
    account = live_account(bot, lead=LEAD, front_end="slack")
    bot.clock.set(at(date(2026, 5, 18), 8))
    _set_rota(bot, account)
    bot.clock.set(at(date(2026, 5, 18), 9))
    bot.tick(CHECK_IN_JOB)
    ask = _asks(bot)[-1]
    said = _answer(bot, ask, RotaAction.CHECKED, user=STRANGER)
    assert actions.NOT_ON_DUTY in said.text and said.params["response_type"] == "ephemeral"
    said = _answer(bot, ask, RotaAction.CANT, user=STRANGER)
    assert actions.NOT_ON_DUTY in said.text
    with read_scope(bot.runtime.services.sessions) as session:
        row = session.get(CheckIn, _check_in(bot, date(2026, 5, 18)))
        assert row is not None and (row.status, row.asking, row.declined) == ("open", A, "")


def test_a_check_in_of_another_school_is_not_found(bot: RunningBot) -> None:
    sessions = bot.runtime.services.sessions
    bot.slack.command("help")  # this workspace is the first school
    other = schools.school_for(
        sessions, schools.slack_key("T0SECOND"), name="Second", now=bot.clock.now()
    )
    with tenancy.scope(other):
        theirs = live_account(bot, lead=LEAD, front_end="slack", handle="@otherschool")
        with session_scope(sessions) as session:
            row = CheckIn(
                account_id=theirs,
                day=date(2026, 11, 25),
                day_kind="weekday",
                scheduled=A,
                asking=A,
                declined="",
                status="open",
            )
            session.add(row)
            session.flush()
            crafted = f"{row.id}:{row.version}"
    said = _click(bot, RotaAction.CHECKED, crafted, user=A, channel=bot.stand_in.dm_channel(A))
    assert actions.GONE in said.text
    with tenancy.scope(other), read_scope(sessions) as session:
        kept = session.scalars(select(CheckIn)).one()
        assert (kept.status, kept.checked_by) == ("open", None)


def test_holidays_are_slts_and_a_calendar_file_can_give_them(bot: RunningBot) -> None:
    refused = bot.slack.command("holidays", user=A).json()
    assert actions.NOT_SLT in _json(refused)
    crafted = bot.modals.submit(
        RotaCallback.HOLIDAYS,
        {"holidays": {"type": "plain_text_input", "value": HALF_TERM}},
        user=A,
    ).json()
    assert crafted == {"response_action": "errors", "errors": {"holidays": actions.NOT_SLT}}

    wrong = bot.modals.submit(
        RotaCallback.HOLIDAYS,
        {"holidays": {"type": "plain_text_input", "value": "half term next week"}},
        user=SLT,
    ).json()
    assert (
        wrong["response_action"] == "errors" and "start with a date" in wrong["errors"]["holidays"]
    )

    bot.stand_in.files["school.ics"] = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//School//Calendar//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:May Half Term\r\n"
        b"DTSTART;VALUE=DATE:20260526\r\nDTEND;VALUE=DATE:20260530\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    attached = {
        "id": "F0CALENDA",
        "name": "school.ics",
        "size": len(bot.stand_in.files["school.ics"]),
        "url_private_download": bot.stand_in.file_url("school.ics"),
    }
    saved = bot.modals.submit(
        RotaCallback.HOLIDAYS,
        {
            "holidays": {"type": "plain_text_input", "value": ""},
            "holidays_file": {"type": "file_input", "files": [attached]},
        },
        user=SLT,
    ).json()
    assert "Tue 26 May – Fri 29 May: May Half Term" in _json(saved["view"])
    elsewhere = {**attached, "url_private_download": "https://files.example.org/school.ics"}
    refused = bot.modals.submit(
        RotaCallback.HOLIDAYS,
        {"holidays_file": {"type": "file_input", "files": [elsewhere]}},
        user=SLT,
    ).json()
    assert (
        refused["response_action"] == "errors" and "couldn't fetch" in refused["errors"]["holidays"]
    )

    before = len(bot.stand_in.to("views.open"))
    bot.slack.command("holidays", user=SLT)
    form = _opened(bot, before)
    [text] = [b for b in form["blocks"] if b.get("block_id") == "holidays"]
    assert text["element"]["initial_value"] == "26/05/2026 - 29/05/2026 May Half Term"


def test_app_home_shows_slt_the_week_and_the_watch_their_duties(bot: RunningBot) -> None:
    account = live_account(bot, lead=LEAD, front_end="slack")
    bot.clock.set(at(date(2026, 5, 17), 20))
    _set_rota(bot, account)
    bot.clock.set(at(date(2026, 5, 18), 9))
    bot.tick(CHECK_IN_JOB)
    _answer(bot, _asks(bot)[-1], RotaAction.CHECKED, user=A)

    bot.slack.event({"type": "app_home_opened", "user": SLT, "tab": "home"})
    home = bot.stand_in.wait_for("views.publish")[-1]
    assert "Seven-day watch" in home.text and "1 days checked, 0 missed" in home.text
    assert RotaAction.HOLIDAYS in home.text and len(home.params["view"]["blocks"]) <= 100

    bot.slack.event({"type": "app_home_opened", "user": A, "tab": "home"})
    home = bot.stand_in.wait_for("views.publish", 2)[-1]
    assert "Your watch" in home.text and "Tue 19 May" in home.text
    assert "Seven-day watch" not in home.text


def test_help_lists_the_rota_commands(bot: RunningBot) -> None:
    shown = _json(bot.slack.command("help").json())
    assert "/socialpolicy rota" in shown and "/socialpolicy holidays" in shown

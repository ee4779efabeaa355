"""The seven-day watch in Teams, driven as Teams drives it: a fortnight with weekends, a bank
holiday and half term, with an injected clock. The rota, the absences and the holidays are set
through their dialogs, every check-in is answered from the card's own buttons, and the
connector stand-in shows which personal chat each question reached."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot.app.jobs import CHECK_IN_JOB, DIGEST_JOB
from bot.schools import service as schools
from store import tenancy
from store.db import read_scope, session_scope
from store.models import CheckIn
from tests.rota_fortnight import ACCOUNT, FIRST_ASKED, HALF_TERM, at, live_account
from tests.teams_bot import MODERATOR, SLT, SLT_CONVERSATION, STAFF, TeamsBot
from tests.teams_standin import TENANT, Sent

LEAD = "aad-lead-1"
A = MODERATOR  # a moderator: "logging comments" opens the comment log for them
B, C, D, E, F = (f"aad-watch-{letter}" for letter in "bcdef")


def _asks(teams_bot: TeamsBot) -> list[Sent]:
    """Every check-in question sent so far, in order."""
    return [s for s in teams_bot.connector.sent if "Have you checked" in s.text]


def _not_checked(teams_bot: TeamsBot) -> list[str]:
    return [
        s.conversation
        for s in teams_bot.connector.sent
        if "has not been checked yet today" in s.text
    ]


def _buttons(sent: Sent) -> dict[str, dict[str, Any]]:
    """A card's buttons, by verb (or by the dialog they open), with the data they send."""
    [card] = [a["content"] for a in sent.body["attachments"]]
    found = {}
    for action in card.get("actions", []):
        data = {k: v for k, v in action["data"].items() if k != "msteams"}
        found[action.get("verb") or data["dialog"]] = data
    return found


def _answer(teams_bot: TeamsBot, ask: Sent, verb: str, *, user: str) -> str:
    data = _buttons(ask)[verb]
    return json.dumps(teams_bot.teams.execute(verb, data, user=user).json())


@pytest.fixture
def watch(teams_bot: TeamsBot) -> TeamsBot:
    for user in (LEAD, B, C, D, E, F):
        teams_bot.teams.install(user=user, conversation=f"a:{user}", conversation_type="personal")
    return teams_bot


def _rota_form(account: int, **chosen: str) -> dict[str, Any]:
    return {"dialog": "open_rota", "account": account, **chosen}


def test_a_fortnight_of_check_ins_in_teams(watch: TeamsBot) -> None:
    teams, connector, bot = watch.teams, watch.connector, watch.bot
    account = live_account(watch.bot, lead=LEAD, front_end="teams")
    bot.clock.set(at(date(2026, 5, 17), 20))
    bot.tick(DIGEST_JOB)  # the bot's first week: no digest, but the next is owed

    # The lead finds the rota under `rota`, and sets it in its dialog.
    teams.message("rota", user=LEAD)
    shown = connector.to(f"a:{LEAD}")[-1]
    assert ACCOUNT in shown.text and "Change the rota" in shown.text
    opened = teams.open_dialog({"dialog": "open_rota", "account": account}, user=LEAD).json()
    assert opened["task"]["type"] == "continue"
    assert "graph.microsoft.com/users" in json.dumps(opened)  # Teams' people picker
    assert "Weekdays (term time)" in json.dumps(opened)
    rota = _rota_form(
        account,
        weekday=f"{A},{B.upper()}",  # the picker answers with object ids, any case
        weekend=C,
        school_holiday=f"{D},{A}",
        bank_holiday=E,
    )
    saved = teams.submit_dialog(rota, user=LEAD).json()
    assert saved["task"]["value"] == f"Rota saved for {ACCOUNT}."
    reopened = json.dumps(
        teams.open_dialog({"dialog": "open_rota", "account": account}, user=LEAD).json()
    )
    assert f"{A},{B}" in reopened  # the rota as it stands, in its order

    # SLT enter half term; what can't be read comes back in the dialog, under Holidays.
    teams.message("holidays", user=SLT)
    assert "Change the holidays" in connector.to(f"a:{SLT}")[-1].text
    holidays = teams.open_dialog({"dialog": "holidays"}, user=SLT).json()
    assert holidays["task"]["type"] == "continue"
    bad = teams.submit_dialog({"dialog": "holidays", "holidays": "half term"}, user=SLT).json()
    assert bad["task"]["type"] == "continue"
    assert "Holidays" in json.dumps(bad) and "start with a date" in json.dumps(bad)
    done = teams.submit_dialog({"dialog": "holidays", "holidays": HALF_TERM}, user=SLT).json()
    assert done["task"]["value"] == "Saved: 1 school holiday."
    again = json.dumps(teams.open_dialog({"dialog": "holidays"}, user=SLT).json())
    assert "26/05/2026 - 29/05/2026 May half term" in again

    # A will be away on Wednesday, and F covers: the dialog defaults to whoever opened it.
    absence = teams.open_dialog({"dialog": "absence", "account": account}, user=A).json()
    assert absence["task"]["type"] == "continue" and f'"value": "{A}"' in json.dumps(absence)
    form = {"dialog": "absence", "account": account, "absent": A}
    past = teams.submit_dialog({**form, "day": "2026-05-01", "cover": A}, user=A).json()
    assert past["task"]["type"] == "continue"
    assert "Choose today or a day to come" in json.dumps(past)
    assert "Choose someone else to cover" in json.dumps(past)
    away = teams.submit_dialog({**form, "day": "2026-05-20", "cover": F}, user=A).json()
    assert away["task"]["value"] == "Absence recorded."

    people = {"A": A, "C": C, "D": D, "E": E, "F": F}
    expected = {day: people[letter] for day, letter in FIRST_ASKED.items()}
    for number, first in expected.items():
        day = date(2026, 5, number)
        if number == 25:  # Monday: last week's digest, before the day's check-in
            bot.clock.set(at(day, 8, 30))
            bot.tick(DIGEST_JOB)
        bot.clock.set(at(day, 8, 59))
        before = len(_asks(watch))
        bot.tick(CHECK_IN_JOB)
        assert len(_asks(watch)) == before  # not yet
        bot.clock.set(at(day, 9))
        bot.tick(CHECK_IN_JOB)
        bot.tick(CHECK_IN_JOB)  # a second tick asks nobody twice
        assert len(_asks(watch)) == before + 1
        ask = _asks(watch)[-1]
        assert ask.conversation == f"a:{first}" and ACCOUNT in ask.text

        if number == 18:  # someone not on duty can't answer it; the lead still could
            refused = _answer(watch, ask, "rota.checked", user=STAFF)
            assert "Only the people on today's watch" in refused
            answered = _answer(watch, ask, "rota.checked", user=A)
            assert "checked on Mon 18 May" in answered and "nothing new" in answered
            twice = _answer(watch, ask, "rota.checked", user=A)
            assert "Already checked today by" in twice and A not in twice  # by name, not id
        elif number == 19:  # checked, and logging: the comment log opens on this account
            data = _buttons(ask)["logging"]
            log = teams.open_dialog(data, user=A).json()
            assert log["task"]["type"] == "continue"
            assert log["task"]["value"]["title"] == "Log a comment"
            assert f'"value": "{ACCOUNT}"' in json.dumps(log)
        elif number == 21:
            cant = _answer(watch, ask, "rota.cant", user=A)
            assert "can't check" in cant and "I've asked Aad-Watch-B instead" in cant
            # B is asked once Teams has its answer, in the background
            moved = watch.connector.wait_for(f"a:{B}", "Have you checked")
            assert "in place of" in moved.text
            assert "checked on" in _answer(watch, moved, "rota.checked", user=B)
        elif number == 27:
            gone = teams.submit_dialog(
                {"dialog": "absence", "account": account, "absent": D, "day": "2026-05-27"},
                user=D,
            ).json()
            assert "has gone to" in gone["task"]["value"]
            moved = watch.connector.wait_for(f"a:{A}", "Wed 27 May")
            _answer(watch, moved, "rota.checked", user=A)
        elif number != 22:
            assert "checked on" in _answer(watch, ask, "rota.checked", user=first)

        for hour in (12, 13, 16, 17):
            bot.clock.set(at(day, hour))
            bot.tick(CHECK_IN_JOB)
        if number == 22:
            assert _not_checked(watch) == [f"a:{LEAD}", SLT_CONVERSATION]
    assert _not_checked(watch) == [f"a:{LEAD}", SLT_CONVERSATION]  # once each

    bot.clock.set(at(date(2026, 6, 1), 8, 30))
    bot.tick(DIGEST_JOB)
    digests = [s.text for s in connector.to(SLT_CONVERSATION) if "the week in figures" in s.text]
    assert len(digests) == 2
    first_week, second_week = digests
    assert "Seven-day watch" in first_week
    assert "6 days checked, 1 missed; covered by Aad-Watch-B (1), Aad-Watch-F (1)" in first_week
    assert "7 days checked, 0 missed; covered by Aad-Mod-1 (1)" in second_week

    # SLT's own view of the watch: the last seven days and the holidays.
    teams.message("rota", user=SLT)
    overview = connector.to(f"a:{SLT}")[-1].text
    assert "Seven-day watch" in overview
    assert "6 days checked, 0 missed" in overview  # 26–31 May: today is not asked till nine
    assert "May half term" in overview and "Change the holidays" in overview


def test_the_watch_refuses_whoever_it_is_not_for(watch: TeamsBot) -> None:
    teams, bot = watch.teams, watch.bot
    account = live_account(watch.bot, lead=LEAD, front_end="teams")
    bot.clock.set(at(date(2026, 5, 18), 8))
    teams.submit_dialog(_rota_form(account, weekday=A), user=LEAD)

    # Not the lead or SLT: the rota's dialog is not opened, and a crafted submission changes
    # nothing.
    opened = teams.open_dialog({"dialog": "open_rota", "account": account}, user=STAFF).json()
    assert "Only the account's lead or SLT" in opened["task"]["value"]
    crafted = teams.submit_dialog(_rota_form(account, weekday=STAFF), user=STAFF).json()
    assert "Only the account's lead or SLT" in crafted["task"]["value"]
    teams.message("rota", user=STAFF)
    shown = watch.connector.to(f"a:{STAFF}")[-1].text
    assert ACCOUNT in shown and "Change the rota" not in shown and "I'm away" in shown
    assert "Seven-day watch" not in shown  # SLT's figures are SLT's
    refused = teams.submit_dialog(
        {"dialog": "absence", "account": account, "absent": A, "day": "2026-05-19"}, user=STAFF
    ).json()
    assert "Only people on this account's rota" in refused["task"]["value"]

    # Holidays are SLT's.
    assert (
        "Only SLT" in teams.open_dialog({"dialog": "holidays"}, user=STAFF).json()["task"]["value"]
    )
    sneaked = {"dialog": "holidays", "holidays": HALF_TERM}
    assert "Only SLT" in teams.submit_dialog(sneaked, user=STAFF).json()["task"]["value"]

    teams.message("help", user=STAFF)
    listed = watch.connector.to(f"a:{STAFF}")[-1].text
    assert '\\"rota\\"' in listed and '\\"holidays\\"' in listed

    # `rota` names people: in a channel it only says where to ask.
    teams.message("rota", user=SLT, conversation=SLT_CONVERSATION, conversation_type="channel")
    assert "personal chat" in watch.connector.to(SLT_CONVERSATION)[-1].text

    bot.clock.set(at(date(2026, 5, 18), 9))
    bot.tick(CHECK_IN_JOB)
    [ask] = _asks(watch)
    stranger = _answer(watch, ask, "rota.cant", user=STAFF)
    assert "Only the people on today's watch" in stranger
    [row] = watch.rows(CheckIn)
    assert (row.status, row.asking, row.declined) == ("open", A, "")


def test_a_check_in_of_another_school_cannot_be_answered(watch: TeamsBot) -> None:
    sessions = watch.bot.runtime.services.sessions
    now = at(date(2026, 5, 18), 9)
    first = schools.school_for(sessions, schools.teams_key(TENANT), name="Ours", now=now)
    other = schools.school_for(sessions, schools.teams_key("tenant-2"), name="Other", now=now)
    assert first == tenancy.FIRST_SCHOOL
    assert other != tenancy.FIRST_SCHOOL
    with tenancy.scope(other):
        theirs = live_account(watch.bot, lead=LEAD, front_end="teams", handle="@otherschool")
        with session_scope(sessions) as session:
            row = CheckIn(
                account_id=theirs,
                day=date(2026, 5, 18),
                day_kind="weekday",
                scheduled=A,
                asking=A,
                declined="",
                status="open",
            )
            session.add(row)
            session.flush()
            crafted = {"check_in": row.id, "version": row.version}
    for verb in ("rota.checked", "rota.cant"):
        answer = json.dumps(watch.teams.execute(verb, crafted, user=A).json())
        assert "no longer open" in answer
    logging = watch.teams.open_dialog({"dialog": "logging", **crafted}, user=A).json()
    assert "no longer open" in logging["task"]["value"]
    opened = watch.teams.open_dialog({"dialog": "open_rota", "account": theirs}, user=SLT).json()
    assert "not on the register" in opened["task"]["value"]
    with tenancy.scope(other), read_scope(sessions) as session:
        still = session.get(CheckIn, crafted["check_in"])
        assert still is not None and (still.status, still.declined) == ("open", "")


CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//School//Calendar//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:May Half Term\r\n"
    b"DTSTART;VALUE=DATE:20260526\r\nDTEND;VALUE=DATE:20260530\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nUID:2\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Sports day\r\n"
    b"DTSTART;VALUE=DATE:20260610\r\nDTEND;VALUE=DATE:20260611\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


def test_slt_send_the_school_calendar_file_for_the_holidays(watch: TeamsBot) -> None:
    teams, connector = watch.teams, watch.connector
    connector.files["calendar.ics"] = CALENDAR
    connector.files["notes.ics"] = b"not a calendar"

    teams.send_file("calendar.ics", connector.file_url("calendar.ics"), user=STAFF)
    assert "Only SLT" in connector.to(f"a:{STAFF}")[-1].text
    assert connector.downloads == []  # refused before anything was fetched

    teams.send_file("notes.ics", connector.file_url("notes.ics"), user=SLT)
    assert "Saved" not in connector.to(f"a:{SLT}")[-1].text

    teams.send_file("calendar.ics", connector.file_url("calendar.ics"), user=SLT)
    said = connector.to(f"a:{SLT}")[-1].text
    assert "Saved: 1 school holiday." in said and "May Half Term" in said
    assert "Sports day" not in said
    teams.message("holidays", user=STAFF)
    listed = connector.to(f"a:{STAFF}")[-1].text
    assert "Tue 26 May – Fri 29 May: May Half Term" in listed
    assert "Change the holidays" not in listed

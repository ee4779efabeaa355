"""Once retention erases a comment, the card and the reminder DMs that quoted its summary are
redrawn without it, once each, in Slack and in Teams; a redraw the platform refuses is tried
again at the next sweep and never holds up the erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from bot.app.jobs import COMMENT_SWEEP_JOB, ERASED_JOB, RETENTION_JOB
from store.db import session_scope
from store.models import Comment
from tests.conftest import RunningBot
from tests.slack_requests import radio, text_input
from tests.teams_bot import MODERATOR as TEAMS_MODERATOR
from tests.teams_bot import MODS_CONVERSATION, TeamsBot
from tests.test_comments import MODERATOR, MODS_CHANNEL, comment_form
from tests.test_teams import _log_form

SLACK_SUMMARY = "Parent unhappy that the trip photos are not up yet"
TEAMS_SUMMARY = "When is the trip payment due?"
KEPT_DAYS = 30


def comments(bot: RunningBot) -> list[Comment]:
    with session_scope(bot.runtime.services.sessions) as session:
        return list(session.scalars(select(Comment)))


def test_slack_card_and_reminder_dm_are_redrawn_without_the_summary(
    bot_factory: Callable[..., RunningBot],
) -> None:
    bot = bot_factory(
        moderators_channel=MODS_CHANNEL,
        moderator_users=[MODERATOR],
        school_accounts=["Facebook: @ourschool"],
        retention_comments_days=KEPT_DAYS,
    )
    bot.modals.submit("comment.log", comment_form(bot.clock.now()), user=MODERATOR)
    bot.settle()
    [comment] = comments(bot)
    bot.slack.click("comment.assign", str(comment.id), user=MODERATOR)
    bot.settle()
    bot.clock.set(comment.due_at - timedelta(hours=3))
    assert bot.tick(COMMENT_SWEEP_JOB) == 2  # the thread reminder, and the DM quoting it
    dm_channel = bot.stand_in.dm_channel(MODERATOR)
    [dm] = [c for c in bot.stand_in.to("chat.postMessage") if c.params["channel"] == dm_channel]
    assert SLACK_SUMMARY in dm.text
    bot.modals.submit(
        "comment.responded",
        {"response": radio("answered"), "note": text_input("")},
        user=MODERATOR,
        private_metadata=str(comment.id),
    )
    bot.settle()
    updates_before = len(bot.stand_in.to("chat.update"))

    bot.clock.advance(timedelta(days=KEPT_DAYS + 1))
    bot.stand_in.refuse("chat.update", "internal_error")  # the first redraw fails
    assert bot.tick(RETENTION_JOB) == 1
    assert comments(bot) == []  # erased, whatever the platform says
    assert bot.tick(ERASED_JOB) == 1
    assert bot.tick(ERASED_JOB) == 1  # the refused one, at the next sweep
    assert bot.tick(ERASED_JOB) == 0

    redrawn = bot.stand_in.to("chat.update")[updates_before:]
    done = [c.params["channel"] for c in redrawn if "removed" in c.text]
    assert set(done) == {MODS_CHANNEL, dm_channel} and len(done) == 3  # one refused, then sent
    assert comment.card_ts in [c.params["ts"] for c in redrawn if "removed" in c.text]
    assert all(SLACK_SUMMARY not in c.text for c in redrawn)


def test_teams_card_and_reminder_dm_are_redrawn_without_the_summary(
    teams_bot: TeamsBot,
) -> None:
    bot, teams, connector = teams_bot.bot, teams_bot.teams, teams_bot.connector
    teams.submit_dialog(_log_form(), user=TEAMS_MODERATOR)
    bot.settle()
    [comment] = comments(bot)
    teams.execute(
        "comment.assign",
        {"verb": "comment.assign", "comment": comment.id},
        user=TEAMS_MODERATOR,
        conversation=MODS_CONVERSATION,
    )
    bot.clock.set(comment.due_at - timedelta(hours=3))
    assert bot.tick(COMMENT_SWEEP_JOB) == 2
    personal = f"a:{TEAMS_MODERATOR}"
    assert len([s for s in connector.to(personal, "POST") if TEAMS_SUMMARY in s.text]) == 1
    teams.submit_dialog(
        {"dialog": "respond", "comment": comment.id, "response": "answered", "note": ""},
        user=TEAMS_MODERATOR,
    )
    bot.settle()

    bot.clock.advance(timedelta(days=366))  # the default period: a year after the reply
    connector.fail(MODS_CONVERSATION, 403, method="PUT")  # the card's redraw fails once
    assert bot.tick(RETENTION_JOB) == 1
    assert comments(bot) == []
    assert bot.tick(ERASED_JOB) == 1
    assert bot.tick(ERASED_JOB) == 1
    assert bot.tick(ERASED_JOB) == 0

    card = [s for s in connector.to(MODS_CONVERSATION, "PUT") if "removed" in s.text]
    assert [s.activity_id for s in card] == [comment.card_ts]
    redrawn_dm = [s for s in connector.to(personal, "PUT") if "removed" in s.text]
    assert len(redrawn_dm) == 1 and redrawn_dm[0].activity_id
    assert all(TEAMS_SUMMARY not in s.text for s in card + redrawn_dm)

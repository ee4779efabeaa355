"""Slack installed by OAuth into a trust's workspaces: each install goes through Bolt's real
flow against the stand-in, each workspace is its own school with its own token, settings and
records, and a request from one workspace can reach nothing of another's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.setup import service as setup_service
from store import tenancy
from store.db import session_scope
from store.models import Comment, Incident, School
from tests.conftest import SIGNING_SECRET, RunningBot
from tests.slack_requests import SlackModals, SlackSender, radio, text_input
from tests.slack_requests import select as choose
from tests.slack_standin import Workspace
from tests.test_comments import comment_form
from tests.test_incidents import DETAILS, report_form

OAUTH = {
    "slack_bot_token": None,
    "slack_client_id": "1111.2222",
    "slack_client_secret": "oauth-client-secret",
}
OAK = Workspace("T0OAK0001", "Oak Primary", "xoxb-oak-000001")
ELM = Workspace("T0ELM0001", "Elm Academy", "xoxb-elm-000002")
ASH = Workspace(None, "Ash Trust", "xoxb-ash-000003", enterprise_id="E0ASH0001", org_wide=True)


@dataclass(frozen=True)
class People:
    moderator: str
    slt: str
    mods_channel: str
    slt_channel: str


OAK_PEOPLE = People("U0OAKMOD1", "U0OAKSLT1", "C0OAKMODS", "C0OAKSLT1")
ELM_PEOPLE = People("U0ELMMOD1", "U0ELMSLT1", "C0ELMMODS", "C0ELMSLT1")


@dataclass
class Installed:
    """A workspace the app is installed into, and requests signed as coming from it."""

    workspace: Workspace
    people: People
    school: int
    slack: SlackSender
    modals: SlackModals


def install(bot: RunningBot, workspace: Workspace, code: str) -> httpx.Response:
    """A browser's install: the install page (which sets the state cookie and links to Slack
    with the same state), then Slack's redirect back with a code."""
    bot.stand_in.install_code(code, workspace)
    with httpx.Client(base_url=bot.base_url) as browser:
        page = browser.get("/slack/install")
        assert page.status_code == 200
        cookie = page.headers["set-cookie"].split(";")[0]
        name, state = cookie.split("=", 1)
        assert name == "slack-app-oauth-state" and f"state={state}" in page.text
        return browser.get(
            "/slack/oauth_redirect",
            params={"code": code, "state": state},
            headers={"Cookie": cookie},
        )


def school_of(bot: RunningBot, workspace: Workspace) -> School:
    with session_scope(bot.runtime.services.sessions) as session:
        found = session.scalars(select(School).where(School.slack_workspace == workspace.key))
        school = found.one()
        session.expunge(school)
        return school


def sender(bot: RunningBot, workspace: Workspace) -> SlackSender:
    return SlackSender(
        f"{bot.base_url}/slack/events",
        SIGNING_SECRET,
        bot.stand_in.response_url(),
        team={"id": workspace.team_id or "T0ASHHOME", "domain": workspace.name.lower()},
        enterprise=workspace.enterprise_id if workspace.org_wide else None,
    )


def configure(bot: RunningBot, school: int, people: People) -> None:
    """Settings a school's setup admin would make in chat, made through the domain service."""
    services = bot.runtime.services
    updates = {
        "slack.moderators": [people.moderator],
        "slack.slt": [people.slt],
        "slack.moderators_place": people.mods_channel,
        "slack.slt_place": people.slt_channel,
    }
    with tenancy.scope(school):
        with session_scope(services.sessions) as session:
            setup_service.change(
                session,
                services.school.defaults,
                updates,
                actor="U0SETUP01",
                front_end="slack",
                now=bot.clock.now(),
            )
        services.school.changed()


def installed(bot: RunningBot, workspace: Workspace, people: People, code: str) -> Installed:
    assert install(bot, workspace, code).status_code == 200
    school = school_of(bot, workspace).id
    configure(bot, school, people)
    slack = sender(bot, workspace)
    return Installed(workspace, people, school, slack, SlackModals(slack))


@pytest.fixture
def oauth_bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(**OAUTH, school_accounts=["Facebook: @ourschool"])


@pytest.fixture
def trust(oauth_bot: RunningBot) -> tuple[Installed, Installed]:
    return (
        installed(oauth_bot, OAK, OAK_PEOPLE, "code-oak"),
        installed(oauth_bot, ELM, ELM_PEOPLE, "code-elm"),
    )


def rows(bot: RunningBot, school: int, model: type[Any]) -> list[Any]:
    with tenancy.scope(school), session_scope(bot.runtime.services.sessions) as session:
        found = list(session.scalars(select(model).order_by(model.id)))
        session.expunge_all()
        return found


def log_comment(bot: RunningBot, at: Installed) -> Comment:
    response = at.modals.submit(
        "comment.log", comment_form(bot.clock.now()), user=at.people.moderator
    )
    assert response.status_code == 200 and not response.content
    bot.settle()
    return rows(bot, at.school, Comment)[-1]


def report(bot: RunningBot, at: Installed) -> Incident:
    form = report_form(bot.clock.now())
    done = at.modals.submit("incident.report", form, user=at.people.moderator).json()
    bot.settle()
    assert done["response_action"] == "update"
    return rows(bot, at.school, Incident)[-1]


def posts(bot: RunningBot, channel: str, token: str) -> list[Any]:
    return [
        c
        for c in bot.stand_in.sent_with(token, "chat.postMessage")
        if c.params["channel"] == channel
    ]


def test_each_installed_workspace_is_its_own_school_with_its_own_token(
    oauth_bot: RunningBot, trust: tuple[Installed, Installed]
) -> None:
    bot = oauth_bot
    oak, elm = trust
    assert (oak.school, elm.school) == (1, 2)  # the first install takes the first school
    assert school_of(bot, OAK).name == "Oak Primary"
    assert school_of(bot, ELM).name == "Elm Academy"

    oak_comment = log_comment(bot, oak)
    elm_comment = log_comment(bot, elm)
    assert posts(bot, OAK_PEOPLE.mods_channel, OAK.token)
    assert posts(bot, ELM_PEOPLE.mods_channel, ELM.token)
    assert not posts(bot, ELM_PEOPLE.mods_channel, OAK.token)

    # Each asks the bot, and hears of its own school's comments only.
    oak_pending = oak.slack.command("pending", user=OAK_PEOPLE.moderator).text
    elm_pending = elm.slack.command("pending", user=ELM_PEOPLE.moderator).text
    assert f"#{oak_comment.id}" in oak_pending and f"#{elm_comment.id}" not in oak_pending
    assert f"#{elm_comment.id}" in elm_pending and f"#{oak_comment.id}" not in elm_pending

    # The reminder sweep runs for each school, each sending with its own workspace's token.
    bot.clock.advance(timedelta(hours=20, minutes=1))
    assert bot.tick() == 2
    oak_threads = [
        c for c in posts(bot, OAK_PEOPLE.mods_channel, OAK.token) if c.params.get("thread_ts")
    ]
    elm_threads = [
        c for c in posts(bot, ELM_PEOPLE.mods_channel, ELM.token) if c.params.get("thread_ts")
    ]
    assert len(oak_threads) == 1 and f"#{oak_comment.id}" in oak_threads[0].text
    assert len(elm_threads) == 1 and f"#{elm_comment.id}" in elm_threads[0].text

    # An incident reaches its own school's SLT channel, numbered in its own school.
    oak_case, elm_case = report(bot, oak), report(bot, elm)
    assert oak_case.reference == elm_case.reference == "INC-2026-0001"
    oak_card = posts(bot, OAK_PEOPLE.slt_channel, OAK.token)
    elm_card = posts(bot, ELM_PEOPLE.slt_channel, ELM.token)
    assert len(oak_card) == 1 and f"<@{OAK_PEOPLE.slt}>" in oak_card[0].text
    assert len(elm_card) == 1 and f"<@{ELM_PEOPLE.slt}>" in elm_card[0].text
    tokens = {c.token for c in bot.stand_in.to("chat.postMessage")}
    assert tokens == {OAK.token, ELM.token}


def test_a_request_from_one_workspace_reaches_nothing_of_another(
    oauth_bot: RunningBot, trust: tuple[Installed, Installed]
) -> None:
    bot = oauth_bot
    oak, elm = trust
    comment = log_comment(bot, oak)
    case = report(bot, oak)
    seen_before = len(bot.stand_in.calls)
    elm_slt, elm_mod = ELM_PEOPLE.slt, ELM_PEOPLE.moderator

    # Elm's SLT and moderator send Oak's ids in buttons and in modals' private_metadata.
    answers = [
        elm.slack.click("incident.details", f"{case.id}:{case.version}", user=elm_slt),
        elm.slack.click("incident.take_lead", f"{case.id}:{case.version}", user=elm_slt),
        elm.slack.click("comment.assign", str(comment.id), user=elm_mod),
        elm.slack.click("comment.respond", str(comment.id), user=elm_mod),
        elm.modals.submit(
            "comment.responded",
            {"response": radio("answered"), "note": text_input("")},
            user=elm_mod,
            private_metadata=str(comment.id),
        ),
        elm.modals.submit(
            "incident.resolve_submit",
            {"outcome": choose("nfa"), "note": text_input("")},
            user=elm_slt,
            private_metadata=f"{case.id}:{case.version}",
        ),
    ]
    bot.settle()

    seen = [a.text for a in answers] + [c.text for c in bot.stand_in.calls[seen_before:]]
    told = " ".join(seen)
    assert told.count("That case no longer exists.") >= 3  # details, take lead, resolve
    assert told.count("That comment no longer exists.") >= 3  # assign, respond, responded
    assert "already" not in told  # nothing of the comment's state either
    for what in (DETAILS, case.reference, "Oak", OAK_PEOPLE.slt, OAK_PEOPLE.moderator):
        assert not [s for s in seen if what in s], f"{what!r} was shown to another school"
    assert not [c for c in bot.stand_in.calls[seen_before:] if c.token == OAK.token]
    assert not bot.stand_in.to("views.open")  # no modal of Oak's opened for Elm
    now_comment = rows(bot, oak.school, Comment)[-1]
    now_case = rows(bot, oak.school, Incident)[-1]
    assert (now_comment.status, now_comment.assignee) == ("open", None)
    assert (now_case.status, now_case.lead, now_case.version) == ("reported", None, case.version)
    assert rows(bot, elm.school, Comment) == [] and rows(bot, elm.school, Incident) == []


def test_an_uninstalled_workspace_is_no_longer_swept_and_a_reinstall_takes_it_up(
    oauth_bot: RunningBot, trust: tuple[Installed, Installed]
) -> None:
    bot = oauth_bot
    oak, elm = trust
    log_comment(bot, oak)
    log_comment(bot, elm)

    oak.slack.event({"type": "app_uninstalled"})
    oak.slack.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOTOAK"]}})
    bot.settle()
    assert school_of(bot, OAK).uninstalled_at == bot.clock.now()
    assert school_of(bot, ELM).uninstalled_at is None

    bot.clock.advance(timedelta(hours=20, minutes=1))
    assert bot.tick() == 1  # Elm's reminder only
    assert not posts(bot, OAK_PEOPLE.mods_channel, OAK.token)[1:]
    assert len(posts(bot, ELM_PEOPLE.mods_channel, ELM.token)) == 2
    # Oak's workspace can no longer use the app: Bolt finds no installation for it.
    refused = oak.slack.command("pending", user=OAK_PEOPLE.moderator)
    assert refused.status_code == 200 and "#" not in refused.text

    # Installed again, with a new token: the same school, swept again, sending with it.
    again = Workspace(OAK.team_id, OAK.name, "xoxb-oak-000009")
    assert install(bot, again, "code-oak-again").status_code == 200
    assert school_of(bot, OAK).id == oak.school and school_of(bot, OAK).uninstalled_at is None
    bot.clock.advance(timedelta(minutes=1))
    assert bot.tick() == 1  # Oak's overdue reminder
    assert len(posts(bot, OAK_PEOPLE.mods_channel, again.token)) == 1


def test_an_org_wide_install_is_one_school_for_every_workspace_of_the_organisation(
    oauth_bot: RunningBot,
) -> None:
    bot = oauth_bot
    assert install(bot, ASH, "code-ash").status_code == 200
    school = school_of(bot, ASH)
    assert (school.id, school.name) == (1, "Ash Trust")

    for team in ("T0ASHHOME", "T0ASHAWAY"):
        slack = sender(bot, ASH)
        slack.team = {"id": team, "domain": "ash"}
        slack.command("report", user="U0ASHSTAFF")
    opened = bot.stand_in.wait_for("views.open", 2)
    assert {c.token for c in opened} == {ASH.token}
    with session_scope(bot.runtime.services.sessions) as session:
        assert session.scalars(select(School.slack_workspace)).all() == [ASH.enterprise_id]


def test_an_install_with_a_forged_state_is_refused(oauth_bot: RunningBot) -> None:
    bot = oauth_bot
    bot.stand_in.install_code("code-oak", OAK)
    with httpx.Client(base_url=bot.base_url) as browser:
        refused = browser.get(
            "/slack/oauth_redirect",
            params={"code": "code-oak", "state": "made-up"},
            headers={"Cookie": "slack-app-oauth-state=made-up"},
        )
    assert refused.status_code in (400, 401)
    assert not bot.stand_in.to("oauth.v2.access")
    with session_scope(bot.runtime.services.sessions) as session:
        assert session.scalars(select(School.slack_workspace)).all() == [None]

"""One deployment, many schools: every record is held to the school in scope, whatever ids a
caller names, and what was stored before schools existed belongs to the first."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from bot.app.cli import main
from bot.app.jobs import DIGEST_JOB, for_each_school
from bot.incidents import audit as audit_trail
from bot.incidents.service import _next_reference
from bot.schools import service as schools
from store import tenancy
from store.db import MIGRATIONS, make_engine, make_session_factory, migrate, session_scope
from store.models import AuditEvent, Comment, Incident, IncidentNotice, PolicyNotice, School
from tests.conftest import RunningBot
from tests.report_data import MONDAY_8AM

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def sessions(database_url: str) -> sessionmaker[Session]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _comment(summary: str) -> Comment:
    return Comment(
        platform="instagram",
        account="@school",
        kind="comment",
        author="parent",
        summary=summary,
        received_at=START,
        due_at=START + timedelta(hours=24),
        logged_by="U0MOD0001",
        logged_at=START,
    )


def _second_school(sessions: sessionmaker[Session]) -> int:
    first = schools.school_for(sessions, schools.slack_key("T0FIRST"), name="First", now=START)
    second = schools.school_for(sessions, schools.slack_key("T0SECOND"), name="Second", now=START)
    assert first == tenancy.FIRST_SCHOOL and second != first
    return second


def test_a_school_sees_changes_and_deletes_only_its_own_rows(
    sessions: sessionmaker[Session],
) -> None:
    other = _second_school(sessions)
    with session_scope(sessions) as session:
        session.add(_comment("first school's"))
    with tenancy.scope(other), session_scope(sessions) as session:
        theirs = _comment("second school's")
        session.add(theirs)
        session.flush()
        their_id = theirs.id
    with session_scope(sessions) as session:  # the first school, as a request of its own
        assert [c.summary for c in session.scalars(select(Comment))] == ["first school's"]
        assert session.get(Comment, their_id) is None
        assert session.scalar(select(func.count()).select_from(Comment)) == 1
        changed = session.execute(
            update(Comment).where(Comment.id == their_id).values(summary="overwritten")
        )
        assert changed.rowcount == 0  # type: ignore[attr-defined]
        session.execute(delete(Comment).where(Comment.id == their_id))
    with tenancy.scope(other), session_scope(sessions) as session:
        row = session.get(Comment, their_id)
        assert row is not None and row.summary == "second school's" and row.school_id == other


def test_each_school_numbers_its_own_cases(sessions: sessionmaker[Session]) -> None:
    other = _second_school(sessions)
    with session_scope(sessions) as session:
        first = [_next_reference(session, 2026) for _ in range(2)]
    with tenancy.scope(other), session_scope(sessions) as session:
        second = _next_reference(session, 2026)
    assert first == ["INC-2026-0001", "INC-2026-0002"] and second == "INC-2026-0001"


def test_a_notice_sent_for_one_school_is_still_owed_to_another(
    sessions: sessionmaker[Session],
) -> None:
    other = _second_school(sessions)
    with session_scope(sessions) as session:
        session.add(PolicyNotice(kind="digest:2026-W45", claimed_at=START, sent_at=START))
    with tenancy.scope(other), session_scope(sessions) as session:
        assert session.get(PolicyNotice, tenancy.key(kind="digest:2026-W45")) is None
        session.add(PolicyNotice(kind="digest:2026-W45", claimed_at=START))  # not a duplicate


def test_a_sweep_runs_for_every_school_even_when_one_fails(
    sessions: sessionmaker[Session],
) -> None:
    other = _second_school(sessions)
    seen: list[int] = []

    def sweep() -> int:
        seen.append(tenancy.current())
        if tenancy.current() == tenancy.FIRST_SCHOOL:
            raise RuntimeError("this school's data is broken")
        return 3

    with pytest.raises(RuntimeError):
        for_each_school("example", sweep, sessions)()
    assert seen == [tenancy.FIRST_SCHOOL, other]


def test_an_uninstalled_school_is_not_swept(sessions: sessionmaker[Session]) -> None:
    other = _second_school(sessions)
    schools.uninstalled(sessions, schools.slack_key("T0SECOND"), now=START)
    assert schools.active(sessions) == [tenancy.FIRST_SCHOOL]
    schools.reinstalled(sessions, schools.slack_key("T0SECOND"))
    assert schools.active(sessions) == [tenancy.FIRST_SCHOOL, other]


def test_each_school_has_its_own_audit_chain(sessions: sessionmaker[Session]) -> None:
    other = _second_school(sessions)
    for school in (tenancy.FIRST_SCHOOL, other, tenancy.FIRST_SCHOOL):
        with tenancy.scope(school), session_scope(sessions) as session:
            incident = _incident(f"k{school}-{session.scalar(select(func.count(AuditEvent.id)))}")
            session.add(incident)
            session.flush()
            audit_trail.append(
                session,
                incident_id=incident.id,
                at=START,
                actor="U0SLT0001",
                action="x",
                summary="reported",
            )
    for school, entries in ((tenancy.FIRST_SCHOOL, 2), (other, 1)):
        with tenancy.scope(school), session_scope(sessions) as session:
            verdict = audit_trail.verify(session)
            assert (verdict.entries, verdict.broken) == (entries, None)


def _incident(key: str) -> Incident:
    return Incident(
        reference=f"INC-2026-{key}"[:20],
        submission_key=key,
        kind="other",
        platform="instagram",
        account_type="school",
        happened_at=START,
        involved="pupil",
        actions_taken="",
        reporter="U0STAFF01",
        reported_at=START,
        updated_at=START,
    )


def _upgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_records_stored_before_schools_belong_to_the_first_school(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    _upgrade(engine, "0021_job_runs")
    at = START.replace(tzinfo=None)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (id, reference, submission_key, kind, platform, "
                "account_type, happened_at, involved, actions_taken, urgent, reporter, "
                "reported_at, status, updated_at, version, front_end, legal_hold) VALUES "
                "(1, 'INC-2026-0001', 'k1', 'other', 'instagram', 'personal', :at, 'pupil', '', "
                ":no, 'U0STAFF01', :at, 'open', :at, 1, 'slack', :no)"
            ),
            {"at": at, "no": False},
        )
        connection.execute(
            text("INSERT INTO incident_notices (incident_id, kind, attempts) VALUES (1, 'card', 0)")
        )
        connection.execute(text("INSERT INTO incident_counters (year, last) VALUES (2026, 1)"))
        connection.execute(
            text("INSERT INTO policy_notices (kind, claimed_at, sent_at) VALUES ('x', :at, :at)"),
            {"at": at},
        )
    migrate(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        incident = session.get(Incident, 1)
        assert incident is not None and incident.school_id == tenancy.FIRST_SCHOOL
        assert session.scalar(select(func.count()).select_from(IncidentNotice)) == 1
        assert session.get(PolicyNotice, tenancy.key(kind="x")) is not None
        assert _next_reference(session, 2026) == "INC-2026-0002"
        assert session.scalar(select(School.name).where(School.id == 1)) == "School"
    engine.dispose()


def test_the_trust_sees_each_schools_week_and_each_school_keeps_its_own_cases(
    database_url: str,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    other = _second_school(sessions)
    now = datetime.now(UTC)
    for school, logged in ((tenancy.FIRST_SCHOOL, 2), (other, 1)):
        with tenancy.scope(school), session_scope(sessions) as session:
            for n in range(logged):
                comment = _comment(f"comment {n}")
                comment.received_at = comment.logged_at = now - timedelta(days=1)
                comment.due_at = now + timedelta(hours=23)
                session.add(comment)
            session.add(_incident(f"CASE-{school}"))
    for school in (tenancy.FIRST_SCHOOL, other):
        assert main(["schools", "--school", str(school), "--trust", "North Trust"]) == 0
    capsys.readouterr()

    assert main(["trust-digest", "North Trust"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines[1:]] == [["First", "2"], ["Second", "1"]]

    reference = f"INC-2026-CASE-{other}"
    assert main(["export-case", reference]) == 1  # not the first school's case
    assert main(["export-case", "--school", str(other), reference]) == 0
    assert json.loads(capsys.readouterr().out)["case"]["reference"] == reference


def test_a_school_on_slack_can_be_given_its_teams_tenant_too(
    database_url: str, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    other = _second_school(sessions)
    assert main(["schools", "--school", str(other), "--teams-tenant", "Tenant-B"]) == 0
    found = schools.school_for(sessions, schools.teams_key("tenant-b"), name=None, now=START)
    assert found == other  # its Teams is the same school, not a new one
    assert main(["schools", "--school", "1", "--teams-tenant", "tenant-b"]) == 1


def test_a_trusts_hub_sees_each_school_in_its_weekly_digest(
    bot_factory: Callable[..., RunningBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = bot_factory(slt_users=["U0SLT0001"], digest_day="Monday", digest_time="08:00")
    sessions = bot.runtime.services.sessions
    monkeypatch.setenv("DATABASE_URL", bot.runtime.engine.url.render_as_string(False))
    bot.clock.set(MONDAY_8AM - timedelta(days=8))
    bot.tick(DIGEST_JOB)  # the install's first tick: digests from the next week on
    other = _second_school(sessions)
    for school, logged in ((tenancy.FIRST_SCHOOL, 1), (other, 3)):
        with tenancy.scope(school), session_scope(sessions) as session:
            for n in range(logged):
                comment = _comment(f"comment {n}")
                comment.received_at = comment.logged_at = MONDAY_8AM - timedelta(days=2)
                comment.due_at = MONDAY_8AM - timedelta(days=1)
                session.add(comment)
    assert main(["schools", "--school", "1", "--name", "Trust office", "--trust", "Oak Trust"]) == 0
    assert main(["schools", "--school", "1", "--trust-hub", "yes"]) == 0
    assert (
        main(["schools", "--school", str(other), "--name", "Ash <Primary>", "--trust", "Oak Trust"])
        == 0
    )
    bot.clock.set(MONDAY_8AM)
    bot.tick(DIGEST_JOB)
    [digest] = [c for c in bot.stand_in.to("chat.postMessage") if "in figures" in c.text]
    assert "Across the trust" in digest.text
    assert "*Trust office*: 1 comments" in digest.text
    assert "*Ash &lt;Primary&gt;*: 3 comments" in digest.text  # a name is escaped

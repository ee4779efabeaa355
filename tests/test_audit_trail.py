"""The audit trail is a hash chain: `verify-audit` finds a changed, removed or cut-off entry, the
chain survives writers at once, and entries written before the chain existed are chained too."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from bot.app.cli import main
from bot.incidents import audit as audit_trail
from store.db import MIGRATIONS, make_engine, make_session_factory, migrate, session_scope
from store.models import AuditEvent, AuditHead, Incident
from tests.conftest import START, RunningBot
from tests.slack_requests import checkboxes, datetime_input, text_input
from tests.slack_requests import select as choose
from tests.test_incidents import SLT, click, submit_report, submit_step


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(slt_users=[SLT])


@pytest.fixture
def verify_audit(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[[], tuple[int, str]]:
    """`socialpolicy-bot verify-audit` against the test's database: (exit status, output)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run() -> tuple[int, str]:
        capsys.readouterr()
        status = main(["verify-audit"])
        return status, capsys.readouterr().out

    return run


def run_a_case(bot: RunningBot) -> None:
    """A case through several steps, some of them an hour apart."""
    submit_report(bot)
    click(bot, "incident.details")
    click(bot, "incident.take_lead")
    bot.clock.advance(timedelta(hours=1))
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
    submit_step(
        bot,
        "incident.escalate_submit",
        {
            "agency": choose("police"),
            "reference": text_input("CAD 4411"),
            "when": datetime_input(int(bot.clock.now().timestamp())),
        },
    )
    bot.clock.advance(timedelta(hours=1))
    submit_step(
        bot, "incident.resolve_submit", {"outcome": choose("police"), "note": text_input("")}
    )


def entries(bot: RunningBot) -> list[AuditEvent]:
    with session_scope(bot.runtime.services.sessions) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def as_attacker(bot: RunningBot, statement: str) -> None:
    """Change the trail as someone with the database could: append-only trigger off first."""
    engine = bot.runtime.engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        connection.execute(text(statement))


def test_the_trail_of_a_case_verifies_intact(
    bot: RunningBot, verify_audit: Callable[[], tuple[int, str]]
) -> None:
    assert verify_audit() == (
        0,
        "audit trail intact: 0 entries\nlatest digest: (none)\n"
        "settings and policy changes intact: 1\n",  # the policy's first import
    )
    run_a_case(bot)
    written = entries(bot)
    assert [e.action for e in written] == [
        "reported",
        "viewed_details",
        "took_lead",
        "assessed",
        "escalated",
        "resolved",
    ]
    status, out = verify_audit()
    assert status == 0
    assert out.splitlines() == [
        "audit trail intact: 6 entries",
        f"latest digest: {written[-1].digest}",
        "settings and policy changes intact: 1",
    ]
    # Each entry names the one before it, and the chain's head is the last entry.
    assert len({e.digest for e in written}) == 6
    with session_scope(bot.runtime.services.sessions) as session:
        head = session.get(AuditHead, 1)
        assert head is not None and (head.entries, head.digest) == (6, written[-1].digest)


def test_a_changed_summary_is_reported_at_that_entry(
    bot: RunningBot, verify_audit: Callable[[], tuple[int, str]]
) -> None:
    run_a_case(bot)
    assessed = entries(bot)[3]
    as_attacker(bot, f"UPDATE audit_events SET summary = 'Took a look' WHERE id = {assessed.id}")

    assert verify_audit() == (
        1,
        f"entry {assessed.id} (INC-2026-0001, 2026-11-25 11:00) does not match: "
        "the trail was changed at or before it\n",
    )


def test_an_entry_rewritten_with_its_own_hashes_breaks_the_next_link(
    bot: RunningBot, verify_audit: Callable[[], tuple[int, str]]
) -> None:
    """Someone who knows the scheme and recomputes the changed entry's hashes is caught at the
    following entry, unless they rewrite everything after it (see the README)."""
    run_a_case(bot)
    took_lead, assessed = entries(bot)[2:4]
    content = audit_trail.content_hash(assessed.salt or "", "U0SOMEONE", assessed.summary)
    forged = audit_trail.link(
        took_lead.digest,
        incident_id=assessed.incident_id,
        at=assessed.at,
        action=assessed.action,
        content=content,
    )
    as_attacker(
        bot,
        f"UPDATE audit_events SET actor = 'U0SOMEONE', content_hash = '{content}', "
        f"digest = '{forged}' WHERE id = {assessed.id}",
    )

    status, out = verify_audit()
    assert status == 1
    assert out.startswith(f"entry {assessed.id + 1} (INC-2026-0001, 2026-11-25 11:00) does not")


def test_a_deleted_entry_is_reported(
    bot: RunningBot, verify_audit: Callable[[], tuple[int, str]]
) -> None:
    run_a_case(bot)
    viewed, took_lead = entries(bot)[1:3]
    as_attacker(bot, f"DELETE FROM audit_events WHERE id = {viewed.id}")

    assert verify_audit() == (
        1,
        f"entry {took_lead.id} (INC-2026-0001, 2026-11-25 10:00) does not match: "
        "the trail was changed at or before it\n",
    )


def test_entries_removed_from_the_end_are_reported(
    bot: RunningBot, verify_audit: Callable[[], tuple[int, str]]
) -> None:
    run_a_case(bot)
    written = entries(bot)
    as_attacker(bot, f"DELETE FROM audit_events WHERE id >= {written[4].id}")

    assert verify_audit() == (
        1,
        f"entries are missing after entry {written[3].id} (INC-2026-0001, 2026-11-25 11:00): "
        "6 were written and 4 are left; the trail was cut short\n",
    )


def test_the_database_refuses_changes_short_of_redacting_an_anonymised_case(
    bot: RunningBot,
) -> None:
    """Only retention's redaction gets past the append-only trigger, and only once the case is
    anonymised; a digest, a time or an action can never be changed."""
    run_a_case(bot)
    first = entries(bot)[0]
    sessions = bot.runtime.services.sessions
    redaction = (
        "UPDATE audit_events SET actor = '(removed)', salt = NULL, summary = 'x' "
        f"WHERE id = {first.id}"
    )
    for statement in (
        redaction,  # the case is not anonymised
        f"UPDATE audit_events SET digest = 'x' WHERE id = {first.id}",
        f"DELETE FROM audit_events WHERE id = {first.id}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session_scope(sessions) as session:
            session.execute(text(statement))
    with session_scope(sessions) as session:
        session.execute(text("UPDATE incidents SET reporter = '(removed)'"))
    for statement in (
        f"UPDATE audit_events SET actor = '(removed)', salt = NULL, at = at, action = 'x' "
        f"WHERE id = {first.id}",
        f"UPDATE audit_events SET actor = 'U0OTHER', salt = NULL WHERE id = {first.id}",
        f"UPDATE audit_events SET actor = '(removed)', salt = NULL, digest = NULL "
        f"WHERE id = {first.id}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session_scope(sessions) as session:
            session.execute(text(statement))
    with session_scope(sessions) as session:
        session.execute(text(redaction))
    with pytest.raises(DBAPIError, match="append-only"), session_scope(sessions) as session:
        session.execute(text(redaction.replace("'x'", "'y'")))  # once: the salt is gone


def test_writers_at_once_keep_one_chain(database_url: str) -> None:
    """Entries written from many threads at once still form one chain (the head is locked)."""
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        session.add(_incident())
    with session_scope(sessions) as session:
        incident_id = session.scalars(select(Incident.id)).one()
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(8):
                with session_scope(sessions) as session:
                    audit_trail.append(
                        session,
                        incident_id=incident_id,
                        at=START + timedelta(seconds=i),
                        actor=f"U0WRITER{n}",
                        action="viewed_details",
                        summary=f"Viewed the details ({n}, {i})",
                    )
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(sessions) as session:
        verdict = audit_trail.verify(session)
    engine.dispose()
    assert (verdict.entries, verdict.broken) == (48, None)


def _incident() -> Incident:
    return Incident(
        reference="INC-2026-0001",
        submission_key="k1",
        kind="other",
        platform="instagram",
        account_type="personal",
        happened_at=START,
        involved="pupil",
        details="x",
        actions_taken="",
        urgent=False,
        reporter="U0STAFF01",
        reported_at=START,
        status="reported",
        updated_at=START,
        version=1,
    )


def _upgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_entries_written_before_the_chain_are_chained_in_order(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    _upgrade(engine, "0013")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (id, reference, submission_key, kind, platform, "
                "account_type, happened_at, involved, actions_taken, urgent, reporter, "
                "reported_at, status, updated_at, version, front_end, legal_hold) VALUES "
                "(1, 'INC-2025-0001', 'k1', 'other', 'instagram', 'personal', :at, 'pupil', '', "
                ":no, 'U0STAFF01', :at, 'open', :at, 1, 'slack', :no)"
            ),
            {"at": START.replace(tzinfo=None), "no": False},
        )
        for n, action in enumerate(("reported", "took_lead", "resolved")):
            connection.execute(
                text(
                    "INSERT INTO audit_events (incident_id, at, actor, action, summary) "
                    "VALUES (1, :at, :actor, :action, :summary)"
                ),
                {
                    "at": (START + timedelta(minutes=n)).replace(tzinfo=None),
                    "actor": f"U0SLT000{n}",
                    "action": action,
                    "summary": f"Step {n}",
                },
            )
    migrate(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        verdict = audit_trail.verify(session)
        assert (verdict.entries, verdict.broken) == (3, None)
        audit_trail.append(
            session, incident_id=1, at=START, actor="U0SLT0001", action="x", summary="after"
        )
    with session_scope(sessions) as session:
        assert audit_trail.verify(session).entries == 4
        assert audit_trail.verify(session).broken is None
    engine.dispose()

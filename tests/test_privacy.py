"""Personal data stays out of the logs, even at DEBUG and when the database refuses a write; and
once retention has anonymised a case, nothing that names its people or its references is left
anywhere in the database, or in the bytes of the SQLite files."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import String, Text, func, inspect, select, text
from sqlalchemy.engine import make_url

from bot.app.cli import QUIET_LOGGERS, configure_logging, main
from bot.app.jobs import RETENTION_JOB
from store.db import session_scope
from store.models import AuditEvent, Incident
from tests.conftest import RunningBot
from tests.slack_requests import checkboxes, datetime_input, text_input
from tests.slack_requests import select as choose
from tests.test_incidents import REPORTER, SLT, SLT_2, click, submit_report, submit_step

LOGGED_MARKER = "zq-logged-marker-5521"
REFUSED_MARKER = "zq-refused-marker-7340"
ERASED_MARKER = "zq-erased-marker-9183"
POLICE_REFERENCE = "CAD-zq-4411"
PLATFORM_REFERENCE = "IG-zq-7788"
SAFEGUARDING_REFERENCE = "CPOMS-zq-3305"


@pytest.fixture
def bot(bot_factory: Callable[..., RunningBot]) -> RunningBot:
    return bot_factory(slt_users=[SLT, SLT_2], retention_incidents_days=60)


@pytest.fixture
def debug_logging() -> Iterator[None]:
    """LOG_LEVEL=DEBUG as the bot sets it up; the levels are put back afterwards."""
    names = ["", *QUIET_LOGGERS]
    saved = {name: logging.getLogger(name).level for name in names}
    configure_logging("DEBUG")
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def _refuse_inserts_containing(bot: RunningBot, marker: str) -> None:
    """From now on the database itself refuses a case whose details hold `marker`."""
    engine = bot.runtime.engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text(
                    "ALTER TABLE incidents ADD CONSTRAINT no_marker "
                    f"CHECK (details NOT LIKE '%{marker}%') NOT VALID"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER no_marker BEFORE INSERT ON incidents "
                    f"WHEN NEW.details LIKE '%{marker}%' "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
            )


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            parts.append(logging.Formatter().formatException(record.exc_info))
            parts.extend(repr(getattr(e, "args", "")) for e in (error, error.__cause__))
    return "\n".join(parts)


def test_no_personal_data_is_logged_at_debug_even_when_the_insert_fails(
    bot: RunningBot, debug_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert logging.getLogger().getEffectiveLevel() == logging.DEBUG
    for name, floor in QUIET_LOGGERS.items():
        assert logging.getLogger(name).getEffectiveLevel() >= floor >= logging.INFO

    submit_report(bot, view_id="V0LOGGED1", details=text_input(f"Details {LOGGED_MARKER}"))
    click(bot, "incident.details")
    with session_scope(bot.runtime.services.sessions) as session:
        assert session.scalars(select(Incident.details)).one() == f"Details {LOGGED_MARKER}"

    _refuse_inserts_containing(bot, REFUSED_MARKER)
    bot.modals.submit(
        "incident.report",
        {
            "kind": choose("image_shared"),
            "platform": choose("instagram"),
            "account_type": choose("personal"),
            "link": text_input(""),
            "happened_at": datetime_input(int(bot.clock.now().timestamp())),
            "involved": checkboxes("pupil"),
            "details": text_input(f"Details {REFUSED_MARKER}"),
            "actions_taken": checkboxes("screenshot"),
            "at_risk": checkboxes(),
        },
        user=REPORTER,
        view_id="V0REFUSED",
    )
    bot.settle()
    with session_scope(bot.runtime.services.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 1

    logged = _everything_logged(caplog)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures, "the refused insert was expected to be logged as an error"
    assert LOGGED_MARKER not in logged
    assert REFUSED_MARKER not in logged


def run_case_to_the_end(bot: RunningBot, *, details: str) -> None:
    """Reported, viewed, led, assessed, escalated to the police and the platform, resolved,
    moved to the safeguarding system: every kind of entry and reference the trail holds."""
    submit_report(bot, details=text_input(details))
    click(bot, "incident.details", user=SLT_2)
    click(bot, "incident.take_lead")
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
    for agency, reference in (("police", POLICE_REFERENCE), ("platform", PLATFORM_REFERENCE)):
        submit_step(
            bot,
            "incident.escalate_submit",
            {
                "agency": choose(agency),
                "reference": text_input(reference),
                "when": datetime_input(int(bot.clock.now().timestamp())),
            },
        )
    submit_step(
        bot, "incident.resolve_submit", {"outcome": choose("police"), "note": text_input("")}
    )
    submit_step(bot, "incident.hand_off_submit", {"reference": text_input(SAFEGUARDING_REFERENCE)})


def database_holding(bot: RunningBot, needle: str) -> list[str]:
    """Every table.column, over every text column of every table, whose values contain
    `needle`."""
    engine = bot.runtime.engine
    found = []
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                if not isinstance(column["type"], String | Text):
                    continue
                count = connection.scalar(
                    text(f'SELECT count(*) FROM "{table}" WHERE "{column["name"]}" LIKE :n'),
                    {"n": f"%{needle}%"},
                )
                if count:
                    found.append(f"{table}.{column['name']}")
    return found


PEOPLE_AND_REFERENCES = (
    REPORTER,
    SLT,
    SLT_2,
    POLICE_REFERENCE,
    PLATFORM_REFERENCE,
    SAFEGUARDING_REFERENCE,
)


def test_after_retention_no_person_or_reference_of_the_case_is_left_and_the_trail_verifies(
    bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_case_to_the_end(bot, details=f"Details {ERASED_MARKER}")
    for needle in PEOPLE_AND_REFERENCES:
        assert database_holding(bot, needle), f"{needle} was expected in the database before"

    bot.clock.advance(timedelta(days=61))
    assert bot.tick(RETENTION_JOB) == 1

    for needle in (*PEOPLE_AND_REFERENCES, ERASED_MARKER):
        assert database_holding(bot, needle) == [], needle
    with session_scope(bot.runtime.services.sessions) as session:
        trail = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.actor, e.summary) for e in trail if e.action in ("escalated", "handed_off")] == [
        ("(removed)", "Escalated to Police (reference removed)"),
        ("(removed)", "Escalated to The platform (reference removed)"),
        (
            "(removed)",
            "Moved to the safeguarding record system (reference removed); details erased here",
        ),
    ]
    assert [(e.actor, e.action) for e in trail][-1] == ("retention", "anonymised")
    assert all(e.salt is None for e in trail[:-1])

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["verify-audit"]) == 0
    assert capsys.readouterr().out.startswith(f"audit trail intact: {len(trail)} entries\n")


def _sqlite_bytes(database_url: str) -> bytes:
    path = Path(make_url(database_url).database or "")
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_erased_text_leaves_no_trace_in_the_sqlite_files(
    bot: RunningBot, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the bytes of the database files: SQLite only")
    with bot.runtime.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA auto_vacuum").scalar() == 2  # incremental
    # Near the form's limit: most of a page, whose space is freed when it is erased.
    details = f"Details {ERASED_MARKER} " + "and more of what happened " * 100
    run_case_to_the_end(bot, details=details)
    submit_report(bot, view_id="V0SECOND1", details=text_input(f"Second {ERASED_MARKER}"))
    with session_scope(bot.runtime.services.sessions) as session:
        second = session.scalars(select(Incident).order_by(Incident.id.desc())).first()
        assert second is not None
    # The second case is resolved so retention anonymises it too; its details were never erased
    # by a hand-off, so retention is what removes them.
    bot.modals.submit(
        "incident.resolve_submit",
        {"outcome": choose("nfa"), "note": text_input("")},
        user=SLT,
        private_metadata=f"{second.id}:{second.version}",
    )
    bot.settle()
    raw = _sqlite_bytes(database_url)
    assert ERASED_MARKER.encode() in raw
    assert POLICE_REFERENCE.encode() in raw

    bot.clock.advance(timedelta(days=61))
    assert bot.tick(RETENTION_JOB) == 2

    raw = _sqlite_bytes(database_url)
    for needle in (ERASED_MARKER, POLICE_REFERENCE, SAFEGUARDING_REFERENCE, REPORTER, SLT_2):
        assert needle.encode() not in raw, needle

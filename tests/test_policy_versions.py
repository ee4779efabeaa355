"""The live policy itself, without a front end: the first start imports POLICY_PATH once, a
folder is read from disk instead, and an instance sees another's switch once its check
interval has passed (the instance that switched, at once)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import ManualClock
from bot.policy import versions
from bot.policy.live import open_live_policy
from bot.policy.loader import load_policy_file
from bot.policy.service import PolicyService
from store.db import make_engine, make_session_factory, session_scope
from store.models import PolicySwitch, PolicyVersion
from tests.conftest import START
from tests.policy_files import NEW_PASSAGE, OLD_POLICY, QUESTION, new_policy_pdf


class Ticks:
    """Monotonic time that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with session_scope(sessions) as session:
        return (
            session.scalar(select(func.count()).select_from(PolicyVersion)) or 0,
            session.scalar(select(func.count()).select_from(PolicySwitch)) or 0,
        )


def _answers_new(policy: PolicyService) -> bool:
    return any(NEW_PASSAGE in h.passage.text for h in policy.ask(QUESTION).answer.hits)


def test_another_instances_switch_is_seen_after_the_check_interval(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "policy.md"
    path.write_text(OLD_POLICY, encoding="utf-8")
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    clock, ticks = ManualClock(START), Ticks()
    here = open_live_policy(sessions, path, clock=clock, ttl=1.5, monotonic=ticks)
    there = open_live_policy(sessions, path, clock=clock, ttl=1.5, monotonic=ticks)
    assert _counts(sessions) == (1, 1)  # imported once
    assert here.live_id == there.live_id is not None

    new = load_policy_file("new.pdf", new_policy_pdf())
    with session_scope(sessions) as session:
        row = versions.add(
            session,
            file_name="new.pdf",
            content=new_policy_pdf(),
            policies=new,
            user="U0SLT0001",
            front_end="slack",
            now=clock.now(),
        )
        versions.switch(
            session,
            row,
            kind=versions.CONFIRM,
            user="U0SLT0001",
            front_end="slack",
            now=clock.now(),
        )
        switched = row.id
    here.switched(switched)
    assert _answers_new(here) and here.version == new.version
    assert not _answers_new(there)  # checked less than 1.5 s ago
    ticks.now += 1.0
    assert not _answers_new(there)
    ticks.now += 0.6
    assert _answers_new(there) and there.live_id == switched
    engine.dispose()


def test_a_folder_is_read_from_disk_and_not_imported(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "policy.md").write_text(OLD_POLICY, encoding="utf-8")
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    policy = open_live_policy(sessions, folder, clock=ManualClock(START), ttl=0)
    assert policy.live_id is None and _counts(sessions) == (0, 0)
    assert [s.title for s in policy.topics()][-1] == "Fax machines"
    engine.dispose()

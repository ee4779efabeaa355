"""Which school a unit of work belongs to, and the rule that keeps every query inside it.

One deployment can serve many schools (a trust's). Every school's record carries `school_id`;
the school in scope is a context variable, set where a request or a sweep's turn for a school
begins. Every ORM SELECT, UPDATE and DELETE on a school's table is limited to that school
(SQLAlchemy's global criteria, `with_loader_criteria`), and every new row is stamped with it,
so no query written elsewhere can reach another school's rows by forgetting a filter, whatever
ids a request carries. A deployment for one school never sets it: its school is the first.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

FIRST_SCHOOL = 1

_school: contextvars.ContextVar[int] = contextvars.ContextVar("school", default=FIRST_SCHOOL)

P = ParamSpec("P")
T = TypeVar("T")


def current() -> int:
    """The school whose records this unit of work may see and make."""
    return _school.get()


@contextmanager
def scope(school_id: int) -> Iterator[int]:
    """Work for one school until the block ends (then the school before it again)."""
    token = _school.set(school_id)
    try:
        yield school_id
    finally:
        _school.reset(token)


def enter(school_id: int) -> None:
    """Work for one school from here to the end of the current context. For a framework that
    runs the work after the hook that chose the school has returned (Bolt runs its listeners
    after every middleware), where `scope` would have ended already: the caller's context must
    be the request's own (a thread pool's copied context, as Starlette's), so that nothing
    after the request inherits the school."""
    _school.set(school_id)


def key(**names: str) -> dict[str, Any]:
    """The primary key of a row named within its school (a setting, a notice): for `get`."""
    return {"school_id": current(), **names}


class SchoolOwned:
    """A table whose rows belong to one school: stamped at insert, filtered at every query."""

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id"), index=True, default=lambda: current()
    )


@event.listens_for(Session, "do_orm_execute")
def _only_this_school(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria added to the statement that loaded the row carry over
    school = current()
    state.statement = state.statement.options(
        with_loader_criteria(SchoolOwned, lambda cls: cls.school_id == school, include_aliases=True)
    )


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's context, so work handed to another
    thread (a Slack listener after its request was acknowledged) stays with its school."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        call = functools.partial(fn, *args, **kwargs)
        return super().submit(contextvars.copy_context().run, call)

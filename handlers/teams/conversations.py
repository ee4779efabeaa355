"""Conversation references and names: what the bot learns from each Teams activity, so it can
write later (reminders, escalations, DMs) and name people on cards.

They are kept in the database and mirrored in memory, each school's apart (a conversation id
is Teams-wide, but a school only ever finds its own), so most lookups cost nothing. Another
instance may have learnt of a conversation or a person this one has not: a lookup that finds
nothing reads the mirror again from the database (at most once every `RELOAD_SECONDS`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from microsoft_teams.api import Account, ConversationAccount, ConversationReference
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store import tenancy
from store.db import read_scope, session_scope
from store.models import TeamsConversation, TeamsPerson


def user_id(account: Account) -> str:
    """A Teams user as the domain knows them: their Entra object id."""
    return (account.aad_object_id or account.id).lower()


@dataclass(frozen=True)
class Person:
    """Someone a roster named: Entra object id, account id in the bot's eyes (`29:…`), name."""

    user_id: str
    account_id: str
    name: str | None


logger = logging.getLogger(__name__)
RELOAD_SECONDS = 2.0


@dataclass
class _Mirror:
    """One school's conversations and people, as last read (`loaded`: when, by `monotonic`)."""

    conversations: dict[str, TeamsConversation] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    loaded: float = float("-inf")


class TeamsDirectory:
    """Each school's mirror apart (`store.tenancy`): a conversation or person learnt in one
    school is never found in another's scope, and proactive sends use the references of the
    school they are made for."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        lookups: sessionmaker[Session] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`lookups`: for reading again what other instances stored, which may happen inside a
        delivery's transaction (`store.db.make_lookup_engine`)."""
        self.sessions = sessions
        self.lookups = lookups or sessions
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._mirrors: dict[int, _Mirror] = {}
        self._mirror()

    def _mirror(self) -> _Mirror:
        """The school in scope's mirror, read from the database at its first use."""
        school = tenancy.current()
        with self._lock:
            mirror = self._mirrors.get(school)
        if mirror is None:
            mirror = self._reload()
            mirror.loaded = float("-inf")  # the first lookup that misses looks again at once
        return mirror

    def _reload(self) -> _Mirror:
        school = tenancy.current()
        with read_scope(self.lookups) as session:
            conversations = {
                c.id: _copy(c)
                for c in session.scalars(
                    select(TeamsConversation).order_by(TeamsConversation.updated_at)
                )
            }
            people = list(session.scalars(select(TeamsPerson)))
        with self._lock:
            mirror = self._mirrors.setdefault(school, _Mirror())
            mirror.conversations.update(conversations)
            mirror.names.update({p.id: p.name for p in people if p.name})
            mirror.accounts.update({p.id: p.account_id for p in people if p.account_id})
            mirror.loaded = self._monotonic()
        return mirror

    def _missed(self) -> bool:
        """Nothing found here: read what other instances have stored, unless that was just
        done. Returns whether it was read again."""
        mirror = self._mirror()
        with self._lock:
            if self._monotonic() - mirror.loaded < RELOAD_SECONDS:
                return False
        self._reload()
        return True

    def remember(self, activity: Any, *, now: datetime) -> str:
        """Keep where this activity came from, and who sent it; returns the sender's id."""
        conversation, sender = activity.conversation, activity.from_
        kind = conversation.conversation_type or "personal"
        who = user_id(sender)
        try:
            with session_scope(self.sessions) as session:
                row = session.get(TeamsConversation, conversation.id) or TeamsConversation(
                    id=conversation.id
                )
                row.kind = kind
                row.service_url = activity.service_url
                row.tenant_id = conversation.tenant_id
                row.bot_id = activity.recipient.id
                row.user_id = who if kind == "personal" else None
                row.updated_at = now
                session.add(row)
                if sender.name:
                    person = session.get(TeamsPerson, who) or TeamsPerson(id=who)
                    person.name = sender.name[:200]
                    person.account_id = sender.id
                    session.add(person)
                copied = _copy(row)
        except IntegrityError:  # another school's (ids are Teams-wide): it stays theirs
            logger.warning("a Teams conversation or person of another school was not kept")
            return who
        mirror = self._mirror()
        with self._lock:
            mirror.conversations[conversation.id] = copied
            if sender.name:
                mirror.names[who] = sender.name[:200]
                mirror.accounts[who] = sender.id
        return who

    def remember_people(self, people: Iterable[Person]) -> None:
        """Keep the names and account ids a roster gave, so cards name them and DMs reach them."""
        listed = {p.user_id: p for p in people}
        with session_scope(self.sessions) as session:
            for person in listed.values():
                row = session.get(TeamsPerson, person.user_id) or TeamsPerson(
                    id=person.user_id, name=""
                )
                row.name = (person.name or row.name)[:200]
                row.account_id = person.account_id
                session.add(row)
        mirror = self._mirror()
        with self._lock:
            for person in listed.values():
                if person.name:
                    mirror.names[person.user_id] = person.name[:200]
                mirror.accounts[person.user_id] = person.account_id

    def open_personal(
        self, user: str, conversation_id: str, *, like: ConversationReference, now: datetime
    ) -> ConversationReference:
        """Keep a personal chat the bot has just started, as if the person had opened it."""
        with session_scope(self.sessions) as session:
            row = session.get(TeamsConversation, conversation_id) or TeamsConversation(
                id=conversation_id
            )
            row.kind, row.user_id, row.updated_at = "personal", user.lower(), now
            row.service_url = like.service_url
            row.tenant_id = like.conversation.tenant_id
            row.bot_id = like.bot.id
            session.add(row)
            copied = _copy(row)
        mirror = self._mirror()
        with self._lock:
            mirror.conversations[conversation_id] = copied
        return _reference(copied, conversation_id)

    def reference(self, conversation_id: str) -> ConversationReference | None:
        mirror = self._mirror()
        with self._lock:
            row = mirror.conversations.get(conversation_id.split(";")[0])
        if row is None and self._missed():
            return self.reference(conversation_id)
        return _reference(row, conversation_id) if row else None

    def shared(self) -> list[ConversationReference]:
        """The teams' channels and group chats the bot is in, once each: whose members are staff.
        Read again first: another instance may have been added to some."""
        mirror = self._reload()
        with self._lock:
            rows = {
                c.id.split(";")[0]: c for c in mirror.conversations.values() if c.kind != "personal"
            }
        return [_reference(row, conversation_id) for conversation_id, row in rows.items()]

    def personal_users(self) -> list[str]:
        """Everyone with a personal chat with the bot, on any instance."""
        mirror = self._reload()
        with self._lock:
            return list(
                dict.fromkeys(
                    c.user_id
                    for c in mirror.conversations.values()
                    if c.kind == "personal" and c.user_id
                )
            )

    def newest(self) -> ConversationReference | None:
        """The latest conversation heard from: the service URL, tenant and bot id to write with."""
        mirror = self._mirror()
        with self._lock:
            row = max(mirror.conversations.values(), key=lambda c: c.updated_at, default=None)
        return _reference(row, row.id) if row else None

    def account(self, user: str) -> str | None:
        mirror = self._mirror()
        with self._lock:
            found = mirror.accounts.get(user.lower())
        if found is None and self._missed():
            return self.account(user)
        return found

    def personal(self, user: str) -> ConversationReference | None:
        mirror = self._mirror()
        with self._lock:
            chats = [
                c
                for c in mirror.conversations.values()
                if c.kind == "personal" and c.user_id == user.lower()
            ]
        if not chats and self._missed():
            return self.personal(user)
        return _reference(chats[-1], chats[-1].id) if chats else None

    def name(self, user: str, default: str = "a member of staff") -> str:
        mirror = self._mirror()
        with self._lock:
            found = mirror.names.get(user)
        if found is None and self._missed():
            return self.name(user, default)
        return found or default


def _copy(row: TeamsConversation) -> TeamsConversation:
    return TeamsConversation(
        id=row.id,
        kind=row.kind,
        service_url=row.service_url,
        tenant_id=row.tenant_id,
        bot_id=row.bot_id,
        user_id=row.user_id,
        updated_at=row.updated_at,
    )


def _reference(row: TeamsConversation, conversation_id: str) -> ConversationReference:
    return ConversationReference(
        channel_id="msteams",
        service_url=row.service_url,
        bot=Account(id=row.bot_id),
        conversation=ConversationAccount(id=conversation_id, tenant_id=row.tenant_id),
    )

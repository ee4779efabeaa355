"""Conversation references and names: what the bot learns from each Teams activity, so it can
write later (reminders, escalations, DMs) and name people on cards.

They are kept in the database and mirrored in memory, so a delivery in progress (which holds
its own transaction) never has to open another one to look them up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from microsoft_teams.api import Account, ConversationAccount, ConversationReference
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.db import session_scope
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


class TeamsDirectory:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._lock = threading.Lock()
        with session_scope(sessions) as session:
            self._conversations = {
                c.id: _copy(c)
                for c in session.scalars(
                    select(TeamsConversation).order_by(TeamsConversation.updated_at)
                )
            }
            people = list(session.scalars(select(TeamsPerson)))
            self._names = {p.id: p.name for p in people if p.name}
            self._accounts = {p.id: p.account_id for p in people if p.account_id}

    def remember(self, activity: Any, *, now: datetime) -> str:
        """Keep where this activity came from, and who sent it; returns the sender's id."""
        conversation, sender = activity.conversation, activity.from_
        kind = conversation.conversation_type or "personal"
        who = user_id(sender)
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
        with self._lock:
            self._conversations[conversation.id] = copied
            if sender.name:
                self._names[who] = sender.name[:200]
                self._accounts[who] = sender.id
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
        with self._lock:
            for person in listed.values():
                if person.name:
                    self._names[person.user_id] = person.name[:200]
                self._accounts[person.user_id] = person.account_id

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
        with self._lock:
            self._conversations[conversation_id] = copied
        return _reference(copied, conversation_id)

    def reference(self, conversation_id: str) -> ConversationReference | None:
        with self._lock:
            row = self._conversations.get(conversation_id.split(";")[0])
        return _reference(row, conversation_id) if row else None

    def shared(self) -> list[ConversationReference]:
        """The teams' channels and group chats the bot is in, once each: whose members are staff."""
        with self._lock:
            rows = {
                c.id.split(";")[0]: c for c in self._conversations.values() if c.kind != "personal"
            }
        return [_reference(row, conversation_id) for conversation_id, row in rows.items()]

    def personal_users(self) -> list[str]:
        with self._lock:
            return list(
                dict.fromkeys(
                    c.user_id
                    for c in self._conversations.values()
                    if c.kind == "personal" and c.user_id
                )
            )

    def newest(self) -> ConversationReference | None:
        """The latest conversation heard from: the service URL, tenant and bot id to write with."""
        with self._lock:
            row = max(self._conversations.values(), key=lambda c: c.updated_at, default=None)
        return _reference(row, row.id) if row else None

    def account(self, user: str) -> str | None:
        with self._lock:
            return self._accounts.get(user.lower())

    def personal(self, user: str) -> ConversationReference | None:
        with self._lock:
            chats = [
                c
                for c in self._conversations.values()
                if c.kind == "personal" and c.user_id == user.lower()
            ]
        return _reference(chats[-1], chats[-1].id) if chats else None

    def name(self, user: str, default: str = "a member of staff") -> str:
        with self._lock:
            return self._names.get(user, default)


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

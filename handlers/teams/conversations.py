"""Conversation references and names: what the bot learns from each Teams activity, so it can
write later (reminders, escalations, DMs) and name people on cards."""

from __future__ import annotations

from datetime import datetime

from microsoft_teams.api import Account, ConversationAccount, ConversationReference
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import TeamsConversation, TeamsPerson


def user_id(account: Account) -> str:
    """A Teams user as the domain knows them: their Entra object id."""
    return (account.aad_object_id or account.id).lower()


def remember(session: Session, activity: object, *, now: datetime) -> None:
    """Keep where this activity came from (and who sent it) for proactive messages later."""
    conversation = activity.conversation  # type: ignore[attr-defined]
    sender = activity.from_  # type: ignore[attr-defined]
    kind = conversation.conversation_type or "personal"
    row = session.get(TeamsConversation, conversation.id) or TeamsConversation(id=conversation.id)
    row.kind = kind
    row.service_url = activity.service_url  # type: ignore[attr-defined]
    row.tenant_id = conversation.tenant_id
    row.bot_id = activity.recipient.id  # type: ignore[attr-defined]
    row.user_id = user_id(sender) if kind == "personal" and sender else None
    row.updated_at = now
    session.add(row)
    if sender and sender.name:
        person = session.get(TeamsPerson, user_id(sender)) or TeamsPerson(id=user_id(sender))
        person.name = sender.name[:200]
        session.add(person)


def reference(session: Session, conversation_id: str) -> ConversationReference | None:
    row = session.get(TeamsConversation, conversation_id.split(";")[0])
    return _reference(row, conversation_id) if row else None


def personal(session: Session, user: str) -> ConversationReference | None:
    row = session.scalars(
        select(TeamsConversation)
        .where(TeamsConversation.user_id == user.lower(), TeamsConversation.kind == "personal")
        .order_by(TeamsConversation.updated_at.desc())
    ).first()
    return _reference(row, row.id) if row else None


def _reference(row: TeamsConversation, conversation_id: str) -> ConversationReference:
    return ConversationReference(
        channel_id="msteams",
        service_url=row.service_url,
        bot=Account(id=row.bot_id),
        conversation=ConversationAccount(id=conversation_id, tenant_id=row.tenant_id),
    )


def names(session: Session) -> dict[str, str]:
    return {p.id: p.name for p in session.scalars(select(TeamsPerson))}

"""School accounts in Teams: apply, SLT decide, administrators create and hand over, the register.

The same domain as Slack (`bot.accounts`); accounts applied for here hold Entra object ids and
their handover tasks come back here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from microsoft_teams.api import TaskModuleResponse

from bot.accounts import service as accounts
from bot.accounts.service import AccountError, Application, Field
from bot.ports import DeliveryError
from handlers.teams import account_cards as views
from handlers.teams import cards
from handlers.teams.base import FRONT_END, TeamsTurns
from store.models import Handover, SchoolAccount

logger = logging.getLogger(__name__)
NOT_SLT = "Only SLT can decide on school accounts."
NOT_ADMIN = "Only the school's account administrators can do that (TEAMS_ADMIN_USERS)."
DIALOGS = ("apply", "account_decline", "account_created", "account_handover", "account_leaver")


def _people(value: Any) -> tuple[str, ...]:
    """The people picker answers with comma-separated Entra object ids."""
    return tuple(p.strip().lower() for p in str(value or "").split(",") if p.strip())


def _target(data: dict[str, Any]) -> tuple[int, int]:
    return int(data.get("account") or 0), int(data.get("version") or 0)


class AccountListeners(TeamsTurns):
    def is_admin(self, user: str) -> bool:
        return self.roles.is_admin(user)

    # Messages ----------------------------------------------------------------------------

    async def register(self, user: str) -> cards.Card:
        """The register for everyone; SLT also see handovers left undone for a week."""
        now = self.services.clock.now()
        is_slt = self.roles.is_slt(user)

        def read(session: Any) -> cards.Card:
            overdue = accounts.overdue_handovers(session, now=now) if is_slt else []
            return views.register_card(
                accounts.register(session), overdue, name=self._names(), zone=self.zone, now=now
            )

        return await self._db(read)

    # Card actions ------------------------------------------------------------------------

    async def approve(self, data: dict[str, Any], user: str) -> cards.Card:
        """SLT approve: the card redraws, the administrators are asked to create the account."""
        if not self.roles.is_slt(user):
            return cards.note_card(NOT_SLT)
        try:
            account = await self._decide(data, user, approve=True)
        except AccountError as error:
            return await self._current(_target(data)[0], str(error))
        note = await self._tell_admins(views.create_request_card(account, name=self._names()))
        await self._tell_applicant(account)
        return views.application_card(account, name=self._names(), note=note)

    async def _decide(self, data: dict[str, Any], user: str, *, approve: bool) -> SchoolAccount:
        """SLT's decision on the application (and version) the card or dialog was drawn for."""
        account_id, version = _target(data)
        now = self.services.clock.now()
        return await self._db(
            lambda s: accounts.decide(
                s,
                account_id=account_id,
                version=version,
                user=user,
                approve=approve,
                reason=str(data.get(Field.REASON) or ""),
                now=now,
            )
        )

    async def _current(self, account_id: int, note: str) -> cards.Card:
        """The card as it stands now, with why nothing changed."""
        account = await self._db(lambda s: s.get(SchoolAccount, account_id))
        if account is None:
            return cards.note_card(note)
        return views.application_card(account, name=self._names(), note=note)

    async def _tell_admins(self, content: cards.Card) -> str:
        try:
            await asyncio.to_thread(self.notifier.tell_admins, content)
        except DeliveryError as error:
            logger.warning("account administrators not told: %s", error)
            return (
                "The administrators could not be reached in Teams: ask them to create it and "
                "record it from `accounts`."
            )
        return ""

    async def _tell_applicant(self, account: SchoolAccount) -> None:
        try:
            await asyncio.to_thread(
                self.notifier.direct_message, account.applied_by, views.decision_card(account)
            )
        except DeliveryError as error:
            logger.warning("applicant for account %s not told: %s", account.id, error)

    # Dialogs -----------------------------------------------------------------------------

    async def open_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if name == "apply":
            return self._dialog("New school account", views.apply_dialog_card())
        if name == "account_decline":
            if not self.roles.is_slt(user):
                return self._done(NOT_SLT)
            account = await self._db(lambda s: s.get(SchoolAccount, _target(data)[0]))
            if account is None or account.version != _target(data)[1]:
                return self._done("That application has already been decided.")
            return self._dialog("Decline", views.decline_dialog_card(account))
        if not self.is_admin(user):
            return self._done(NOT_ADMIN)
        if name == "account_created":
            account = await self._db(lambda s: s.get(SchoolAccount, _target(data)[0]))
            if account is None or account.status != accounts.Status.APPROVED:
                return self._done("That account has already been recorded.")
            return self._dialog("Account created", views.created_dialog_card(account))
        if name == "account_handover":
            found = await self._handover(int(data.get("handover") or 0))
            if found is None:
                return self._done("That handover is already done.")
            return self._dialog("Handover", views.handover_dialog_card(*found))
        return self._dialog("Someone has left", views.leaver_dialog_card())

    async def _handover(self, handover_id: int) -> tuple[Handover, SchoolAccount] | None:
        def read(session: Any) -> tuple[Handover, SchoolAccount] | None:
            handover = session.get(Handover, handover_id)
            account = session.get(SchoolAccount, handover.account_id) if handover else None
            if handover is None or account is None or handover.done_at is not None:
                return None
            return handover, account

        return await self._db(read)

    async def submit_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if name == "apply":
            return await self._submit_application(data, user)
        if name == "account_decline":
            return await self._submit_decline(data, user)
        if not self.is_admin(user):
            return self._done(NOT_ADMIN)
        if name == "account_created":
            return await self._submit_created(data)
        if name == "account_handover":
            return await self._submit_handover(data, user)
        return await self._submit_leaver(data)

    async def _submit_application(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        lead = _people(data.get(Field.LEAD))
        form = Application(
            platform=data.get(Field.PLATFORM),
            handle=str(data.get(Field.HANDLE) or ""),
            purpose=str(data.get(Field.PURPOSE) or ""),
            lead=lead[0] if lead else None,
            moderators=_people(data.get(Field.MODERATORS)),
            monitoring=str(data.get(Field.MONITORING) or ""),
        )
        errors = accounts.validate_application(form)
        if errors:
            return self._dialog(
                "New school account", views.apply_dialog_card(values=data, errors=errors)
            )
        now = self.services.clock.now()
        account = await self._db(
            lambda s: accounts.apply(s, form=form, applied_by=user, now=now, front_end=FRONT_END)
        )
        try:
            await asyncio.to_thread(
                self.notifier.tell_slt, views.application_card(account, name=self._names())
            )
        except DeliveryError as error:
            logger.warning("account application %s not shown to SLT: %s", account.id, error)
            return self._done(
                "Your application is saved, but SLT could not be reached in Teams just now: "
                "let them know it is in the register."
            )
        return self._done("Sent to SLT for approval; you'll hear back here.")

    async def _submit_decline(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if not self.roles.is_slt(user):
            return self._done(NOT_SLT)
        account_id, version = _target(data)
        try:
            account = await self._decide(data, user, approve=False)
        except AccountError as error:
            current = await self._db(lambda s: s.get(SchoolAccount, account_id))
            if current is None or current.version != version:
                return self._done(str(error))
            return self._dialog(
                "Decline", views.decline_dialog_card(current, {Field.REASON: str(error)})
            )
        await self._tell_applicant(account)
        return self._done("Declined: the applicant has been told.")

    async def _submit_created(self, data: dict[str, Any]) -> TaskModuleResponse:
        handle, link = str(data.get(Field.HANDLE) or ""), str(data.get(Field.LINK) or "")
        credentials = str(data.get(Field.CREDENTIALS) or "")
        account_id, version = _target(data)
        errors = accounts.validate_created(handle, link, credentials)
        account = await self._db(lambda s: s.get(SchoolAccount, account_id))
        if account is None:
            return self._done("That account is no longer in the register.")
        if errors:  # the form comes back with what was typed, and what to fix
            return self._dialog(
                "Account created",
                views.created_dialog_card(account, values=data, errors=errors),
            )
        now = self.services.clock.now()
        try:
            account = await self._db(
                lambda s: accounts.record_created(
                    s,
                    account_id=account_id,
                    version=version,
                    handle=handle,
                    link=link,
                    credentials=credentials,
                    now=now,
                )
            )
        except AccountError as error:
            return self._done(str(error))
        return self._done(f"{views.account_name(account)} is live in the register.")

    async def _submit_handover(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        new_lead = _people(data.get(Field.NEW_LEAD))
        now = self.services.clock.now()
        try:
            handover = await self._db(
                lambda s: accounts.complete_handover(
                    s,
                    handover_id=int(data.get("handover") or 0),
                    user=user,
                    new_lead=new_lead[0] if new_lead else None,
                    now=now,
                )
            )
        except AccountError as error:
            return self._done(str(error))
        if handover.outcome == "closed":
            return self._done("Closed: the account is marked closed in the register.")
        return self._done(f"Handed over to {self._names()(new_lead[0])}.")

    async def _submit_leaver(self, data: dict[str, Any]) -> TaskModuleResponse:
        departed = _people(data.get("departed"))
        if not departed:
            return self._dialog(
                "Someone has left", views.leaver_dialog_card({"departed": "Choose who has left."})
            )
        now = self.services.clock.now()
        opened = await self._db(
            lambda s: [
                h.id
                for h in accounts.people_left(s, user=departed[0], now=now, front_end=FRONT_END)
            ]
        )
        # The handover sweep sends the administrators their tasks, and reminds them daily.
        return self._done(f"{len(opened)} account(s) now need a handover.")

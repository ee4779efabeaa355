"""School accounts in Teams: apply, SLT decide, administrators create and hand over, the register.

The same actions as Slack (`bot.accounts.actions`) and the same cards
(`handlers.present.accounts`); accounts applied for here hold Entra object ids and their
handover tasks come back here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from microsoft_teams.api import TaskModuleResponse

from bot.accounts import actions
from bot.accounts.actions import InvalidForm
from bot.accounts.service import AccountError, Application, Field
from bot.submissions import Key
from handlers.present import accounts as present
from handlers.present.model import Card
from handlers.present.verbs import AccountAction
from handlers.teams import account_cards as views
from handlers.teams import cards, render
from handlers.teams.base import FRONT_END, TeamsTurns, record_id

NOT_ADMIN = actions.NOT_ADMIN
LEAVER = "account_leaver"
# The dialogs' names: each button's verb's last part, and the names cards sent before that.
DIALOGS: dict[str, str] = {
    render.dialog_name(AccountAction.APPLY): AccountAction.APPLY,
    render.dialog_name(AccountAction.DECLINE): AccountAction.DECLINE,
    "account_decline": AccountAction.DECLINE,
    render.dialog_name(AccountAction.MARK_CREATED): AccountAction.MARK_CREATED,
    "account_created": AccountAction.MARK_CREATED,
    render.dialog_name(AccountAction.HANDOVER): AccountAction.HANDOVER,
    "account_handover": AccountAction.HANDOVER,
    LEAVER: LEAVER,
}
APPLY_TITLE = "New school account"
ADMINS_UNREACHED = (
    "The administrators could not be reached in Teams: ask them to create the account and record "
    "it from the accounts command."
)
SLT_UNREACHED = (
    "Your application is saved, but SLT could not be reached in Teams just now: let them know "
    "it is in the register."
)


def _people(value: Any) -> tuple[str, ...]:
    """The people picker answers with comma-separated Entra object ids."""
    return tuple(p.strip().lower() for p in str(value or "").split(",") if p.strip())


def _target(data: dict[str, Any]) -> tuple[int, int]:
    return record_id(data, "account"), record_id(data, "version")


class AccountListeners(TeamsTurns):
    def is_admin(self, user: str) -> bool:
        return self.roles.is_admin(user)

    def _card(self, card: Card) -> cards.Card:
        return render.render(card, self._names())

    # Messages ----------------------------------------------------------------------------

    async def register(self, user: str) -> cards.Card:
        """The register for everyone; SLT also see handovers left undone for a week."""
        listed = await asyncio.to_thread(actions.register, self.services, self.roles, user=user)
        return self._card(
            present.register_card(listed, zone=self.zone, now=self.services.clock.now())
        )

    # Card actions ------------------------------------------------------------------------

    async def approve(self, data: dict[str, Any], user: str) -> cards.Card:
        """SLT approve: the card redraws, the administrators are asked to create the account."""
        account_id, version = _target(data)
        try:
            account: actions.Account = await self._answer_first(
                actions.decide,
                services=self.services,
                roles=self.roles,
                account_id=account_id,
                version=version,
                user=user,
                approve=True,
                then=lambda sent: self._tell_unless(sent.reached, user, ADMINS_UNREACHED),
            )
        except actions.NotAllowed as error:
            return cards.note_card(str(error))
        except AccountError as error:
            return await self._current(account_id, str(error))
        return self._card(present.application_card(account))


    async def _current(self, account_id: int, alert: str) -> cards.Card:
        """The card as it stands now, with why nothing changed."""
        account = await asyncio.to_thread(actions.account, self.services, account_id=account_id)
        if account is None:
            return cards.note_card(alert)
        return self._card(present.application_card(account, alert=alert))

    # Dialogs -----------------------------------------------------------------------------

    async def open_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        dialog = DIALOGS[name]
        if dialog == AccountAction.APPLY:
            return self._dialog(APPLY_TITLE, views.apply_dialog_card())
        account_id, version = _target(data)
        try:
            if dialog == AccountAction.DECLINE:
                account = await asyncio.to_thread(
                    actions.open_decline,
                    self.services,
                    self.roles,
                    account_id=account_id,
                    version=version,
                    user=user,
                )
                return self._dialog("Decline", views.decline_dialog_card(account))
            if dialog == AccountAction.MARK_CREATED:
                account = await asyncio.to_thread(
                    actions.open_created,
                    self.services,
                    self.roles,
                    account_id=account_id,
                    version=version,
                    user=user,
                )
                return self._dialog("Account created", views.created_dialog_card(account))
            if dialog == AccountAction.HANDOVER:
                task = await asyncio.to_thread(
                    actions.open_handover,
                    self.services,
                    self.roles,
                    handover_id=record_id(data, "handover"),
                    user=user,
                )
                return self._dialog("Handover", views.handover_dialog_card(task))
        except AccountError as error:
            return self._done(str(error))
        if not self.is_admin(user):
            return self._done(NOT_ADMIN)
        return self._dialog("Someone has left", views.leaver_dialog_card())

    async def submit_dialog(
        self, name: str, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        dialog = DIALOGS[name]
        if dialog == AccountAction.APPLY:
            return await self._submit_application(data, user, submission)
        if dialog == AccountAction.DECLINE:
            return await self._submit_decline(data, user, submission)
        if dialog == AccountAction.MARK_CREATED:
            return await self._submit_created(data, user, submission)
        if dialog == AccountAction.HANDOVER:
            return await self._submit_handover(data, user, submission)
        return await self._submit_leaver(data, user)

    async def _submit_application(
        self, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        lead = _people(data.get(Field.LEAD))
        form = Application(
            platform=data.get(Field.PLATFORM),
            handle=str(data.get(Field.HANDLE) or ""),
            purpose=str(data.get(Field.PURPOSE) or ""),
            lead=lead[0] if lead else None,
            moderators=_people(data.get(Field.MODERATORS)),
            monitoring=str(data.get(Field.MONITORING) or ""),
        )
        try:
            await self._answer_first(
                actions.apply,
                services=self.services,
                form=form,
                user=user,
                front_end=FRONT_END,
                submission=submission,
                then=lambda sent: self._tell_unless(sent.reached, user, SLT_UNREACHED),
            )
        except InvalidForm as invalid:
            return self._dialog(
                APPLY_TITLE,
                views.apply_dialog_card(values=data, errors=invalid.errors),
                again=data,
            )
        return self._done(present.APPLIED)

    async def _submit_decline(
        self, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        account_id, version = _target(data)
        try:
            await asyncio.to_thread(
                actions.decide,
                self.services,
                self.roles,
                account_id=account_id,
                version=version,
                user=user,
                approve=False,
                reason=str(data.get(Field.REASON) or ""),
                submission=submission,
            )
        except actions.NotAllowed as error:
            return self._done(str(error))
        except AccountError as error:
            current = await asyncio.to_thread(actions.account, self.services, account_id=account_id)
            if current is None or current.version != version:
                return self._done(str(error))
            return self._dialog(
                "Decline", views.decline_dialog_card(current, {Field.REASON: str(error)})
            )
        return self._done(present.DECLINED)

    async def _submit_created(
        self, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        account_id, version = _target(data)
        try:
            account = await asyncio.to_thread(
                actions.record_created,
                self.services,
                self.roles,
                account_id=account_id,
                version=version,
                user=user,
                handle=str(data.get(Field.HANDLE) or ""),
                link=str(data.get(Field.LINK) or ""),
                credentials=str(data.get(Field.CREDENTIALS) or ""),
                submission=submission,
            )
        except InvalidForm as invalid:  # the form comes back with what was typed, and what to fix
            current = await asyncio.to_thread(actions.account, self.services, account_id=account_id)
            if current is None:
                return self._done("That account is no longer in the register.")
            return self._dialog(
                "Account created",
                views.created_dialog_card(current, values=data, errors=invalid.errors),
            )
        except AccountError as error:
            return self._done(str(error))
        return self._done(present.created(account))

    async def _submit_handover(
        self, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        new_lead = _people(data.get(Field.NEW_LEAD))
        try:
            task = await asyncio.to_thread(
                actions.complete_handover,
                self.services,
                self.roles,
                handover_id=record_id(data, "handover"),
                user=user,
                new_lead=new_lead[0] if new_lead else None,
                submission=submission,
            )
        except AccountError as error:
            return self._done(str(error))
        if task.outcome == "closed":
            return self._done(present.CLOSED)
        return self._done(present.handed_over(self._names()(new_lead[0])))

    async def _submit_leaver(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        departed = _people(data.get("departed"))
        if not self.is_admin(user):
            return self._done(NOT_ADMIN)
        if not departed:
            return self._dialog(
                "Someone has left",
                views.leaver_dialog_card({"departed": "Choose who has left."}),
            )
        opened = await asyncio.to_thread(
            actions.left,
            self.services,
            self.roles,
            departed=departed[0],
            user=user,
            front_end=FRONT_END,
        )
        return self._done(present.opened_handovers(opened))

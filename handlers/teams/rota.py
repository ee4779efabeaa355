"""The seven-day watch in Teams: the daily check-in's three answers, the `rota` message (your
watch, each account's rota, and for SLT the last seven days), the `holidays` message, and the
dialogs for the rota, an absence and the holidays.

Every rule is the domain's (`bot.rota.actions`), every sentence and card the view model's
(`handlers.present.rota`), exactly as for Slack; this only translates Teams' activities.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from microsoft_teams.api import Attachment, TaskModuleResponse

from bot.comments import actions as comments
from bot.comments.service import CommentError, Field
from bot.policy.actions import Unreadable, too_big
from bot.rota import actions
from bot.rota.actions import InvalidForm, NotAllowed, RotaError
from bot.rota.days import DAY_KINDS
from handlers.present import comments as present_comments
from handlers.present import rota as present
from handlers.present.model import Card, line
from handlers.present.verbs import RotaAction
from handlers.teams import cards, render
from handlers.teams import rota_cards as views
from handlers.teams.base import FRONT_END, TeamsTurns, record_id
from handlers.teams.comment_cards import log_dialog_card
from handlers.teams.policy_upload import NOT_FETCHED, Fetch

ANSWERS = {
    RotaAction.CHECKED: "nothing_new",
    RotaAction.LOGGING: "logging",
    RotaAction.CANT: "cant",
}
VERBS = frozenset({RotaAction.CHECKED, RotaAction.LOGGING, RotaAction.CANT})
DIALOGS = views.DIALOGS
FORMS = views.FORMS
PERSONAL_ONLY = "Ask me for **rota** in a personal chat (open Social Policy under Chat)."
CALENDAR_PERSONAL_ONLY = (
    "Send me the school's calendar file in our personal chat, not here. Nothing was changed."
)
CALENDAR_SUFFIX = ".ics"


def is_calendar(files: list[Attachment]) -> bool:
    """A school calendar file sent to the bot, for the holidays (any other file is a policy)."""
    return len(files) == 1 and (files[0].name or "").lower().endswith(CALENDAR_SUFFIX)


def _people(value: Any) -> tuple[str, ...]:
    """The people picker answers with comma-separated Entra object ids, in the order chosen."""
    return tuple(dict.fromkeys(p.strip().lower() for p in str(value or "").split(",") if p.strip()))


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


class RotaListeners(TeamsTurns):
    def _card(self, card: Card) -> cards.Card:
        return render.render(card, self._names())

    def _today(self) -> date:
        return self.services.clock.now().astimezone(self.zone).date()

    # Messages ----------------------------------------------------------------------------

    async def command(self, user: str, *, personal: bool) -> cards.Card:
        """`rota`: the caller's watch ahead, each Teams account's rota with its buttons, and for
        SLT the last seven days and the holidays. In a personal chat only: it names people."""
        if not personal:
            return cards.note_card(PERSONAL_ONLY)
        return await asyncio.to_thread(self._overview, user)

    def _overview(self, user: str) -> cards.Card:
        shown = [present.duties_card(actions.my_watch(self.services, user=user))]
        for view in actions.watched(self.services):
            if view.front_end != FRONT_END:  # its rota holds another front end's people
                continue
            try:
                mine = actions.rota(
                    self.services, self.roles, user=user, account_id=view.account_id
                )
            except RotaError:  # gone from the register since it was listed
                continue
            shown.append(present.rota_card(mine))
        if self.roles.is_slt(user):
            shown.append(
                present.watch_card(
                    actions.week_coverage(self.services), actions.holidays(self.services)
                )
            )
        return render.render_many(shown, self._names())

    async def holidays(self, user: str) -> cards.Card:
        """`holidays`: the school's holidays; SLT get the form to change them."""
        found = await asyncio.to_thread(actions.holidays, self.services)
        return self._card(present.holidays_card(found, may_set=self.roles.is_slt(user)))

    async def calendar_file(
        self, sent: Attachment, user: str, *, personal: bool, fetch: Fetch
    ) -> cards.Card:
        """The school's calendar file (.ics) sent to the bot: SLT's holidays, read from it."""
        if not self.roles.is_slt(user):  # before fetching anything
            return cards.note_card(actions.NOT_SLT)
        if not personal:
            return cards.note_card(CALENDAR_PERSONAL_ONLY)
        content = sent.content if isinstance(sent.content, dict) else {}
        url = str(content.get("downloadUrl") or "")
        try:
            if not url.startswith(("https://", "http://")):
                raise Unreadable(NOT_FETCHED)
            data = await fetch(url)
            refused = too_big(len(data))
            if refused:
                raise Unreadable(refused)
            saved = await asyncio.to_thread(
                actions.set_holidays, self.services, self.roles, user=user, ics=data
            )
        except Unreadable as error:
            return cards.note_card(cards.plain(str(error)))
        except InvalidForm as invalid:
            return cards.note_card(cards.plain(invalid.errors.get("holidays", str(invalid))))
        except RotaError as error:
            return cards.note_card(cards.plain(str(error)))
        card = present.holidays_card(saved, may_set=True)
        return render.render_many(
            [
                Card(
                    summary=present.holidays_saved(saved),
                    lines=(line(present.holidays_saved(saved)),),
                ),
                card,
            ],
            self._names(),
        )

    # Card actions ------------------------------------------------------------------------

    async def act(self, verb: str, data: dict[str, Any], user: str) -> cards.Card:
        """Checked, nothing new, or can't today: the ask becomes what was done."""
        try:
            # answered first: whoever is asked next is asked after Teams has its answer
            answered = await self._answer_first(
                actions.answer,
                services=self.services,
                roles=self.roles,
                user=user,
                check_in_id=record_id(data, "check_in"),
                given=ANSWERS[RotaAction(verb)],
                version=record_id(data, "version") or None,
            )
        except RotaError as error:
            return self._card(present.refusal(error))
        return self._card(present.answered_card(answered, user=user))

    # Dialogs -----------------------------------------------------------------------------

    async def open_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        try:
            if name == views.LOGGING:
                return await self._logging(data, user)
            if name == views.HOLIDAYS:
                if not self.roles.is_slt(user):
                    raise NotAllowed(actions.NOT_SLT)
                found = await asyncio.to_thread(actions.holidays, self.services)
                content = views.holidays_dialog_card(present.holidays_text(found))
                return self._dialog(present.HOLIDAYS_TITLE, content)
            view = await asyncio.to_thread(
                actions.rota,
                self.services,
                self.roles,
                user=user,
                account_id=record_id(data, "account"),
            )
        except RotaError as error:
            return self._done(str(error))
        if name == views.ROTA:
            if not view.may_change:
                return self._done(actions.NOT_LEAD)
            content = views.rota_dialog_card(view.account, view.account_id, view.rota)
            return self._dialog(present.ROTA_TITLE, content)
        content = views.absence_dialog_card(
            view.account, view.account_id, today=self._today(), user=user
        )
        return self._dialog(present.ABSENCE_TITLE, content)

    async def _logging(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        """Checked, and logging comments: the check is recorded, and the comment log opens
        with the account chosen."""
        try:
            answered = await asyncio.to_thread(
                actions.answer,
                self.services,
                self.roles,
                user=user,
                check_in_id=record_id(data, "check_in"),
                given=ANSWERS[RotaAction.LOGGING],
                version=record_id(data, "version") or None,
            )
        except RotaError as error:
            return self._done(str(error))
        try:
            comments.check_moderator(self.roles, user)
        except CommentError as error:  # checked; the comments go to a moderator to log
            said = present.answered_card(answered, user=user).summary
            return self._done(f"{said}. {error.describe(self._names())}")
        accounts = await asyncio.to_thread(self.services.comment_accounts)
        chosen: dict[str, Any] = (
            {Field.ACCOUNT: answered.account} if answered.account in accounts else {}
        )
        content = log_dialog_card(
            accounts=accounts, now=self.services.clock.now(), zone=self.zone, values=chosen
        )
        return self._dialog(present_comments.LOG_TITLE, content)

    async def submit_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        """Each form is taken in again as it was sent: the same rota or holidays again change
        nothing, and an absence recorded twice is one absence to whoever is asked."""
        try:
            if name == views.ROTA:
                return await self._submit_rota(data, user)
            if name == views.ABSENCE:
                return await self._submit_absence(data, user)
            return await self._submit_holidays(data, user)
        except RotaError as error:
            return self._done(str(error))

    async def _submit_rota(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        account_id = record_id(data, "account")
        chosen = {kind.value: _people(data.get(kind.value)) for kind in DAY_KINDS}
        try:
            view = await asyncio.to_thread(
                actions.save_rota,
                self.services,
                self.roles,
                user=user,
                account_id=account_id,
                chosen=chosen,
            )
        except InvalidForm as invalid:
            current = await asyncio.to_thread(
                actions.rota, self.services, self.roles, user=user, account_id=account_id
            )
            content = views.rota_dialog_card(
                current.account, account_id, current.rota, values=data, errors=invalid.errors
            )
            return self._dialog(present.ROTA_TITLE, content, again=data)
        return self._done(present.rota_saved(view))

    async def _submit_absence(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        account_id = record_id(data, "account")
        absent, cover = _people(data.get("absent")), _people(data.get("cover"))
        try:
            answered = await self._answer_first(
                actions.record_absence,
                services=self.services,
                roles=self.roles,
                user=user,
                account_id=account_id,
                day=_day(data.get("day")),
                absent=absent[0] if absent else None,
                cover=cover[0] if cover else None,
            )
        except InvalidForm as invalid:
            current = await asyncio.to_thread(
                actions.rota, self.services, self.roles, user=user, account_id=account_id
            )
            content = views.absence_dialog_card(
                current.account,
                account_id,
                today=self._today(),
                user=user,
                values=data,
                errors=invalid.errors,
            )
            return self._dialog(present.ABSENCE_TITLE, content, again=data)
        return self._done(present.absence_saved(answered, name=self._names()))

    async def _submit_holidays(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        try:
            saved = await asyncio.to_thread(
                actions.set_holidays,
                self.services,
                self.roles,
                user=user,
                text=str(data.get("holidays") or ""),
            )
        except InvalidForm as invalid:
            content = views.holidays_dialog_card("", values=data, errors=invalid.errors)
            return self._dialog(present.HOLIDAYS_TITLE, content, again=data)
        return self._done(present.holidays_saved(saved))

"""The settings in Teams: the `settings` message (the first-run guide, the settings and their
two dialogs), and the guide sent to whoever installs the app.

The same actions as Slack (`bot.setup.actions`) and the same words
(`handlers.present.settings`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from microsoft_teams.api import TaskModuleResponse

from bot.ports import DeliveryError
from bot.setup import actions as setup
from handlers.present import settings as present
from handlers.teams import cards, render
from handlers.teams import settings_cards as views
from handlers.teams.base import FRONT_END, TeamsTurns

logger = logging.getLogger(__name__)

DIALOGS = frozenset({views.PEOPLE, views.SCHOOL})
PERSONAL_ONLY = "Ask me for **settings** in a personal chat (open Social Policy under Chat)."


class SettingsListeners(TeamsTurns):
    async def command(self, user: str) -> cards.Card:
        """The `settings` message: what is missing, then the settings for those who may change
        them; for anyone else, what is missing and who can fix it."""
        return await asyncio.to_thread(self._settings, user)

    def _settings(self, user: str) -> cards.Card:
        can = self.roles.can_set_up(user)
        shown = present.guide(
            setup.missing(self.services, FRONT_END),
            can_fix=can,
            locked=self.services.school.locked,
        )
        if not can:
            shown.append(present.refusal(setup.NOT_SETUP))
            return render.render_many(shown, self._names())
        overview = setup.overview(self.services, self.roles, user=user, front_end=FRONT_END)
        shown.append(present.settings_card(overview, front_end=FRONT_END, zone=self.zone))
        return render.render_many(shown, self._names())

    async def installed(self, user: str, *, personal: bool) -> cards.Card | None:
        """Whoever installs the app looks after its settings, unless someone already does, and
        is told what is missing, if anything. Returns the guide to show in a personal chat;
        elsewhere it is sent to them directly."""
        first = await asyncio.to_thread(
            setup.installed_by, self.services, user=user, front_end=FRONT_END
        )
        if not first or not await asyncio.to_thread(setup.missing, self.services, FRONT_END):
            return None
        guide = await self.command(user)
        if personal:
            return guide
        try:
            await asyncio.to_thread(self.notifier.direct_message, user, guide)
        except DeliveryError as error:
            logger.warning("the set-up guide did not reach the installer: %s", error)
        return None

    async def open_dialog(self, name: str, user: str) -> TaskModuleResponse:
        try:
            setup.may_change(self.services, self.roles, user=user)
        except setup.NotAllowed as refusal:
            return self._done(str(refusal))
        school = self.services.settings
        if name == views.PEOPLE:
            return self._dialog(present.PEOPLE_TITLE, views.people_dialog_card(school.teams))
        return self._dialog(present.SCHOOL_TITLE, views.school_dialog_card(school))

    async def submit_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        updates: dict[str, Any]
        if name == views.PEOPLE:
            updates = {
                f"{FRONT_END}.{field}": sorted(v.lower() for v in self._set(data, field))
                for field in present.PEOPLE_FIELDS
            }
        else:
            updates = {field: data.get(field) for field in present.SCHOOL_FIELDS}
        try:
            made = await asyncio.to_thread(
                setup.change,
                self.services,
                self.roles,
                user=user,
                front_end=FRONT_END,
                updates=updates,
            )
        except setup.NotAllowed as refusal:
            return self._done(str(refusal))
        except setup.Invalid as invalid:
            errors = {key.rpartition(".")[2]: message for key, message in invalid.errors.items()}
            school = self.services.settings
            if name == views.PEOPLE:
                content = views.people_dialog_card(school.teams, errors=errors)
                return self._dialog(present.PEOPLE_TITLE, content, again=data)
            content = views.school_dialog_card(school, errors=errors, values=data)
            return self._dialog(present.SCHOOL_TITLE, content, again=data)
        return self._done(present.saved_line(made))

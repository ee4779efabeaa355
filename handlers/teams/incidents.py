"""Incidents in Teams: the report dialog, SLT's case card buttons and step dialogs, the details,
and the `incidents` and `myreports` lists.

Each listener reads what Teams sent, calls the one domain action (`bot.incidents.actions`, in a
worker thread: the domain is synchronous) and draws what it returns from the present view model.
"""

from __future__ import annotations

import asyncio
from typing import Any

from microsoft_teams.api import TaskModuleResponse

from bot.incidents import actions
from bot.incidents.actions import Case, InvalidReport
from bot.incidents.service import CaseError, Field, IncidentForm
from bot.submissions import Key
from handlers.present import incidents as present
from handlers.present.model import Card
from handlers.present.verbs import IncidentAction
from handlers.teams import cards, render
from handlers.teams.base import FRONT_END, TeamsTurns, record_id
from handlers.teams.incident_cards import REPORT_DIALOG, report_dialog_card, step_dialog_card

COMMANDS = ("incidents", "myreports")
VERBS = (IncidentAction.TAKE_LEAD, IncidentAction.REOPEN, IncidentAction.LEGAL_HOLD)
DETAILS_DIALOG = render.dialog_name(IncidentAction.DETAILS)
STEP_DIALOGS = {render.dialog_name(verb): step for verb, step in present.STEP_VERBS.items()}
FORMS = (REPORT_DIALOG, *STEP_DIALOGS)
"""The incident forms a dialog submits."""
DIALOGS = (DETAILS_DIALOG, *FORMS)
"""Every incident dialog a button or command opens."""


def _target(data: dict[str, Any]) -> tuple[int, int]:
    return record_id(data, "incident"), record_id(data, "version")


class IncidentListeners(TeamsTurns):
    def _draw(self, view: Card) -> cards.Card:
        return render.render(view, self._names())

    # Messages ----------------------------------------------------------------------------

    async def command(self, word: str, user: str) -> cards.Card:
        """`incidents` (SLT's open cases) or `myreports` (the sender's own)."""
        if word == "myreports":
            mine = await asyncio.to_thread(actions.my_reports, self.services, reporter=user)
            return self._draw(present.my_reports(mine, zone=self.zone))
        try:
            found = await asyncio.to_thread(
                actions.open_cases, self.services, roles=self.roles, user=user
            )
        except CaseError as error:
            return cards.note_card(error.describe(self._names()))
        return self._draw(present.open_cases(found, zone=self.zone))

    # Card actions ------------------------------------------------------------------------

    async def act(self, verb: IncidentAction, data: dict[str, Any], user: str) -> cards.Card:
        """Take the lead, legal hold, reopen: the card comes back redrawn, or why not."""
        change = {
            IncidentAction.TAKE_LEAD: actions.take_lead,
            IncidentAction.REOPEN: actions.reopen,
            IncidentAction.LEGAL_HOLD: actions.toggle_legal_hold,
        }[verb]
        incident_id, version = _target(data)
        try:
            case = await self._answer_first(
                change,
                services=self.services,
                roles=self.roles,
                incident_id=incident_id,
                version=version,
                user=user,
            )
        except CaseError as error:
            return cards.note_card(error.describe(self._names()))
        return self._case_card(case)

    def _case_card(self, case: Case) -> cards.Card:
        section = self.services.policy_section(case.kind)
        return self._draw(present.case_card(case, section=section, zone=self.zone))

    # Dialogs (task modules) --------------------------------------------------------------

    async def open_dialog(self, name: str, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if name == REPORT_DIALOG:
            return await self._open_report(data, user)
        incident_id, version = _target(data)
        try:
            if name == DETAILS_DIALOG:
                case = await asyncio.to_thread(
                    actions.view_details,
                    self.services,
                    roles=self.roles,
                    incident_id=incident_id,
                    user=user,
                )
                return self._dialog(
                    case.reference, self._draw(present.details(case, zone=self.zone))
                )
            case = await asyncio.to_thread(
                actions.step_form,
                self.services,
                roles=self.roles,
                incident_id=incident_id,
                version=version,
                user=user,
            )
        except CaseError as error:
            return self._done(error.describe(self._names()))
        step = STEP_DIALOGS[name]
        content = step_dialog_card(
            case, step, now=self.services.clock.now(), zone=self.zone, name=self._names()
        )
        return self._dialog(present.STEP_TITLES[step], content)

    async def _open_report(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        try:
            start = await asyncio.to_thread(
                actions.prefill,
                self.services,
                self.roles,
                comment_id=record_id(data, "comment") or None,
                user=user,
            )
        except CaseError as error:
            return self._done(str(error))
        content = report_dialog_card(
            now=self.services.clock.now(),
            zone=self.zone,
            name=self._names(),
            values={Field.LINK: start.link, Field.PLATFORM: start.platform},
            comment_id=start.comment_id,
        )
        return self._dialog(present.REPORT_TITLE, content)

    async def submit_dialog(
        self, name: str, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        if name == REPORT_DIALOG:
            return await self._submit_report(data, user, submission)
        incident_id, version = _target(data)
        values: dict[str, Any] = {
            **data,
            Field.AGENCIES: self._set(data, Field.AGENCIES),
            Field.WHEN: self._moment(data, Field.WHEN),
        }
        try:
            case = await self._answer_first(
                actions.apply_step,
                services=self.services,
                roles=self.roles,
                step=STEP_DIALOGS[name],
                values=values,
                incident_id=incident_id,
                version=version,
                user=user,
                submission=submission,
            )
        except CaseError as error:
            return self._done(error.describe(self._names()))
        return self._done(present.step_saved(case))

    async def _submit_report(
        self, data: dict[str, Any], user: str, submission: Key
    ) -> TaskModuleResponse:
        form = IncidentForm(
            kind=data.get(Field.KIND),
            platform=data.get(Field.PLATFORM),
            account_type=data.get(Field.ACCOUNT_TYPE),
            link=str(data.get(Field.LINK) or ""),
            happened_at=self._moment(data, Field.HAPPENED_AT),
            involved=self._set(data, Field.INVOLVED),
            details=str(data.get(Field.DETAILS) or ""),
            actions_taken=self._set(data, Field.ACTIONS_TAKEN),
            child_at_risk=str(data.get(Field.AT_RISK)).lower() == "true",
        )
        comment_id = record_id(data, "comment") or None
        try:
            case = await self._answer_first(
                actions.report,
                services=self.services,
                form=form,
                reporter=user,
                submission_key=submission.digest(),
                front_end=FRONT_END,
                comment_id=comment_id,
            )
        except InvalidReport as invalid:  # the form comes back with what was typed
            content = report_dialog_card(
                now=form.happened_at or self.services.clock.now(),
                zone=self.zone,
                name=self._names(),
                values=data,
                errors=invalid.errors,
                comment_id=comment_id,
            )
            return self._dialog(present.REPORT_TITLE, content, again=data)
        return self._dialog(present.REPORT_SENT, self._draw(present.reported(case)))

"""The Teams front end's listeners: messages, dialogs (task modules) and card actions.

Each turns the activity into domain calls (run in a worker thread: the domain is synchronous)
and answers with a card; every invoke gets a response. Roles, validation, the audit trail and
all the rules are the domain's, exactly as for Slack.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from datetime import datetime
from typing import Any

from microsoft_teams.api import (
    AdaptiveCardActionCardResponse,
    TaskModuleResponse,
)
from microsoft_teams.apps import ActivityContext, App
from microsoft_teams.cards import AdaptiveCard
from sqlalchemy.orm import Session

from bot.comments import service as comments
from bot.comments.options import PLATFORMS
from bot.incidents import reminders as incident_reminders
from bot.incidents import service as incidents
from bot.incidents.service import CaseError, IncidentForm, Step
from bot.incidents.service import Field as IncidentField
from bot.knowledge import service as knowledge
from bot.notify import DeliveryError
from bot.reviews import service as reviews
from bot.reviews.service import DraftForm, ReviewError
from bot.roles import Roles
from bot.services import Services
from handlers.present.verbs import CommentAction
from handlers.teams import cards
from handlers.teams.accounts import DIALOGS as ACCOUNT_DIALOGS
from handlers.teams.accounts import NOT_ADMIN as ACCOUNTS_NOT_ADMIN
from handlers.teams.accounts import AccountListeners
from handlers.teams.answers import VERBS as ANSWER_VERBS
from handlers.teams.answers import AnswerListeners
from handlers.teams.base import FRONT_END, TeamsTurns
from handlers.teams.comments import DIALOGS as COMMENT_DIALOGS
from handlers.teams.comments import CommentListeners
from handlers.teams.conversations import TeamsDirectory
from handlers.teams.knowledge import ACKNOWLEDGE, NUDGE, TeamsAcknowledgements
from handlers.teams.notifier import TeamsNotifier
from handlers.teams.reports import TeamsReports
from store.models import DraftReview

logger = logging.getLogger(__name__)
NOT_SLT = "Only SLT can see or act on incident cases."
NOT_A_REVIEWER = "Only the named reviewers (TEAMS_REVIEWERS) or SLT can decide on a draft."
FORMS = {
    "log": "Log a comment",
    "report": "Report to SLT",
    "review": "Ask for a second opinion",
    "apply": "Apply for a school account",
    "leaver": "Someone has left",
}
CASE_STEPS = tuple(Step)
_PLACE = re.compile(r"^use this channel for (slt|moderators)$", re.IGNORECASE)


class TeamsListeners(TeamsTurns):
    def __init__(
        self,
        app: App,
        services: Services,
        roles: Roles,
        notifier: TeamsNotifier,
        directory: TeamsDirectory,
    ) -> None:
        super().__init__(services, roles, notifier, directory)
        self.accounts = AccountListeners(services, roles, notifier, directory)
        self.comments = CommentListeners(services, roles, notifier, directory)
        self.answers = AnswerListeners(services, roles, notifier, directory)
        self.acknowledgements = TeamsAcknowledgements(
            services, roles, notifier, directory, api=app.api
        )
        self.reports = TeamsReports(services, roles)
        app.on_message(self.on_message)
        app.on_conversation_update(self.on_conversation_update)
        app.on_installation_update(self.on_conversation_update)
        app.on_dialog_open(self.on_dialog_open)
        app.on_dialog_submit(self.on_dialog_submit)
        app.on_card_action_execute(self.on_card_action)
        app.on_file_consent(self.on_file_consent)

    # Messages ----------------------------------------------------------------------------

    async def on_conversation_update(self, ctx: ActivityContext[Any]) -> None:
        """Installed, or added to a team or chat: keep the reference for proactive messages."""
        await self._remember(ctx)

    async def on_message(self, ctx: ActivityContext[Any]) -> None:
        user = await self._remember(ctx)
        if isinstance(ctx.activity.value, dict) and ctx.activity.value.get("verb"):
            # An Action.Submit fallback from a client without Universal Actions.
            reply = await self._action(str(ctx.activity.value["verb"]), ctx.activity.value, user)
            await ctx.send(self._message(reply))
            return
        text = (ctx.activity.strip_mentions_text().text or "").strip()
        if text.lower().startswith("socialpolicy"):
            text = text[len("socialpolicy") :].strip()
        chosen = _PLACE.match(text)
        if chosen:
            await ctx.send(self._message(await self._choose_place(ctx, chosen.group(1), user)))
            return
        if text.lower() == "whereami":  # setup: the id to put in TEAMS_*_CONVERSATION
            await ctx.send(
                self._message(
                    cards.note_card(f"This conversation's id is `{ctx.activity.conversation.id}`.")
                )
            )
            return
        word, _, rest = text.partition(" ")
        if word.lower() == "report-csv":  # a file, offered in reply: it needs the conversation
            await self.reports.request(ctx, rest, user)
            return
        await ctx.send(self._message(await self._command(text, user)))

    async def on_file_consent(self, ctx: ActivityContext[Any]) -> None:
        """Allow or Decline on the file consent card that offered a report."""
        await self.reports.file_consent(ctx, await self._remember(ctx))

    async def _choose_place(self, ctx: ActivityContext[Any], role: str, user: str) -> cards.Card:
        """SLT pick, from inside a channel, where SLT pings or comment cards go."""
        if not self.roles.is_slt(user):
            return cards.note_card(NOT_SLT)
        if (ctx.activity.conversation.conversation_type or "personal") == "personal":
            return cards.note_card("Say this in the channel you mean, not in a personal chat.")
        key = "slt" if role.lower() == "slt" else "moderators"
        now = self.services.clock.now()
        await asyncio.to_thread(
            self.directory.choose_place, key, ctx.activity.conversation.id, user=user, now=now
        )
        return cards.note_card(f"This channel will now receive the {role} messages.")

    async def _command(self, text: str, user: str) -> cards.Card:
        word, _, rest = text.partition(" ")
        word = word.lower()
        if not text or word == "help":
            return self.answers.help()
        if word == "leaver" and not self.accounts.is_admin(user):
            return cards.note_card(ACCOUNTS_NOT_ADMIN)
        if word in FORMS and not rest:
            name = "account_leaver" if word == "leaver" else word
            return cards.card(
                cards.text("Open the form:"), actions=[cards.dialog(FORMS[word], name)]
            )
        if word == "pending" and not rest:
            return await self.comments.pending(user)
        if word in ("myreports", "incidents") and not rest:
            return await self._cases(word, user)
        if word == "acknowledgements" and not rest:
            return await self.acknowledgements.outstanding(user)
        if word in ("acknowledge", "unanswered") and not rest:
            return await self._governance(word, user)
        if word == "accounts" and not rest:
            return await self.accounts.register(user)
        if word in ("topics", "sections") and not rest:
            return self.answers.topics()
        if word == "section" and rest:
            return self.answers.section(rest)
        return await self.answers.answer(text)

    async def _cases(self, word: str, user: str) -> cards.Card:
        if word == "incidents" and not self.roles.is_slt(user):
            return cards.note_card(NOT_SLT)
        found = await self._db(
            lambda s: (
                incidents.open_cases(s)
                if word == "incidents"
                else incidents.reports_by(s, reporter=user)
            )
        )
        return cards.cases_card(found, zone=self.zone, name=self._names(), mine=word == "myreports")

    async def _governance(self, word: str, user: str) -> cards.Card:
        """Acknowledging the policy, and SLT's list of unanswered questions."""
        now = self.services.clock.now()
        if word == "acknowledge":
            policies = self.services.policy.policies
            ack = await self._db(
                lambda s: knowledge.acknowledge(
                    s, user_id=user, front_end=FRONT_END, policies=policies, now=now
                )
            )
            return cards.note_card(
                f"Thank you: recorded that you have read the policy ({cards.plain(ack.version)})."
            )
        if word == "unanswered":
            if not self.roles.is_slt(user):
                return cards.note_card(NOT_SLT)
            rows = await self._db(lambda s: knowledge.unanswered(s))
            lines = [f"- {row.times}× {cards.plain(row.text)}" for row in rows]
            return cards.card(
                cards.heading("Questions the policy could not answer"),
                cards.text("\n".join(lines) or "None so far."),
            )

    # Card actions (Action.Execute) -------------------------------------------------------

    async def on_card_action(self, ctx: ActivityContext[Any]) -> Any:
        user = await self._remember(ctx)
        action = ctx.activity.value.action
        reply = await self._action(action.verb or "", action.data or {}, user)
        return AdaptiveCardActionCardResponse(value=AdaptiveCard.model_validate(reply))

    async def _action(self, verb: str, data: dict[str, Any], user: str) -> cards.Card:
        now = self.services.clock.now()
        if verb in ANSWER_VERBS:
            return await self.answers.act(verb, data, user)
        if verb == ACKNOWLEDGE:  # the nudge's button: exactly as the `acknowledge` message
            return await self._governance("acknowledge", user)
        if verb == NUDGE:
            return await self.acknowledgements.nudge(user)
        if verb == "account.approve":
            return await self.accounts.approve(data, user)
        if verb == "review.approve":
            return cards.note_card(await self._decide_review(data, user, approve=True))
        if verb == CommentAction.ASSIGN:
            return await self.comments.assign(data, user)
        if verb in ("incident.take_lead", "incident.reopen", "incident.legal_hold"):
            return await self._case_step(verb, data, user, now)
        return cards.note_card("That button is no longer in use.")

    async def _case_step(
        self, verb: str, data: dict[str, Any], user: str, now: datetime
    ) -> cards.Card:
        if not self.roles.is_slt(user):
            return cards.note_card(NOT_SLT)
        incident_id, version = int(data.get("incident", 0)), int(data.get("version", 0))

        def change(session: Session) -> Any:
            if verb == "incident.legal_hold":
                current = incidents.get(session, incident_id=incident_id)
                return incidents.set_legal_hold(
                    session,
                    incident_id=incident_id,
                    version=version,
                    user=user,
                    hold=not (current and current.legal_hold),
                    now=now,
                )
            step = incidents.take_lead if verb == "incident.take_lead" else incidents.reopen
            return step(session, incident_id=incident_id, version=version, user=user, now=now)

        try:
            await self._db(change)
        except CaseError as error:
            return cards.note_card(error.describe(self._names()))
        await self._deliver_case(incident_id)
        incident = await self._db(lambda s: incidents.get(s, incident_id=incident_id))
        assert incident is not None
        return cards.case_card(
            incident,
            section=self.services.policy_section(incident.kind),
            zone=self.zone,
            name=self._names(),
        )

    # Dialogs (task modules) --------------------------------------------------------------

    async def on_dialog_open(self, ctx: ActivityContext[Any]) -> TaskModuleResponse:
        user = await self._remember(ctx)
        data: dict[str, Any] = dict(ctx.activity.value.data or {})
        name = data.get("dialog")
        now = self.services.clock.now()
        if name in COMMENT_DIALOGS:
            return await self.comments.open_dialog(name, data, user)
        if name == "report":
            return await self._open_report(data, now)
        if name == "review":
            comment = None
            if data.get("comment"):
                comment = await self._db(lambda s: comments.get(s, comment_id=int(data["comment"])))
            return self._dialog(
                "Second opinion",
                cards.review_dialog_card(
                    account=comment.account if comment else "",
                    context=f"Reply to: {comment.summary}" if comment else "",
                    comment_id=comment.id if comment else None,
                ),
            )
        if name == "review_send_back":
            if not self._is_reviewer(user):
                return self._done(NOT_A_REVIEWER)
            review = await self._db(lambda s: s.get(DraftReview, int(data.get("review", 0))))
            if review is None or review.status != "pending":
                return self._done("That draft has already been decided.")
            return self._dialog("Send back", cards.send_back_dialog_card(review))
        if name in ("details", *CASE_STEPS):
            return await self._open_case_dialog(name, data, user, now)
        if name in ACCOUNT_DIALOGS:
            return await self.accounts.open_dialog(name, data, user)
        return self._done("That form is no longer in use.")

    async def _open_report(self, data: dict[str, Any], now: datetime) -> TaskModuleResponse:
        comment = None
        if data.get("comment"):
            comment = await self._db(lambda s: comments.get(s, comment_id=int(data["comment"])))
        values = (
            {IncidentField.LINK: comment.link or "", IncidentField.PLATFORM: comment.platform}
            if comment
            else {}
        )
        content = cards.report_dialog_card(
            now=now, zone=self.zone, values=values, comment_id=comment.id if comment else None
        )
        content["actions"][0]["data"]["submission"] = uuid.uuid4().hex
        return self._dialog("Report to SLT", content)

    async def _open_case_dialog(
        self, name: str, data: dict[str, Any], user: str, now: datetime
    ) -> TaskModuleResponse:
        if not self.roles.is_slt(user):
            return self._done(NOT_SLT)
        incident_id = int(data.get("incident", 0))
        if name == "details":
            incident = await self._db(
                lambda s: incidents.view_details(s, incident_id=incident_id, user=user, now=now)
            )
            return self._dialog(incident.reference, cards.details_card(incident, zone=self.zone))
        incident = await self._db(lambda s: incidents.get(s, incident_id=incident_id))
        if incident is None or incident.version != int(data.get("version", 0)):
            return self._done(
                "That case has moved on since this card was drawn; nothing was "
                "changed. The card now shows where it stands."
            )
        return self._dialog(
            incident.reference, cards.step_dialog_card(incident, name, now=now, zone=self.zone)
        )

    async def on_dialog_submit(self, ctx: ActivityContext[Any]) -> TaskModuleResponse:
        user = await self._remember(ctx)
        data: dict[str, Any] = dict(ctx.activity.value.data or {})
        name = data.get("dialog")
        if name in COMMENT_DIALOGS:
            return await self.comments.submit_dialog(name, data, user)
        if name == "report":
            return await self._submit_report(data, user)
        if name == "review":
            return await self._submit_review(data, user)
        if name == "review_send_back":
            reply = await self._decide_review(data, user, approve=False)
            return self._done(reply)
        if name in CASE_STEPS:
            return await self._submit_case_step(name, data, user)
        if name in ACCOUNT_DIALOGS:
            return await self.accounts.submit_dialog(name, data, user)
        return self._done("That form is no longer in use.")

    async def _submit_report(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        now = self.services.clock.now()
        form = IncidentForm(
            kind=data.get(IncidentField.KIND),
            platform=data.get(IncidentField.PLATFORM),
            account_type=data.get(IncidentField.ACCOUNT_TYPE),
            link=str(data.get(IncidentField.LINK) or ""),
            happened_at=self._moment(data, IncidentField.HAPPENED_AT),
            involved=self._set(data, IncidentField.INVOLVED),
            details=str(data.get(IncidentField.DETAILS) or ""),
            actions_taken=self._set(data, IncidentField.ACTIONS_TAKEN),
            child_at_risk=str(data.get(IncidentField.AT_RISK)).lower() == "true",
        )
        errors = incidents.validate(form, now=now, platforms=PLATFORMS)
        comment_id = int(data["comment"]) if str(data.get("comment", "")).isdigit() else None
        if errors:
            content = cards.report_dialog_card(
                now=form.happened_at or now,
                zone=self.zone,
                values=data,
                errors=errors,
                comment_id=comment_id,
            )
            content["actions"][0]["data"]["submission"] = data.get("submission")
            return self._dialog("Report to SLT", content)
        key = f"teams:{data.get('submission') or uuid.uuid4().hex}"
        incident, _ = await self._db(
            lambda s: incidents.report(
                s,
                form=form,
                reporter=user,
                submission_key=key,
                now=now,
                comment_id=comment_id,
                front_end=FRONT_END,
            )
        )
        await self._deliver_case(incident.id)
        return self._dialog("Report sent", cards.reported_card(incident))

    async def _submit_case_step(
        self, name: str, data: dict[str, Any], user: str
    ) -> TaskModuleResponse:
        if not self.roles.is_slt(user):
            return self._done(NOT_SLT)
        now = self.services.clock.now()
        incident_id, version = int(data.get("incident", 0)), int(data.get("version", 0))

        values: dict[str, Any] = {
            **data,
            IncidentField.AGENCIES: self._set(data, IncidentField.AGENCIES),
            IncidentField.WHEN: self._moment(data, IncidentField.WHEN),
        }

        def step(session: Session) -> Any:
            return incidents.apply_step(
                session,
                step=Step(name),
                values=values,
                incident_id=incident_id,
                version=version,
                user=user,
                now=now,
            )

        try:
            incident = await self._db(step)
        except CaseError as error:
            return self._done(error.describe(self._names()))
        await self._deliver_case(incident_id)
        return self._done(f"{incident.reference} updated.")

    async def _submit_review(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        form = DraftForm(
            account=str(data.get("account") or ""),
            context=str(data.get("context") or ""),
            draft=str(data.get("draft") or ""),
        )
        errors = reviews.validate(form)
        comment_id = int(data["comment"]) if str(data.get("comment", "")).isdigit() else None
        if errors:
            return self._dialog(
                "Second opinion",
                cards.review_dialog_card(comment_id=comment_id, errors=errors, values=data),
            )
        now = self.services.clock.now()
        review = await self._db(
            lambda s: reviews.submit(
                s, form=form, author=user, now=now, comment_id=comment_id, front_end=FRONT_END
            )
        )
        try:
            posted = await asyncio.to_thread(self.notifier.post_review, review)
        except DeliveryError:
            return self._done("Saved, but SLT could not be reached in Teams just now.")

        def remember_card(session: Session) -> None:
            stored = session.get(DraftReview, review.id)
            if stored is not None:
                stored.card_channel, stored.card_ts = posted.channel, posted.ts

        await self._db(remember_card)
        return self._done("Sent for a second opinion; you'll hear back here.")

    def _is_reviewer(self, user: str) -> bool:
        return self.roles.is_reviewer(user)

    async def _decide_review(self, data: dict[str, Any], user: str, *, approve: bool) -> str:
        if not self._is_reviewer(user):
            return NOT_A_REVIEWER
        now = self.services.clock.now()
        try:
            review = await self._db(
                lambda s: reviews.decide(
                    s,
                    review_id=int(data.get("review", 0)),
                    version=int(data.get("version", 0)),
                    reviewer=user,
                    approve=approve,
                    notes=str(data.get("notes") or ""),
                    now=now,
                )
            )
        except ReviewError as error:
            return str(error)
        try:
            await asyncio.to_thread(self.notifier.review_decided, review)
        except DeliveryError:
            logger.warning("review %s: the author could not be told in Teams", review.id)
        return (
            "Approved: the author has been told."
            if approve
            else ("Sent back: the author has been told.")
        )

    async def _deliver_case(self, incident_id: int) -> None:
        services = self.services
        await asyncio.to_thread(
            incident_reminders.deliver_now,
            sessions=services.sessions,
            incident_id=incident_id,
            notifier=services.notifier,
            timers=services.incident_timers,
            section_for=services.policy_section,
            clock=services.clock,
        )

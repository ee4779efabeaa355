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
from typing import Any

from microsoft_teams.api import (
    AdaptiveCardActionCardResponse,
    TaskModuleResponse,
)
from microsoft_teams.apps import ActivityContext, App
from microsoft_teams.cards import AdaptiveCard

from bot.comments import reminders
from bot.comments import service as comments
from bot.comments.service import CommentError, CommentForm
from bot.comments.service import Field as CommentField
from bot.questions import service as questions
from bot.roles import Roles
from bot.services import Services
from handlers.present.verbs import AccountAction, IncidentAction, ReviewAction
from handlers.teams import cards
from handlers.teams.accounts import DIALOGS as ACCOUNT_DIALOGS
from handlers.teams.accounts import NOT_ADMIN as ACCOUNTS_NOT_ADMIN
from handlers.teams.accounts import AccountListeners
from handlers.teams.base import FRONT_END, TeamsTurns
from handlers.teams.conversations import TeamsDirectory
from handlers.teams.incidents import COMMANDS as INCIDENT_COMMANDS
from handlers.teams.incidents import DIALOGS as INCIDENT_DIALOGS
from handlers.teams.incidents import FORMS as INCIDENT_FORMS
from handlers.teams.incidents import VERBS as INCIDENT_VERBS
from handlers.teams.incidents import IncidentListeners
from handlers.teams.knowledge import ACKNOWLEDGE, NUDGE, TeamsAcknowledgements
from handlers.teams.notifier import TeamsNotifier
from handlers.teams.reports import TeamsReports
from handlers.teams.reviews import DIALOGS as REVIEW_DIALOGS
from handlers.teams.reviews import ReviewListeners

logger = logging.getLogger(__name__)
NOT_A_MODERATOR = "Only the school's social media moderators (and SLT) can do that."
NOT_SLT = "Only SLT can see or act on incident cases."
FORMS = {
    "log": "Log a comment",
    "report": "Report to SLT",
    "review": "Ask for a second opinion",
    "apply": "Apply for a school account",
    "leaver": "Someone has left",
}
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
        self.reviews = ReviewListeners(services, roles, notifier, directory)
        self.acknowledgements = TeamsAcknowledgements(
            services, roles, notifier, directory, api=app.api
        )
        self.reports = TeamsReports(services, roles)
        self.incidents = IncidentListeners(services, roles, notifier, directory)
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
        policy = self.services.policy
        if not text or word == "help":
            return cards.help_card()
        if word == "leaver" and not self.accounts.is_admin(user):
            return cards.note_card(ACCOUNTS_NOT_ADMIN)
        if word in FORMS and not rest:
            name = "account_leaver" if word == "leaver" else word
            return cards.card(
                cards.text("Open the form:"), actions=[cards.dialog(FORMS[word], name)]
            )
        if word == "pending" and not rest:
            if not self.roles.is_moderator(user):
                return cards.note_card(NOT_A_MODERATOR)
            waiting = await self._db(lambda s: comments.pending(s))
            return cards.pending_card(waiting, zone=self.zone, now=self.services.clock.now())
        if word in INCIDENT_COMMANDS and not rest:
            return await self.incidents.command(word, user)
        if word == "acknowledgements" and not rest:
            return await self.acknowledgements.outstanding(user)
        if word == "acknowledge" and not rest:
            return await self.acknowledgements.acknowledge(user)
        if word == "unanswered" and not rest:
            return await self.acknowledgements.unanswered(user)
        if word == "accounts" and not rest:
            return await self.accounts.register(user)
        if word == "topics" and not rest:
            listing = "\n".join(f"- {cards.plain(s.path_text)}" for s in policy.topics())
            return cards.card(cards.heading("The policy's sections"), cards.text(listing))
        if word == "section" and rest:
            section = policy.find_section(rest)
            if section is None:
                return cards.note_card("I couldn't find that section; try **topics**.")
            return cards.section_card(section, version=policy.version)
        return await self._answer(text)

    async def _answer(self, text: str) -> cards.Card:
        asked = self.services.policy.ask(text)
        question_id = uuid.uuid4().hex
        version = self.services.policy.version
        now = self.services.clock.now()
        await self._db(
            lambda s: questions.record(
                s, question_id=question_id, answer=asked.answer, version=version, now=now
            )
        )
        return cards.answer_card(
            asked.answer, version=version, question_id=question_id, truncated=asked.truncated
        )

    # Card actions (Action.Execute) -------------------------------------------------------

    async def on_card_action(self, ctx: ActivityContext[Any]) -> Any:
        user = await self._remember(ctx)
        action = ctx.activity.value.action
        reply = await self._action(action.verb or "", action.data or {}, user)
        return AdaptiveCardActionCardResponse(value=AdaptiveCard.model_validate(reply))

    async def _action(self, verb: str, data: dict[str, Any], user: str) -> cards.Card:
        if verb == "answer.section":
            section = self.services.policy.section(str(data.get("section")))
            return (
                cards.section_card(section, version=self.services.policy.version)
                if section
                else cards.note_card("That section is no longer in the policy.")
            )
        if verb == "answer.feedback":
            helpful = data.get("helpful") in (True, "true")
            await self._db(
                lambda s: questions.give_feedback(
                    s, question_id=str(data.get("question")), helpful=helpful
                )
            )
            return cards.note_card(
                "Thanks, glad it helped."
                if helpful
                else "Thanks for saying. If it doesn't settle it, Ask SLT."
            )
        if verb in ACKNOWLEDGE:  # the nudge's button: exactly as the `acknowledge` message
            return await self.acknowledgements.acknowledge(user)
        if verb in NUDGE:
            return await self.acknowledgements.nudge(user)
        if verb == "answer.ask_slt":
            return await self._ask_slt(str(data.get("question")), user)
        if verb == AccountAction.APPROVE:
            return await self.accounts.approve(data, user)
        if verb == ReviewAction.APPROVE:
            return await self.reviews.approve(data, user)
        if verb == "comment.assign":
            return await self._assign(int(data.get("comment", 0)), user)
        if verb in INCIDENT_VERBS:
            return await self.incidents.act(IncidentAction(verb), data, user)
        return cards.note_card("That button is no longer in use.")

    async def _ask_slt(self, question_id: str, user: str) -> cards.Card:
        question = await self._db(lambda s: questions.get(s, question_id=question_id))
        if question is None:
            return cards.note_card("Sorry, I can't pass that question on.")
        asker = self._names()(user)
        await asyncio.to_thread(
            self.notifier.tell_slt,
            cards.card(
                cards.text(
                    f"**{cards.plain(asker)}** asked a policy question the bot couldn't settle:"
                ),
                cards.text(cards.plain(question.text)),
            ),
        )
        now = self.services.clock.now()
        await self._db(
            lambda s: questions.send_to_slt(s, question_id=question_id, user_id=user, now=now)
        )
        return cards.note_card("Sent to SLT. Someone will get back to you.")

    async def _assign(self, comment_id: int, user: str) -> cards.Card:
        if not self.roles.is_moderator(user):
            return cards.note_card(NOT_A_MODERATOR)
        try:
            comment = await self._db(
                lambda s: comments.assign(s, comment_id=comment_id, user_id=user)
            )
        except CommentError as error:
            return cards.note_card(error.describe(self._names()))
        await asyncio.to_thread(self.notifier.refresh_card, comment)
        return cards.comment_card(
            comment, zone=self.zone, now=self.services.clock.now(), name=self._names()
        )

    # Dialogs (task modules) --------------------------------------------------------------

    async def on_dialog_open(self, ctx: ActivityContext[Any]) -> TaskModuleResponse:
        user = await self._remember(ctx)
        data: dict[str, Any] = dict(ctx.activity.value.data or {})
        name = data.get("dialog")
        now = self.services.clock.now()
        if name == "log":
            if not self.roles.is_moderator(user):
                return self._done(NOT_A_MODERATOR)
            return self._dialog(
                "Log a comment",
                cards.log_dialog_card(
                    accounts=await asyncio.to_thread(self.services.comment_accounts),
                    now=now,
                    zone=self.zone,
                ),
            )
        if name in REVIEW_DIALOGS:
            return await self.reviews.open_dialog(name, data, user)
        if name == "respond":
            if not self.roles.is_moderator(user):
                return self._done(NOT_A_MODERATOR)
            comment = await self._db(lambda s: comments.get(s, comment_id=int(data["comment"])))
            if comment is None or comment.status != "open":
                return self._done("That comment has already been marked responded.")
            return self._dialog("Mark responded", cards.respond_dialog_card(comment))
        if name in INCIDENT_DIALOGS:
            return await self.incidents.open_dialog(name, data, user)
        if name in ACCOUNT_DIALOGS:
            return await self.accounts.open_dialog(name, data, user)
        return self._done("That form is no longer in use.")

    async def on_dialog_submit(self, ctx: ActivityContext[Any]) -> TaskModuleResponse:
        user = await self._remember(ctx)
        data: dict[str, Any] = dict(ctx.activity.value.data or {})
        name = data.get("dialog")
        if name == "log":
            return await self._submit_log(data, user)
        if name == "respond":
            return await self._submit_respond(data, user)
        if name in REVIEW_DIALOGS:
            return await self.reviews.submit_dialog(name, data, user)
        if name in INCIDENT_FORMS:
            return await self.incidents.submit_dialog(name, data, user)
        if name in ACCOUNT_DIALOGS:
            return await self.accounts.submit_dialog(name, data, user)
        return self._done("That form is no longer in use.")

    async def _submit_log(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if not self.roles.is_moderator(user):
            return self._done(NOT_A_MODERATOR)
        now = self.services.clock.now()
        form = CommentForm(
            platform=data.get(CommentField.PLATFORM),
            account=data.get(CommentField.ACCOUNT),
            account_other=str(data.get(CommentField.ACCOUNT_OTHER) or ""),
            kind=data.get(CommentField.KIND),
            author=data.get(CommentField.AUTHOR),
            link=str(data.get(CommentField.LINK) or ""),
            received_at=self._moment(data, CommentField.RECEIVED_AT),
            summary=str(data.get(CommentField.SUMMARY) or ""),
            offensive=str(data.get(CommentField.OFFENSIVE)).lower() == "true",
        )
        accounts = await asyncio.to_thread(self.services.comment_accounts)
        errors = comments.validate(form, now=now, accounts=accounts)
        if errors:  # the form comes back with what was typed, and what to fix
            return self._dialog(
                "Log a comment",
                cards.log_dialog_card(
                    accounts=accounts,
                    now=form.received_at or now,
                    zone=self.zone,
                    values=data,
                    errors=errors,
                ),
            )
        comment = await self._db(
            lambda s: comments.log(
                s,
                form=form,
                logged_by=user,
                now=now,
                calendar=self.services.calendar,
                front_end=FRONT_END,
            )
        )
        await asyncio.to_thread(
            reminders.deliver_now,
            sessions=self.services.sessions,
            comment_id=comment.id,
            notifier=self.services.notifier,
            policy=self.services.reminders,
            clock=self.services.clock,
        )
        extra = " It looks offensive: use Report incident on its card." if form.offensive else ""
        return self._done(f"Logged as #{comment.id}; the 24-hour clock is running.{extra}")

    async def _submit_respond(self, data: dict[str, Any], user: str) -> TaskModuleResponse:
        if not self.roles.is_moderator(user):
            return self._done(NOT_A_MODERATOR)
        response = data.get(CommentField.RESPONSE)
        note = str(data.get(CommentField.NOTE) or "")
        comment_id = int(data.get("comment", 0))
        errors = comments.validate_response(response, note)
        now = self.services.clock.now()
        if not errors:
            try:
                comment = await self._db(
                    lambda s: comments.mark_responded(
                        s,
                        comment_id=comment_id,
                        user_id=user,
                        response=response or "",
                        note=note,
                        now=now,
                    )
                )
            except CommentError as error:
                return self._done(error.describe(self._names()))
            await asyncio.to_thread(self.notifier.refresh_card, comment)
            return self._done(f"#{comment.id} marked responded.")
        comment = await self._db(lambda s: comments.get(s, comment_id=comment_id))
        if comment is None:
            return self._done("That comment no longer exists.")
        return self._dialog("Mark responded", cards.respond_dialog_card(comment, errors))

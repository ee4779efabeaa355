"""The Teams front end's listeners: messages, dialogs (task modules) and card actions.

Each turns the activity into domain calls (run in a worker thread: the domain is synchronous)
and answers with a card; every invoke gets a response. Roles, validation, the audit trail and
all the rules are the domain's, exactly as for Slack.
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import Executor
from typing import Any

from microsoft_teams.api import (
    AdaptiveCardActionCardResponse,
    TaskModuleResponse,
)
from microsoft_teams.apps import ActivityContext, App
from microsoft_teams.cards import AdaptiveCard

from bot import validation
from bot.roles import Roles
from bot.services import Services
from bot.setup import actions as setup
from handlers.present.verbs import AccountAction, CommentAction, IncidentAction, ReviewAction
from handlers.teams import cards
from handlers.teams.accounts import DIALOGS as ACCOUNT_DIALOGS
from handlers.teams.accounts import NOT_ADMIN as ACCOUNTS_NOT_ADMIN
from handlers.teams.accounts import AccountListeners
from handlers.teams.answers import VERBS as ANSWER_VERBS
from handlers.teams.answers import AnswerListeners
from handlers.teams.base import FRONT_END, UNSAFE_FORM, TeamsTurns, submission, tidy
from handlers.teams.comments import DIALOGS as COMMENT_DIALOGS
from handlers.teams.comments import CommentListeners
from handlers.teams.conversations import TeamsDirectory
from handlers.teams.health import TeamsHealth
from handlers.teams.incidents import COMMANDS as INCIDENT_COMMANDS
from handlers.teams.incidents import DIALOGS as INCIDENT_DIALOGS
from handlers.teams.incidents import FORMS as INCIDENT_FORMS
from handlers.teams.incidents import VERBS as INCIDENT_VERBS
from handlers.teams.incidents import IncidentListeners
from handlers.teams.knowledge import ACKNOWLEDGE, NUDGE, TeamsAcknowledgements
from handlers.teams.notifier import TeamsNotifier
from handlers.teams.policy_upload import VERBS as POLICY_VERSION_VERBS
from handlers.teams.policy_upload import PolicyVersionListeners, sent_files
from handlers.teams.reports import TeamsReports
from handlers.teams.reviews import DIALOGS as REVIEW_DIALOGS
from handlers.teams.reviews import ReviewListeners
from handlers.teams.rota import DIALOGS as ROTA_DIALOGS
from handlers.teams.rota import FORMS as ROTA_FORMS
from handlers.teams.rota import VERBS as ROTA_VERBS
from handlers.teams.rota import RotaListeners, is_calendar
from handlers.teams.saved_answers import DIALOGS as SAVED_ANSWER_DIALOGS
from handlers.teams.saved_answers import VERBS as SAVED_ANSWER_VERBS
from handlers.teams.saved_answers import SavedAnswerListeners
from handlers.teams.settings import DIALOGS as SETTINGS_DIALOGS
from handlers.teams.settings import PERSONAL_ONLY as SETTINGS_PERSONAL_ONLY
from handlers.teams.settings import SettingsListeners

logger = logging.getLogger(__name__)
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
        follow_ups: Executor,
    ) -> None:
        super().__init__(services, roles, notifier, directory, follow_ups)
        self.accounts = AccountListeners(services, roles, notifier, directory, follow_ups)
        self.reviews = ReviewListeners(services, roles, notifier, directory, follow_ups)
        self.comments = CommentListeners(services, roles, notifier, directory, follow_ups)
        self.answers = AnswerListeners(services, roles, notifier, directory, follow_ups)
        self.saved_answers = SavedAnswerListeners(services, roles, notifier, directory, follow_ups)
        self.acknowledgements = TeamsAcknowledgements(
            services, roles, notifier, directory, follow_ups, api=app.api
        )
        self.policy_versions = PolicyVersionListeners(
            services, roles, notifier, directory, follow_ups, api=app.api
        )
        self.reports = TeamsReports(services, roles)
        self.settings = SettingsListeners(services, roles, notifier, directory, follow_ups)
        self.health = TeamsHealth(services, roles, directory)
        self.incidents = IncidentListeners(services, roles, notifier, directory, follow_ups)
        self.rota = RotaListeners(services, roles, notifier, directory, follow_ups)
        app.on_message(self.on_message)
        app.on_conversation_update(self.on_conversation_update)
        app.on_installation_update(self.on_conversation_update)
        app.on_dialog_open(self.on_dialog_open)
        app.on_dialog_submit(self.on_dialog_submit)
        app.on_card_action_execute(self.on_card_action)
        app.on_file_consent(self.on_file_consent)

    # Messages ----------------------------------------------------------------------------

    async def on_conversation_update(self, ctx: ActivityContext[Any]) -> None:
        """Installed, or added to a team or chat: keep the reference for proactive messages,
        and tell whoever installed it what the set-up still lacks."""
        user = await self._remember(ctx)
        activity = ctx.activity
        added = getattr(activity, "members_added", None) or []
        bot = activity.recipient.id if activity.recipient else None
        installed = any(member.id == bot for member in added) or (
            getattr(activity, "action", None) == "add"
        )
        if not installed:
            return
        personal = (activity.conversation.conversation_type or "personal") == "personal"
        guide = await self.settings.installed(user, personal=personal)
        if guide is not None:
            await ctx.send(self._message(guide))

    async def on_message(self, ctx: ActivityContext[Any]) -> None:
        user = await self._remember(ctx)
        if isinstance(ctx.activity.value, dict) and ctx.activity.value.get("verb"):
            # An Action.Submit fallback from a client without Universal Actions.
            verb = validation.clean(str(ctx.activity.value["verb"]))
            reply = await self._action(verb, tidy(ctx.activity.value), user)
            await ctx.send(self._message(reply))
            return
        files = sent_files(ctx.activity.attachments)
        if files and is_calendar(files):  # the school's calendar, for SLT's holidays
            personal = (ctx.activity.conversation.conversation_type or "personal") == "personal"
            reply = await self.rota.calendar_file(
                files[0], user, personal=personal, fetch=self.policy_versions.fetch
            )
            await ctx.send(self._message(reply))
            return
        if files:  # a new version of the policy, for SLT
            personal = (ctx.activity.conversation.conversation_type or "personal") == "personal"
            await ctx.send(
                self._message(await self.policy_versions.upload(files, user, personal=personal))
            )
            return
        text = validation.clean(ctx.activity.strip_mentions_text().text or "").strip()
        if text.lower().startswith("socialpolicy"):
            text = text[len("socialpolicy") :].strip()
        chosen = _PLACE.match(text)
        if chosen:
            await ctx.send(self._message(await self._choose_place(ctx, chosen.group(1), user)))
            return
        if text.lower() == "whereami":  # setup: the id to put in TEAMS_*_CONVERSATION
            await ctx.send(
                self._message(
                    cards.note_card(
                        f"This conversation's id is **{cards.plain(ctx.activity.conversation.id)}**"
                    )
                )
            )
            return
        word, _, rest = text.partition(" ")
        if word.lower() == "report-csv":  # a file, offered in reply: it needs the conversation
            await self.reports.request(ctx, rest, user)
            return
        if word.lower() == "health" and not rest:  # SLT's view of the bot: personal chat only
            await ctx.send(self._message(await self.health.command(ctx, user)))
            return
        if word.lower() == "rota" and not rest:  # it names people: personal chat only
            personal = (ctx.activity.conversation.conversation_type or "personal") == "personal"
            await ctx.send(self._message(await self.rota.command(user, personal=personal)))
            return
        if word.lower() == "settings" and not rest:  # personal chat only, as health
            personal = (ctx.activity.conversation.conversation_type or "personal") == "personal"
            reply = (
                await self.settings.command(user)
                if personal
                else cards.note_card(SETTINGS_PERSONAL_ONLY)
            )
            await ctx.send(self._message(reply))
            return
        await ctx.send(self._message(await self._command(text, user)))

    async def on_file_consent(self, ctx: ActivityContext[Any]) -> None:
        """Allow or Decline on the file consent card that offered a report."""
        await self.reports.file_consent(ctx, await self._remember(ctx))

    async def _choose_place(self, ctx: ActivityContext[Any], role: str, user: str) -> cards.Card:
        """SLT, or those who set the bot up, pick from inside a channel where SLT pings or
        comment cards go."""
        if (ctx.activity.conversation.conversation_type or "personal") == "personal":
            return cards.note_card("Say this in the channel you mean, not in a personal chat.")
        try:
            await asyncio.to_thread(
                setup.choose_place,
                self.services,
                self.roles,
                user=user,
                front_end=FRONT_END,
                role=role.lower(),
                place=ctx.activity.conversation.id,
            )
        except setup.NotAllowed as refusal:
            return cards.note_card(str(refusal))
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
        if word in INCIDENT_COMMANDS and not rest:
            return await self.incidents.command(word, user)
        if word == "acknowledgements" and not rest:
            return await self.acknowledgements.outstanding(user)
        if word == "acknowledge" and not rest:
            return await self.acknowledgements.acknowledge(user)
        if word == "unanswered" and not rest:
            return await self.acknowledgements.unanswered(user)
        if word == "policy" and rest.lower() in ("", "versions"):
            return await self.policy_versions.versions(user)
        if word == "holidays" and not rest:
            return await self.rota.holidays(user)
        if word == "answers" and not rest:
            return await self.saved_answers.listing(user)
        if word == "accounts" and not rest:
            return await self.accounts.register(user)
        if word in ("topics", "sections") and not rest:
            return self.answers.topics()
        if word == "section" and rest:
            return self.answers.section(rest)
        return await self.answers.answer(text)

    # Card actions (Action.Execute) -------------------------------------------------------

    async def on_card_action(self, ctx: ActivityContext[Any]) -> Any:
        user = await self._remember(ctx)
        action = ctx.activity.value.action
        reply = await self._action(validation.clean(action.verb or ""), tidy(action.data), user)
        return AdaptiveCardActionCardResponse(value=AdaptiveCard.model_validate(reply))

    async def _action(self, verb: str, data: dict[str, Any], user: str) -> cards.Card:
        if verb in ANSWER_VERBS:
            return await self.answers.act(verb, data, user)
        if verb in SAVED_ANSWER_VERBS:
            return await self.saved_answers.act(verb, data, user)
        if verb in ACKNOWLEDGE:  # the nudge's button: exactly as the `acknowledge` message
            return await self.acknowledgements.acknowledge(user)
        if verb in NUDGE:
            return await self.acknowledgements.nudge(user)
        if verb in POLICY_VERSION_VERBS:
            return await self.policy_versions.act(verb, data, user)
        if verb == AccountAction.APPROVE:
            return await self.accounts.approve(data, user)
        if verb == ReviewAction.APPROVE:
            return await self.reviews.approve(data, user)
        if verb == CommentAction.ASSIGN:
            return await self.comments.assign(data, user)
        if verb in INCIDENT_VERBS:
            return await self.incidents.act(IncidentAction(verb), data, user)
        if verb in ROTA_VERBS:
            return await self.rota.act(verb, data, user)
        return cards.note_card("That button is no longer in use.")

    # Dialogs (task modules) --------------------------------------------------------------

    async def on_dialog_open(self, ctx: ActivityContext[Any]) -> TaskModuleResponse:
        user = await self._remember(ctx)
        data = tidy(ctx.activity.value.data)
        name = data.get("dialog")
        if name in COMMENT_DIALOGS:
            return await self.comments.open_dialog(name, data, user)
        if name in REVIEW_DIALOGS:
            return await self.reviews.open_dialog(name, data, user)
        if name in INCIDENT_DIALOGS:
            return await self.incidents.open_dialog(name, data, user)
        if name in ACCOUNT_DIALOGS:
            return await self.accounts.open_dialog(name, data, user)
        if name in SAVED_ANSWER_DIALOGS:
            return await self.saved_answers.open_dialog(name, data, user)
        if name in SETTINGS_DIALOGS:
            return await self.settings.open_dialog(name, user)
        if name in ROTA_DIALOGS:
            return await self.rota.open_dialog(name, data, user)
        return self._done("That form is no longer in use.")

    async def on_dialog_submit(self, ctx: ActivityContext[Any]) -> TaskModuleResponse:
        user = await self._remember(ctx)
        typed = ctx.activity.value.data or {}
        unsafe = validation.text_errors(typed if isinstance(typed, dict) else {})
        if unsafe:
            return self._done(UNSAFE_FORM.format(fields=", ".join(sorted(unsafe))))
        data = tidy(typed)
        name = data.get("dialog")
        if not isinstance(name, str):
            return self._done("That form is no longer in use.")
        # Taken in once, however often Teams sends it: the same key finds what it made.
        key = submission(name, data, user=user, activity_id=ctx.activity.id)
        if name in COMMENT_DIALOGS:
            return await self.comments.submit_dialog(name, data, user, key)
        if name in REVIEW_DIALOGS:
            return await self.reviews.submit_dialog(name, data, user, key)
        if name in INCIDENT_FORMS:
            return await self.incidents.submit_dialog(name, data, user, key)
        if name in ACCOUNT_DIALOGS:
            return await self.accounts.submit_dialog(name, data, user, key)
        if name in SAVED_ANSWER_DIALOGS:  # each is refused once done: no key needed
            return await self.saved_answers.submit_dialog(name, data, user)
        if name in SETTINGS_DIALOGS:  # the same values again change nothing: no key needed
            return await self.settings.submit_dialog(name, data, user)
        if name in ROTA_FORMS:  # the same form again changes nothing: no key needed
            return await self.rota.submit_dialog(name, data, user)
        return self._done("That form is no longer in use.")

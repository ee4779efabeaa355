"""The notifier port, delivered to Teams as proactive messages through the Teams SDK.

The sweeps run in ordinary threads; each send is handed to the event loop the SDK lives on.
A card's reminders and steps go in its thread (a channel conversation id with `;messageid=`).
A failure becomes `DeliveryError`, so the sweep records nothing and tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
from microsoft_teams.api import (
    Account,
    ApiClient,
    Attachment,
    ConversationReference,
    CreateConversationParams,
    MessageActivityInput,
)
from microsoft_teams.apps.activity_send import send_or_update_activity
from microsoft_teams.apps.utils.thread import to_threaded_conversation_id
from microsoft_teams.cards import AdaptiveCard

from bot.accounts import actions as accounts
from bot.clock import Clock
from bot.comments.service import CommentFacts
from bot.incidents.actions import Case
from bot.ports import DeliveryError, Posted
from bot.questions.actions import PassedOn
from bot.reports.figures import Figures
from bot.reviews.actions import Review
from bot.rota.messages import CheckInAsk, CheckInMissed
from bot.saved_answers.service import Saved
from bot.setup.school import People
from handlers.present import accounts as present_accounts
from handlers.present import answers as present_answers
from handlers.present import comments as present_comments
from handlers.present import incidents as present
from handlers.present import knowledge as present_knowledge
from handlers.present import policy_versions as present_policy
from handlers.present import reviews as present_reviews
from handlers.present import rota as present_rota
from handlers.present import saved_answers as present_saved
from handlers.present import settings as present_settings
from handlers.present.erased import erased_card
from handlers.present.model import Card
from handlers.teams import cards, render, reports
from handlers.teams.conversations import TeamsDirectory
from store import tenancy
from store.models import (
    AuditEvent,
    Comment,
    DraftReview,
    Handover,
    Incident,
    Question,
    SavedAnswer,
    SchoolAccount,
)

logger = logging.getLogger(__name__)
SEND_TIMEOUT_SECONDS = 30
T = TypeVar("T")


async def _in_school(school: int, coroutine: Coroutine[Any, Any, T]) -> T:
    """A send handed to the loop from a sweep's or a follow-up's thread, in that thread's school:
    whatever it reaches of ours (the directory, the settings) is that school's."""
    with tenancy.scope(school):
        return await coroutine


class TeamsNotifier:
    def __init__(
        self,
        *,
        api: Callable[[], ApiClient],
        loop: Callable[[], asyncio.AbstractEventLoop | None],
        directory: TeamsDirectory,
        people: Callable[[], People],
        reviewers: Callable[[], Iterable[str]],
        zone: Callable[[], ZoneInfo],
        clock: Clock,
    ) -> None:
        self._api = api
        self._loop = loop
        self.directory = directory
        self.people = people
        self.reviewers = reviewers
        self._zone = zone
        self.clock = clock

    # Read at each send, so a change made in the settings holds from the next message.

    @property
    def slt_conversation(self) -> str | None:
        """The SLT channel, chosen in the settings or from inside it."""
        return self.people().slt_place

    @property
    def moderators_conversation(self) -> str | None:
        return self.people().moderators_place

    @property
    def slt_users(self) -> tuple[str, ...]:
        return self.people().slt

    @property
    def admin_users(self) -> tuple[str, ...]:
        return self.people().admins

    @property
    def media_contacts(self) -> tuple[str, ...]:
        return self.people().media_contacts

    @property
    def zone(self) -> ZoneInfo:
        return self._zone()

    # Plumbing ----------------------------------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        loop = self._loop()
        if loop is None or not loop.is_running():
            coroutine.close()
            raise DeliveryError("the Teams front end is not running yet")
        sending = _in_school(tenancy.current(), coroutine)
        try:
            return asyncio.run_coroutine_threadsafe(sending, loop).result(SEND_TIMEOUT_SECONDS)
        except (httpx.HTTPError, OSError, TimeoutError, ValueError) as error:
            raise DeliveryError(f"Teams: {error}") from error

    def _name(self) -> Callable[[str], str]:
        return self.directory.name

    def _ref(self, conversation_id: str | None, what: str) -> ConversationReference:
        if conversation_id is None:
            raise DeliveryError(f"no Teams conversation is set for {what}")
        ref = self.directory.reference(conversation_id)
        if ref is None:
            raise DeliveryError(f"the bot has not been added to the {what} conversation yet")
        return ref

    def _send(
        self,
        ref: ConversationReference,
        content: cards.Card,
        *,
        update: str | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> str:
        activity = MessageActivityInput().add_card(AdaptiveCard.model_validate(content))
        activity.add_attachments(*attachments)
        if update:
            activity.id = update
        sent = self._run(send_or_update_activity(self._api(), activity, ref))
        return sent.id or update or ""

    def _thread(
        self,
        item: Comment | Incident | DraftReview,
        fallback: str | None,
        what: str,
        content: cards.Card,
    ) -> None:
        if item.card_channel and item.card_ts:
            ref = self._ref(item.card_channel, what)
            try:
                ref.conversation.id = to_threaded_conversation_id(item.card_channel, item.card_ts)
            except ValueError as error:
                raise DeliveryError(f"cannot reply in the card's thread: {error}") from error
        else:
            ref = self._ref(fallback, what)
        self._send(ref, content)

    def direct_message(self, user: str, content: cards.Card) -> Posted:
        ref = self.directory.personal(user) or self._start_personal_chat(user)
        return Posted(channel=ref.conversation.id, ts=self._send(ref, content))

    def redraw_erased(self, where: Posted, *, record: str) -> None:
        self._send(
            self._ref(where.channel, "an erased record's"),
            render.render(erased_card(record), self._name()),
            update=where.ts,
        )

    def _start_personal_chat(self, user: str) -> ConversationReference:
        """Open a 1:1 chat with someone the bot knows from a roster or a channel, so nobody has
        to open the bot first to hear from it."""
        account, like = self.directory.account(user), self.directory.newest()
        if account is None or like is None:
            raise DeliveryError(f"no personal chat with {user}, and no Teams account to start one")
        tenant = like.conversation.tenant_id
        params = CreateConversationParams(
            members=[Account(id=account)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
            bot=Account(id=like.bot.id),
            isGroup=False,  # not a field of the SDK's model; the Bot Connector wants it
        )
        api = self._api().clone(service_url=like.service_url)
        created = self._run(api.conversations.create(params))
        return self.directory.open_personal(user, created.id, like=like, now=self.clock.now())

    def _tell_slt(self, content: cards.Card) -> None:
        self._send(self._ref(self.slt_conversation, "SLT"), content)

    # Comments ----------------------------------------------------------------------------

    def _comment_card(self, comment: Comment) -> cards.Card:
        facts = CommentFacts.of(comment)
        card = present_comments.comment_card(facts, zone=self.zone, now=self.clock.now())
        return render.render(card, self._name())

    def post_card(self, comment: Comment) -> Posted:
        ref = self._ref(self.moderators_conversation, "moderators'")
        ts = self._send(ref, self._comment_card(comment))
        return Posted(channel=ref.conversation.id, ts=ts)

    def refresh_card(self, comment: Comment) -> None:
        if comment.card_channel and comment.card_ts:
            self._send(
                self._ref(comment.card_channel, "moderators'"),
                self._comment_card(comment),
                update=comment.card_ts,
            )

    def _reminder(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None, dm: bool
    ) -> cards.Card:
        card = present_comments.reminder_card(
            CommentFacts.of(comment),
            left=left,
            late_since=late_since,
            zone=self.zone,
            to_assignee=dm,
        )
        return render.render(card, self._name())

    def remind(self, comment: Comment, *, left: timedelta, late_since: datetime | None) -> None:
        self._thread(
            comment,
            self.moderators_conversation,
            "moderators'",
            self._reminder(comment, left=left, late_since=late_since, dm=False),
        )

    def remind_assignee(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None
    ) -> Posted | None:
        if not comment.assignee:
            return None
        return self.direct_message(
            comment.assignee, self._reminder(comment, left=left, late_since=late_since, dm=True)
        )

    def escalate(self, comment: Comment, *, late_since: datetime | None) -> None:
        card = present_comments.escalation_card(
            CommentFacts.of(comment),
            late_since=late_since,
            card_link=None,
            zone=self.zone,
            now=self.clock.now(),
        )
        self._send(self._ref(self.slt_conversation, "SLT"), render.render(card, self._name()))

    # Incidents ---------------------------------------------------------------------------

    def _draw(self, view: Card) -> cards.Card:
        return render.render(view, self._name())

    def _case_card(self, incident: Incident, section: str | None) -> cards.Card:
        return self._draw(present.case_card(Case.of(incident), section=section, zone=self.zone))

    def post_case(self, incident: Incident, *, section: str | None) -> Posted:
        ref = self._ref(self.slt_conversation, "SLT")
        ts = self._send(ref, self._case_card(incident, section))
        return Posted(channel=ref.conversation.id, ts=ts)

    def refresh_case(self, incident: Incident, *, section: str | None) -> None:
        if incident.card_channel and incident.card_ts:
            self._send(
                self._ref(incident.card_channel, "SLT"),
                self._case_card(incident, section),
                update=incident.card_ts,
            )

    def post_step(self, incident: Incident, step: AuditEvent) -> None:
        self._thread(
            incident,
            self.slt_conversation,
            "SLT",
            self._draw(present.step_message(Case.of(incident), step, zone=self.zone)),
        )

    def confirm_to_reporter(self, incident: Incident) -> None:
        self.direct_message(
            incident.reporter, self._draw(present.reporter_confirmation(Case.of(incident)))
        )

    def tell_reporter(self, incident: Incident, *, status: str) -> None:
        self.direct_message(
            incident.reporter,
            self._draw(present.reporter_update(Case.of(incident), status=status)),
        )

    def urgent_recipients(self) -> tuple[str, ...]:
        return tuple(self.slt_users)

    def media_recipients(self) -> tuple[str, ...]:
        """The school's spokespeople (TEAMS_MEDIA_CONTACT_USERS)."""
        return tuple(self.media_contacts)

    def alert_slt_member(self, incident: Incident, *, member: str) -> None:
        alert = present.urgent_alert(Case.of(incident), card_link=None)
        self.direct_message(member, self._draw(alert))

    def alert_media_contact(self, incident: Incident, *, contact: str) -> None:
        """They hear of it; never the details."""
        self.direct_message(contact, self._draw(present.media_alert(Case.of(incident))))

    def case_unreachable(self, incident: Incident, *, who: str, what: str) -> None:
        view = present.unreachable(Case.of(incident), who=who, what=what)
        self._thread(incident, self.slt_conversation, "SLT", self._draw(view))

    def comment_unreachable(self, comment: Comment, *, who: str, what: str) -> None:
        view = present_comments.unreachable(CommentFacts.of(comment), who=who, what=what)
        self._tell_slt(self._draw(view))

    def reping(self, incident: Incident, *, waited: timedelta) -> None:
        self._send(
            self._ref(self.slt_conversation, "SLT"),
            self._draw(present.reping(Case.of(incident), waited=waited)),
        )

    def remind_lead(self, incident: Incident, *, idle: timedelta) -> None:
        if incident.lead:
            self.direct_message(
                incident.lead, self._draw(present.lead_reminder(Case.of(incident), idle=idle))
            )

    def chase_platform(self, incident: Incident, *, waiting: timedelta) -> None:
        self._thread(
            incident,
            self.slt_conversation,
            "SLT",
            self._draw(present.platform_chase(Case.of(incident), waiting=waiting)),
        )

    # The policy ------------------------------------------------------------------------------

    def settings_changed(self, *, actor: str, keys: Sequence[str]) -> None:
        self._tell_slt(self._draw(present_settings.changed_notice(actor, keys)))

    def policy_live(self, *, file_name: str, label: str, by: str | None, rolled_back: bool) -> None:
        card = present_policy.live_notice(
            file_name=file_name, label=label, by=by, rolled_back=rolled_back
        )
        self._tell_slt(self._draw(card))

    def policy_review(self, *, due: date, today: date) -> None:
        said = present_knowledge.policy_review(due=due, today=today)
        self._tell_slt(cards.alert_card(f"📅 SLT: {said}"))

    def digest(self, figures: Figures, *, chart: bytes) -> None:
        """The figures as a card, with the chart as an inline image beneath it."""
        self._send(
            self._ref(self.slt_conversation, "SLT"),
            reports.digest_card(figures, self._name()),
            attachments=[reports.chart_attachment(chart)],
        )

    def nudge(self, user: str, *, version: str) -> None:
        self.direct_message(user, self._draw(present_knowledge.nudge_card(version=version)))

    # Questions passed on to SLT --------------------------------------------------------------

    def offers_ask_slt(self) -> bool:
        """Always: SLT can choose their channel from inside Teams at any time."""
        return True

    def ask_slt(self, question: Question) -> None:
        self._tell_slt(self._draw(present_answers.slt_question_card(PassedOn.of(question))))

    def answer_to_asker(self, question: Question) -> None:
        if not question.asked_by or question.slt_answer is None:
            raise DeliveryError("nobody to send SLT's answer to")
        card = present_saved.answer_to_asker_card(question.text, question.slt_answer)
        self.direct_message(question.asked_by, self._draw(card))

    def saved_answers_review(self, answers: Sequence[SavedAnswer]) -> None:
        shown = present_saved.review_notice([Saved.of(a, self.zone) for a in answers])
        self._tell_slt(render.render_many(shown, self._name()))

    # Second opinions ---------------------------------------------------------------------

    def _review_card(self, review: DraftReview) -> cards.Card:
        return self._draw(
            present_reviews.review_card(Review.of(review), reviewers=self.reviewers())
        )

    def review_requested(self, review: DraftReview) -> Posted:
        ref = self._ref(self.slt_conversation, "SLT")
        ts = self._send(ref, self._review_card(review))
        return Posted(channel=ref.conversation.id, ts=ts)

    def review_decided(self, review: DraftReview) -> None:
        if review.card_channel and review.card_ts:
            self._send(
                self._ref(review.card_channel, "SLT"),
                self._review_card(review),
                update=review.card_ts,
            )
        self.direct_message(
            review.author, self._draw(present_reviews.decision_card(Review.of(review)))
        )

    def review_reminder(self, review: DraftReview) -> None:
        said = render.text(present_reviews.reminder(Review.of(review)), self._name())
        self._thread(review, self.slt_conversation, "SLT", cards.alert_card(f"⏰ SLT: {said}"))

    # School accounts -------------------------------------------------------------------------

    def _tell_admins(self, content: cards.Card) -> None:
        """DM every administrator who can be reached; `DeliveryError` if none could be."""
        if not self.admin_users:
            raise DeliveryError("TEAMS_ADMIN_USERS is not set: nobody to look after accounts")
        reached = 0
        for admin in self.admin_users:
            try:
                self.direct_message(admin, content)
                reached += 1
            except DeliveryError as error:
                logger.warning("account administrator not reached in Teams: %s", error)
        if not reached:
            raise DeliveryError("no account administrator could be reached in Teams")

    def account_applied(self, account: SchoolAccount) -> None:
        view = present_accounts.application_card(accounts.Account.of(account))
        self._tell_slt(self._draw(view))

    def creation_task(self, account: SchoolAccount) -> None:
        view = present_accounts.create_request_card(accounts.Account.of(account))
        self._tell_admins(self._draw(view))

    def account_decided(self, account: SchoolAccount) -> None:
        view = present_accounts.decision_card(accounts.Account.of(account))
        self.direct_message(account.applied_by, self._draw(view))

    def handover_task(self, handover: Handover, account: SchoolAccount, *, reminder: int) -> None:
        task = accounts.HandoverTask.of(handover, account)
        self._tell_admins(self._draw(present_accounts.handover_card(task, reminder=reminder)))

    # The seven-day watch -------------------------------------------------------------------

    def check_in_ask(self, ask: CheckInAsk) -> None:
        self.direct_message(ask.user, self._draw(present_rota.ask_card(ask)))

    def check_in_missed(self, missed: CheckInMissed) -> None:
        card = self._draw(present_rota.missed_card(missed))
        if missed.to_slt:
            self._tell_slt(card)
        else:
            self.direct_message(missed.lead, card)

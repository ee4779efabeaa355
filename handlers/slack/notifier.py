"""The notifier port, delivered through Slack's Web API.

Every call is paced per channel and retried by the client's retry handlers (429 with
Retry-After, 5xx, connection errors); a call that still fails becomes `DeliveryError`, which the
sweep treats as "not sent".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.accounts.actions import Account, HandoverTask
from bot.clock import Clock
from bot.comments.service import CommentFacts
from bot.incidents.actions import Case
from bot.ports import DELIVERY, DeliveryError, Posted
from bot.questions.actions import PassedOn
from bot.reports.figures import Figures
from bot.reviews.actions import Review
from bot.roles import LookupFailed
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
from handlers.present.model import Group
from handlers.slack import render
from handlers.slack.pacing import Pacer
from handlers.slack.views import knowledge as knowledge_views
from handlers.slack.views import reports as report_views
from handlers.slack.views import reviews as review_views
from handlers.slack.views.common import escape, markdown, mention, message, slt_mention
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

MARKER_EVENT = "socialpolicy_delivery"  # the metadata event type that tags each delivery
LOOK_BACK = timedelta(minutes=10)  # how far back a retry looks for its earlier try
LOOK_BACK_MESSAGES = 100


class SlackNotifier:
    def __init__(
        self,
        client: Callable[[], WebClient],
        *,
        people: Callable[[], People],
        slt_members: Callable[[], frozenset[str]],
        reviewers: Callable[[], Iterable[str]],
        zone: Callable[[], ZoneInfo],
        clock: Clock,
        pacer: Pacer,
    ) -> None:
        self._client = client
        self.people = people
        self.slt_members = slt_members
        self.reviewers = reviewers
        self._zone = zone
        self.clock = clock
        self.pacer = pacer

    @property
    def client(self) -> WebClient:
        """The Web API client of the school in scope (each workspace has its own token when
        the app is installed by OAuth). A school whose workspace has no token cannot be sent to:
        `DeliveryError`, as for any refused send."""
        try:
            return self._client()
        except SlackClientError as error:
            raise DeliveryError(f"no Slack client for this school: {error}") from error

    # Read at each send, so a change made in the settings holds from the next message.

    @property
    def moderators_channel(self) -> str | None:
        return self.people().moderators_place

    @property
    def slt_channel(self) -> str | None:
        return self.people().slt_place

    @property
    def media_contacts(self) -> tuple[str, ...]:
        return self.people().media_contacts

    @property
    def admin_users(self) -> tuple[str, ...]:
        return self.people().admins

    @property
    def zone(self) -> ZoneInfo:
        return self._zone()

    def slt_mention(self) -> str:
        people = self.people()
        return slt_mention(people.slt_group, list(people.slt))

    def _call(self, pace_key: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        self.pacer.wait(pace_key)
        try:
            return method(**kwargs)
        except (SlackApiError, SlackClientError, OSError) as error:
            raise DeliveryError(f"{method.__name__} to {pace_key}: {error}") from error

    def _post(self, channel: str, **payload: Any) -> Any:
        """chat.postMessage, tagged with the delivery it belongs to. On a retry, a message
        already in the channel with that tag (Slack took it, but answered after the client gave
        up, or the bot was stopped before recording it) stands for it: nothing is posted twice."""
        delivery = DELIVERY.get()
        if delivery is not None:
            if delivery.retrying:
                found = self._find(channel, payload.get("thread_ts"), delivery.marker)
                if found is not None:
                    logger.info("already delivered, not posted again")
                    return {"channel": channel, "ts": found}
            payload["metadata"] = {
                "event_type": MARKER_EVENT,
                "event_payload": {"delivery": delivery.marker},
            }
        return self._call(channel, self.client.chat_postMessage, channel=channel, **payload)

    def _find(self, channel: str, thread_ts: str | None, marker: str) -> str | None:
        """The ts of a recent message in `channel` (or its thread) tagged `marker`, if any. If
        Slack cannot be asked, the message is posted again: twice is better than never."""
        oldest = f"{(self.clock.now() - LOOK_BACK).timestamp():.6f}"
        try:
            if thread_ts:
                response = self._call(
                    channel,
                    self.client.conversations_replies,
                    channel=channel,
                    ts=thread_ts,
                    oldest=oldest,
                    include_all_metadata=True,
                    limit=LOOK_BACK_MESSAGES,
                )
            else:
                response = self._call(
                    channel,
                    self.client.conversations_history,
                    channel=channel,
                    oldest=oldest,
                    include_all_metadata=True,
                    limit=LOOK_BACK_MESSAGES,
                )
        except DeliveryError as error:
            logger.warning("could not look for an earlier try, posting again: %s", error)
            return None
        for found in response.get("messages") or []:
            tag = (found.get("metadata") or {}).get("event_payload") or {}
            if found.get("metadata", {}).get("event_type") == MARKER_EVENT and (
                tag.get("delivery") == marker
            ):
                return str(found["ts"])
        return None

    def _card(self, comment: Comment) -> dict[str, Any]:
        facts = CommentFacts.of(comment)
        return render.render(
            present_comments.comment_card(facts, zone=self.zone, now=self.clock.now())
        )

    def post_card(self, comment: Comment) -> Posted:
        if self.moderators_channel is None:
            raise DeliveryError("MODERATORS_CHANNEL is not set")
        response = self._post(
            self.moderators_channel,
            **self._card(comment),
        )
        return Posted(channel=response["channel"], ts=response["ts"])

    def refresh_card(self, comment: Comment) -> None:
        if comment.card_channel and comment.card_ts:
            self._call(
                comment.card_channel,
                self.client.chat_update,
                channel=comment.card_channel,
                ts=comment.card_ts,
                **self._card(comment),
            )

    def _reminder(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None, dm: bool
    ) -> dict[str, Any]:
        card = present_comments.reminder_card(
            CommentFacts.of(comment),
            left=left,
            late_since=late_since,
            zone=self.zone,
            to_assignee=dm,
        )
        return render.render(card)

    def remind(self, comment: Comment, *, left: timedelta, late_since: datetime | None) -> None:
        payload = self._reminder(comment, left=left, late_since=late_since, dm=False)
        channel = comment.card_channel or self.moderators_channel
        if channel is None:
            raise DeliveryError("no channel for the reminder")
        self._post(
            channel,
            thread_ts=comment.card_ts,
            **payload,
        )

    def remind_assignee(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None
    ) -> Posted | None:
        if comment.assignee is None:
            return None
        return self.direct_message(
            comment.assignee, self._reminder(comment, left=left, late_since=late_since, dm=True)
        )

    def escalate(self, comment: Comment, *, late_since: datetime | None) -> None:
        if self.slt_channel is None:
            raise DeliveryError("SLT_CHANNEL is not set")
        card = present_comments.escalation_card(
            CommentFacts.of(comment),
            late_since=late_since,
            card_link=self._link(comment),
            zone=self.zone,
            now=self.clock.now(),
        )
        # SLT are addressed the Slack way (their user group, or each member) above the alert.
        addressed = [markdown(self.slt_mention()), *render.blocks(card)]
        self._post(
            self.slt_channel,
            **message(escape(card.summary), addressed),
        )

    def _link(self, item: Comment | Incident) -> str | None:
        if not (item.card_channel and item.card_ts):
            return None
        response = self._call(
            item.card_channel,
            self.client.chat_getPermalink,
            channel=item.card_channel,
            message_ts=item.card_ts,
        )
        return response["permalink"]

    def direct_message(self, user_id: str, payload: dict[str, Any]) -> Posted:
        opened = self._call(user_id, self.client.conversations_open, users=user_id)
        channel = opened["channel"]["id"]
        response = self._post(channel, **payload)
        return Posted(channel=response["channel"], ts=response["ts"])

    def redraw_erased(self, where: Posted, *, record: str) -> None:
        self._call(
            where.channel,
            self.client.chat_update,
            channel=where.channel,
            ts=where.ts,
            **render.render(erased_card(record)),
        )

    # Incidents. Case details never pass through here: cards, steps and alerts carry the kind,
    # urgency, place and time only; the details open in a modal for SLT.

    def _slt_channel(self) -> str:
        if self.slt_channel is None:
            raise DeliveryError("SLT_CHANNEL is not set")
        return self.slt_channel

    def _slt(self) -> Group:
        """SLT as this workspace calls on them: their user group, or each member."""
        return replace(present.SLT, markup=self.slt_mention())

    def _case_card(self, incident: Incident, section: str | None) -> dict[str, Any]:
        view = present.case_card(
            Case.of(incident), section=section, zone=self.zone, slt=self._slt()
        )
        return render.render(view)

    def post_case(self, incident: Incident, *, section: str | None) -> Posted:
        channel = self._slt_channel()
        response = self._post(
            channel,
            **self._case_card(incident, section),
        )
        return Posted(channel=response["channel"], ts=response["ts"])

    def refresh_case(self, incident: Incident, *, section: str | None) -> None:
        if incident.card_channel and incident.card_ts:
            self._call(
                incident.card_channel,
                self.client.chat_update,
                channel=incident.card_channel,
                ts=incident.card_ts,
                **self._case_card(incident, section),
            )

    def post_step(self, incident: Incident, step: AuditEvent) -> None:
        channel = incident.card_channel or self._slt_channel()
        self._post(
            channel,
            thread_ts=incident.card_ts,
            **render.render(present.step_message(Case.of(incident), step, zone=self.zone)),
        )

    def confirm_to_reporter(self, incident: Incident) -> None:
        view = present.reporter_confirmation(Case.of(incident))
        self.direct_message(incident.reporter, render.render(view))

    def tell_reporter(self, incident: Incident, *, status: str) -> None:
        view = present.reporter_update(Case.of(incident), status=status)
        self.direct_message(incident.reporter, render.render(view))

    def urgent_recipients(self) -> tuple[str, ...]:
        try:
            return tuple(sorted(self.slt_members()))
        except LookupFailed as error:
            raise DeliveryError(f"SLT members unknown: {error}") from error

    def media_recipients(self) -> tuple[str, ...]:
        return tuple(self.media_contacts)

    def alert_slt_member(self, incident: Incident, *, member: str) -> None:
        view = present.urgent_alert(Case.of(incident), card_link=self._link(incident))
        self.direct_message(member, render.render(view))

    def alert_media_contact(self, incident: Incident, *, contact: str) -> None:
        self.direct_message(contact, render.render(present.media_alert(Case.of(incident))))

    def case_unreachable(self, incident: Incident, *, who: str, what: str) -> None:
        channel = incident.card_channel or self._slt_channel()
        view = present.unreachable(Case.of(incident), who=who, what=what)
        self._post(channel, thread_ts=incident.card_ts, **render.render(view))

    def comment_unreachable(self, comment: Comment, *, who: str, what: str) -> None:
        view = present_comments.unreachable(CommentFacts.of(comment), who=who, what=what)
        self._post(self._slt_channel(), **render.render(view))

    def reping(self, incident: Incident, *, waited: timedelta) -> None:
        channel = self._slt_channel()
        self._post(
            channel,
            **render.render(present.reping(Case.of(incident), waited=waited, slt=self._slt())),
        )

    def remind_lead(self, incident: Incident, *, idle: timedelta) -> None:
        if incident.lead:
            view = present.lead_reminder(Case.of(incident), idle=idle)
            self.direct_message(incident.lead, render.render(view))

    def chase_platform(self, incident: Incident, *, waiting: timedelta) -> None:
        channel = incident.card_channel or self._slt_channel()
        self._post(
            channel,
            thread_ts=incident.card_ts,
            **render.render(present.platform_chase(Case.of(incident), waiting=waiting)),
        )

    def settings_changed(self, *, actor: str, keys: Sequence[str]) -> None:
        self._post(
            self._slt_channel(), **render.render(present_settings.changed_notice(actor, keys))
        )

    def policy_live(self, *, file_name: str, label: str, by: str | None, rolled_back: bool) -> None:
        card = present_policy.live_notice(
            file_name=file_name, label=label, by=by, rolled_back=rolled_back
        )
        self._post(self._slt_channel(), **render.render(card))

    def policy_review(self, *, due: date, today: date) -> None:
        channel = self._slt_channel()
        self._post(
            channel,
            **knowledge_views.review_reminder(due=due, today=today, mention=self.slt_mention()),
        )

    def digest(self, figures: Figures, *, chart: bytes) -> None:
        """The figures, then the chart in their thread. Once the figures are out the digest
        has been delivered: a failed chart is logged, never a reason to post the figures again."""
        channel = self._slt_channel()
        posted = self._post(channel, **report_views.digest_message(figures))
        try:
            self._call(
                channel,
                self.client.files_upload_v2,
                channel=channel,
                thread_ts=posted["ts"],
                content=chart,
                filename="response-times.png",
                title="Response times, last 8 weeks",
            )
        except DeliveryError as error:
            logger.warning("the digest went out without its chart: %s", error)

    # Questions passed on to SLT --------------------------------------------------------------

    def offers_ask_slt(self) -> bool:
        return self.slt_channel is not None

    def ask_slt(self, question: Question) -> None:
        channel = self._slt_channel()
        card = present_answers.slt_question_card(PassedOn.of(question))
        self._post(channel, **render.render(card))

    def answer_to_asker(self, question: Question) -> None:
        if not question.asked_by or question.slt_answer is None:
            raise DeliveryError("nobody to send SLT's answer to")
        card = present_saved.answer_to_asker_card(question.text, question.slt_answer)
        self.direct_message(question.asked_by, render.render(card))

    def saved_answers_review(self, answers: Sequence[SavedAnswer]) -> None:
        shown = present_saved.review_notice([Saved.of(a, self.zone) for a in answers])
        self._post(self._slt_channel(), **render.render_many(shown))

    # School accounts -------------------------------------------------------------------------

    def account_applied(self, account: SchoolAccount) -> None:
        channel = self._slt_channel()
        card = present_accounts.application_card(Account.of(account))
        self._post(channel, **render.render(card))

    def creation_task(self, account: SchoolAccount) -> None:
        if not self.admin_users:
            raise DeliveryError("ADMIN_USERS is not set: nobody to create the account")
        payload = render.render(present_accounts.create_request_card(Account.of(account)))
        for admin in sorted(self.admin_users):
            self.direct_message(admin, payload)

    def account_decided(self, account: SchoolAccount) -> None:
        view = present_accounts.decision_card(Account.of(account))
        self.direct_message(account.applied_by, render.render(view))

    def handover_task(self, handover: Handover, account: SchoolAccount, *, reminder: int) -> None:
        if not self.admin_users:
            raise DeliveryError("ADMIN_USERS is not set: nobody to hand the account over to")
        task = HandoverTask.of(handover, account)
        for admin in self.admin_users:
            self.direct_message(
                admin, render.render(present_accounts.handover_card(task, reminder=reminder))
            )

    # Second opinions -------------------------------------------------------------------------

    def _review_card(self, review: DraftReview) -> dict[str, Any]:
        card = present_reviews.review_card(Review.of(review), reviewers=self.reviewers())
        return render.render(card)

    def review_requested(self, review: DraftReview) -> Posted:
        channel = self._slt_channel()
        response = self._call(
            channel, self.client.chat_postMessage, channel=channel, **self._review_card(review)
        )
        return Posted(channel=response["channel"], ts=response["ts"])

    def review_decided(self, review: DraftReview) -> None:
        if review.card_channel and review.card_ts:
            self._call(
                review.card_channel,
                self.client.chat_update,
                channel=review.card_channel,
                ts=review.card_ts,
                **self._review_card(review),
            )
        view = present_reviews.decision_card(Review.of(review))
        self.direct_message(review.author, render.render(view))

    def review_reminder(self, review: DraftReview) -> None:
        channel = review.card_channel or self._slt_channel()
        reviewers = " ".join(mention(u) for u in sorted(self.reviewers())) or "SLT:"
        self._post(
            channel,
            thread_ts=review.card_ts,
            **review_views.reminder(Review.of(review), reviewers=reviewers),
        )

    # The policy ------------------------------------------------------------------------------

    def nudge(self, user: str, *, version: str) -> None:
        self.direct_message(user, render.render(present_knowledge.nudge_card(version=version)))

    # The seven-day watch -------------------------------------------------------------------

    def check_in_ask(self, ask: CheckInAsk) -> None:
        self.direct_message(ask.user, render.render(present_rota.ask_card(ask)))

    def check_in_missed(self, missed: CheckInMissed) -> None:
        payload = render.render(present_rota.missed_card(missed))
        if missed.to_slt:
            self._post(self._slt_channel(), **payload)
        else:
            self.direct_message(missed.lead, payload)

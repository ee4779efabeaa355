"""The one port through which the domain sends messages, and the router behind it.

Each front end (Slack, Teams) implements `FrontEnd`. The domain only ever holds a `Notifier`:
the `Router`, which sends each record's messages back through the front end it came from, and
messages with no record of their own (the digest, the policy review, a question for SLT, a
nudge, the saved answers to look at again) through the front end it is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.reports.figures import Figures
from bot.rota.messages import CheckInAsk, CheckInMissed
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


class DeliveryError(Exception):
    """A message could not be delivered even after retries; nothing is recorded as sent."""


class DeliveryDeferred(DeliveryError):
    """Not sent yet, and no failure: the platform can only take it later (its channel is busy
    with a burst). The delivery stays owed for the next sweep, and the try does not count
    towards giving up."""


@dataclass(frozen=True)
class Delivery:
    """The delivery a send belongs to. A front end that can tag its messages tags them with
    `marker`; when `retrying` (an earlier try may have landed, answered too late or cut off by a
    crash) it first looks for a message so tagged and, if there is one, does not send again."""

    marker: str
    retrying: bool


DELIVERY: ContextVar[Delivery | None] = ContextVar("delivery", default=None)
"""Set by the domain around each send (`bot.notices.Ledger`)."""


@dataclass(frozen=True)
class Posted:
    """Where a message landed, so it can be updated or replied to later."""

    channel: str
    ts: str


class FrontEnd(Protocol):
    """Everything the bot sends, through one chat platform."""

    # Comments on the school's accounts -----------------------------------------------------
    def post_card(self, comment: Comment) -> Posted:
        """Post the comment's tracking card where moderators work."""
        ...

    def refresh_card(self, comment: Comment) -> None:
        """Redraw the card in place after the comment changed."""
        ...

    def remind(self, comment: Comment, *, left: timedelta, late_since: datetime | None) -> None:
        """A reminder on the card's thread; `late_since` when it should have gone earlier."""
        ...

    def remind_assignee(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None
    ) -> Posted | None:
        """The same reminder, privately to whoever took the comment on; where it went (it
        quotes the summary, so it is redrawn when the comment is erased)."""
        ...

    def escalate(self, comment: Comment, *, late_since: datetime | None) -> None:
        """Tell SLT the deadline has passed without a reply."""
        ...

    # Incident cases: details only ever reach SLT (channel and DMs) -------------------------
    def post_case(self, incident: Incident, *, section: str | None) -> Posted: ...

    def refresh_case(self, incident: Incident, *, section: str | None) -> None: ...

    def post_step(self, incident: Incident, step: AuditEvent) -> None: ...

    def confirm_to_reporter(self, incident: Incident) -> None: ...

    def tell_reporter(self, incident: Incident, *, status: str) -> None: ...

    def urgent_recipients(self) -> tuple[str, ...]:
        """The SLT members each sent an urgent alert directly."""
        ...

    def media_recipients(self) -> tuple[str, ...]:
        """The school's spokespeople, told of press contact."""
        ...

    def alert_slt_member(self, incident: Incident, *, member: str) -> None: ...

    def alert_media_contact(self, incident: Incident, *, contact: str) -> None: ...

    def reping(self, incident: Incident, *, waited: timedelta) -> None: ...

    def remind_lead(self, incident: Incident, *, idle: timedelta) -> None: ...

    def chase_platform(self, incident: Incident, *, waiting: timedelta) -> None: ...

    def case_unreachable(self, incident: Incident, *, who: str, what: str) -> None:
        """Tell SLT (in the case's thread) that `who` could not be sent the `what`."""
        ...

    def comment_unreachable(self, comment: Comment, *, who: str, what: str) -> None:
        """Tell SLT that `who` could not be sent the comment's `what`."""
        ...

    # Questions the policy did not settle --------------------------------------------------
    def offers_ask_slt(self) -> bool:
        """Whether questions can be passed on to SLT here at all (answers offer Ask SLT)."""
        ...

    def ask_slt(self, question: Question) -> None:
        """Pass on a question its asker (`asked_by`) chose to send to SLT."""
        ...

    def answer_to_asker(self, question: Question) -> None:
        """SLT's reply (`slt_answer`) to the question's asker, by DM."""
        ...

    def saved_answers_review(self, answers: Sequence[SavedAnswer]) -> None:
        """Tell SLT which saved answers were saved against an earlier version of the policy."""
        ...

    # School accounts -----------------------------------------------------------------------
    def account_applied(self, account: SchoolAccount) -> None:
        """Show SLT an application to decide on."""
        ...

    def creation_task(self, account: SchoolAccount) -> None:
        """Ask the administrators to create an account SLT approved, then record it."""
        ...

    def account_decided(self, account: SchoolAccount) -> None:
        """Tell the applicant what SLT decided."""
        ...

    def handover_task(self, handover: Handover, account: SchoolAccount, *, reminder: int) -> None:
        """Ask the administrators to transfer or close an account whose person has left."""
        ...

    # Second opinions on drafts -------------------------------------------------------------
    def review_requested(self, review: DraftReview) -> Posted:
        """Post the draft's card where its reviewers decide."""
        ...

    def review_decided(self, review: DraftReview) -> None:
        """Redraw the draft's card with the outcome, and tell the author."""
        ...

    def review_reminder(self, review: DraftReview) -> None:
        """Remind the reviewers that a draft is waiting."""
        ...

    # The policy ----------------------------------------------------------------------------
    def nudge(self, user: str, *, version: str) -> None:
        """Ask a member of staff to confirm they have read `version` of the policy."""
        ...

    def policy_live(self, *, file_name: str, label: str, by: str | None, rolled_back: bool) -> None:
        """Tell SLT a new version of the policy is in force (`by`: who, when they are here)."""
        ...

    # School-wide notices to SLT ------------------------------------------------------------
    def policy_review(self, *, due: date, today: date) -> None:
        """Tell SLT the policy is due (or overdue) for review."""
        ...

    def digest(self, figures: Figures, *, chart: bytes) -> None:
        """The weekly digest to SLT, with its chart (PNG)."""
        ...

    def redraw_erased(self, where: Posted, *, record: str) -> None:
        """Redraw a message that showed a `record` retention has since erased, without it."""
        ...

    def settings_changed(self, *, actor: str, keys: Sequence[str]) -> None:
        """Tell SLT who changed which of the settings that decide who may do what."""
        ...

    def check_in_ask(self, ask: CheckInAsk) -> None:
        """Ask the person on duty, privately, whether they have checked the account today."""
        ...

    def check_in_missed(self, missed: CheckInMissed) -> None:
        """Tell the account's lead (privately) or SLT (in their channel) that nobody has
        checked the account yet today."""
        ...


class Notifier(Protocol):
    """What the domain sends. Records go back where they came from; notices to SLT go to the
    front end named, one of `front_ends`."""

    @property
    def front_ends(self) -> tuple[str, ...]: ...

    def post_card(self, comment: Comment) -> Posted: ...

    def refresh_card(self, comment: Comment) -> None: ...

    def remind(self, comment: Comment, *, left: timedelta, late_since: datetime | None) -> None: ...

    def remind_assignee(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None
    ) -> Posted | None: ...

    def escalate(self, comment: Comment, *, late_since: datetime | None) -> None: ...

    def post_case(self, incident: Incident, *, section: str | None) -> Posted: ...

    def refresh_case(self, incident: Incident, *, section: str | None) -> None: ...

    def post_step(self, incident: Incident, step: AuditEvent) -> None: ...

    def confirm_to_reporter(self, incident: Incident) -> None: ...

    def tell_reporter(self, incident: Incident, *, status: str) -> None: ...

    def urgent_recipients(self, incident: Incident) -> tuple[str, ...]: ...

    def media_recipients(self, incident: Incident) -> tuple[str, ...]: ...

    def alert_slt_member(self, incident: Incident, *, member: str) -> None: ...

    def alert_media_contact(self, incident: Incident, *, contact: str) -> None: ...

    def reping(self, incident: Incident, *, waited: timedelta) -> None: ...

    def remind_lead(self, incident: Incident, *, idle: timedelta) -> None: ...

    def chase_platform(self, incident: Incident, *, waiting: timedelta) -> None: ...

    def case_unreachable(self, incident: Incident, *, who: str, what: str) -> None: ...

    def comment_unreachable(self, comment: Comment, *, who: str, what: str) -> None: ...

    def offers_ask_slt(self, *, front_end: str) -> bool: ...

    def ask_slt(self, question: Question, *, front_end: str) -> None: ...

    def answer_to_asker(self, question: Question) -> None: ...

    def saved_answers_review(self, *, front_end: str, answers: Sequence[SavedAnswer]) -> None: ...

    def account_applied(self, account: SchoolAccount) -> None: ...

    def creation_task(self, account: SchoolAccount) -> None: ...

    def account_decided(self, account: SchoolAccount) -> None: ...

    def handover_task(
        self, handover: Handover, account: SchoolAccount, *, reminder: int
    ) -> None: ...

    def review_requested(self, review: DraftReview) -> Posted: ...

    def review_decided(self, review: DraftReview) -> None: ...

    def review_reminder(self, review: DraftReview) -> None: ...

    def nudge(self, user: str, *, front_end: str, version: str) -> None: ...

    def policy_live(
        self, *, front_end: str, file_name: str, label: str, by: str | None, rolled_back: bool
    ) -> None: ...

    def policy_review(self, *, front_end: str, due: date, today: date) -> None: ...

    def digest(self, *, front_end: str, figures: Figures, chart: bytes) -> None: ...

    def redraw_erased(self, where: Posted, *, front_end: str, record: str) -> None: ...

    def settings_changed(self, *, front_end: str, actor: str, keys: Sequence[str]) -> None: ...

    def check_in_ask(self, ask: CheckInAsk) -> None: ...

    def check_in_missed(self, missed: CheckInMissed) -> None: ...


class Router:
    """The `Notifier`: each message goes through the front end its record came from."""

    def __init__(self, front_ends: Mapping[str, FrontEnd]) -> None:
        self._front_ends = dict(front_ends)

    @property
    def front_ends(self) -> tuple[str, ...]:
        return tuple(self._front_ends)

    def _to(self, front_end: str) -> FrontEnd:
        found = self._front_ends.get(front_end)
        if found is None:
            raise DeliveryError(f"the {front_end} front end is not configured")
        return found

    def post_card(self, comment: Comment) -> Posted:
        return self._to(comment.front_end).post_card(comment)

    def refresh_card(self, comment: Comment) -> None:
        self._to(comment.front_end).refresh_card(comment)

    def remind(self, comment: Comment, *, left: timedelta, late_since: datetime | None) -> None:
        self._to(comment.front_end).remind(comment, left=left, late_since=late_since)

    def remind_assignee(
        self, comment: Comment, *, left: timedelta, late_since: datetime | None
    ) -> Posted | None:
        return self._to(comment.front_end).remind_assignee(
            comment, left=left, late_since=late_since
        )

    def escalate(self, comment: Comment, *, late_since: datetime | None) -> None:
        self._to(comment.front_end).escalate(comment, late_since=late_since)

    def post_case(self, incident: Incident, *, section: str | None) -> Posted:
        return self._to(incident.front_end).post_case(incident, section=section)

    def refresh_case(self, incident: Incident, *, section: str | None) -> None:
        self._to(incident.front_end).refresh_case(incident, section=section)

    def post_step(self, incident: Incident, step: AuditEvent) -> None:
        self._to(incident.front_end).post_step(incident, step)

    def confirm_to_reporter(self, incident: Incident) -> None:
        self._to(incident.front_end).confirm_to_reporter(incident)

    def tell_reporter(self, incident: Incident, *, status: str) -> None:
        self._to(incident.front_end).tell_reporter(incident, status=status)

    def urgent_recipients(self, incident: Incident) -> tuple[str, ...]:
        return self._to(incident.front_end).urgent_recipients()

    def media_recipients(self, incident: Incident) -> tuple[str, ...]:
        return self._to(incident.front_end).media_recipients()

    def alert_slt_member(self, incident: Incident, *, member: str) -> None:
        self._to(incident.front_end).alert_slt_member(incident, member=member)

    def alert_media_contact(self, incident: Incident, *, contact: str) -> None:
        self._to(incident.front_end).alert_media_contact(incident, contact=contact)

    def reping(self, incident: Incident, *, waited: timedelta) -> None:
        self._to(incident.front_end).reping(incident, waited=waited)

    def remind_lead(self, incident: Incident, *, idle: timedelta) -> None:
        self._to(incident.front_end).remind_lead(incident, idle=idle)

    def chase_platform(self, incident: Incident, *, waiting: timedelta) -> None:
        self._to(incident.front_end).chase_platform(incident, waiting=waiting)

    def case_unreachable(self, incident: Incident, *, who: str, what: str) -> None:
        self._to(incident.front_end).case_unreachable(incident, who=who, what=what)

    def comment_unreachable(self, comment: Comment, *, who: str, what: str) -> None:
        self._to(comment.front_end).comment_unreachable(comment, who=who, what=what)

    def offers_ask_slt(self, *, front_end: str) -> bool:
        found = self._front_ends.get(front_end)
        return found is not None and found.offers_ask_slt()

    def ask_slt(self, question: Question, *, front_end: str) -> None:
        self._to(front_end).ask_slt(question)

    def answer_to_asker(self, question: Question) -> None:
        """Back through the front end the question was passed on from."""
        self._to(question.front_end or "").answer_to_asker(question)

    def saved_answers_review(self, *, front_end: str, answers: Sequence[SavedAnswer]) -> None:
        self._to(front_end).saved_answers_review(answers)

    def account_applied(self, account: SchoolAccount) -> None:
        self._to(account.front_end).account_applied(account)

    def creation_task(self, account: SchoolAccount) -> None:
        self._to(account.front_end).creation_task(account)

    def account_decided(self, account: SchoolAccount) -> None:
        self._to(account.front_end).account_decided(account)

    def handover_task(self, handover: Handover, account: SchoolAccount, *, reminder: int) -> None:
        self._to(handover.front_end).handover_task(handover, account, reminder=reminder)

    def review_requested(self, review: DraftReview) -> Posted:
        return self._to(review.front_end).review_requested(review)

    def review_decided(self, review: DraftReview) -> None:
        self._to(review.front_end).review_decided(review)

    def review_reminder(self, review: DraftReview) -> None:
        self._to(review.front_end).review_reminder(review)

    def nudge(self, user: str, *, front_end: str, version: str) -> None:
        self._to(front_end).nudge(user, version=version)

    def policy_live(
        self, *, front_end: str, file_name: str, label: str, by: str | None, rolled_back: bool
    ) -> None:
        self._to(front_end).policy_live(
            file_name=file_name, label=label, by=by, rolled_back=rolled_back
        )

    def policy_review(self, *, front_end: str, due: date, today: date) -> None:
        self._to(front_end).policy_review(due=due, today=today)

    def digest(self, *, front_end: str, figures: Figures, chart: bytes) -> None:
        self._to(front_end).digest(figures, chart=chart)

    def redraw_erased(self, where: Posted, *, front_end: str, record: str) -> None:
        self._to(front_end).redraw_erased(where, record=record)

    def settings_changed(self, *, front_end: str, actor: str, keys: Sequence[str]) -> None:
        self._to(front_end).settings_changed(actor=actor, keys=keys)

    def check_in_ask(self, ask: CheckInAsk) -> None:
        self._to(ask.front_end).check_in_ask(ask)

    def check_in_missed(self, missed: CheckInMissed) -> None:
        self._to(missed.front_end).check_in_missed(missed)

"""The tables, in SQLAlchemy 2.0 typed style. Times are aware UTC (`UTCDateTime`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store.tenancy import SchoolOwned, current
from store.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class School(Base):
    """One school the deployment serves, and how each front end names it: the Slack workspace
    (or Enterprise Grid organisation, for an org-wide install) and the Microsoft Entra tenant.
    A deployment for one school has just the first."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slack_workspace: Mapped[str | None] = mapped_column(String(32), unique=True)
    teams_tenant: Mapped[str | None] = mapped_column(String(100), unique=True)
    trust: Mapped[str | None] = mapped_column(String(200))
    trust_hub: Mapped[bool] = mapped_column(Boolean, default=False)  # its digest shows the trust
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Question(SchoolOwned, Base):
    """A question put to the policy search, kept so SLT can see what the policy fails to answer.

    Who asked is not kept unless they chose to send the question on to SLT.
    """

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    best_section: Mapped[str | None] = mapped_column(String(500))
    confident: Mapped[bool] = mapped_column(Boolean)
    policy_version: Mapped[str] = mapped_column(String(200))
    feedback: Mapped[int | None] = mapped_column(SmallInteger)
    asked_by: Mapped[str | None] = mapped_column(String(32))
    sent_to_slt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    front_end: Mapped[str | None] = mapped_column(String(10))  # the asker's, once sent to SLT
    saved_answer_id: Mapped[int | None]  # the school's saved answer it was given first
    slt_answer: Mapped[str | None] = mapped_column(Text)  # SLT's reply to the asker
    slt_answered_by: Mapped[str | None] = mapped_column(String(64))
    slt_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    slt_answer_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_questions_confident_asked_at", "confident", "asked_at"),
        Index("ix_questions_slt_answer_pending", "slt_answer_sent_at", "slt_answered_at"),
    )


class SavedAnswer(SchoolOwned, Base):
    """SLT's answer to a question, saved as the school's: later questions that mean the same get
    it first. School content, not personal data: it never names who asked. Stamped with the
    policy version (`version_key`) it was saved against; a new version flags it for SLT to look
    at again. Removing it keeps the row, as the record of who removed it and when.
    """

    __tablename__ = "saved_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(500))  # the policy section's path
    version_key: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str] = mapped_column(String(200))
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    needs_review_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by: Mapped[str | None] = mapped_column(String(64))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_saved_answers_removed_at", "removed_at"),)


class Comment(SchoolOwned, Base):
    """A comment, query or complaint received on a school account, and its reply deadline.

    `next_notice_at` is when the sweep next has something to send for it (its card, a
    reminder, the escalation); NULL once nothing is left, so settled comments cost the sweep
    nothing however many there are.
    """

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(40))
    account: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(20))
    link: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text)
    offensive: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    logged_by: Mapped[str] = mapped_column(String(64))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assignee: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="open")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by: Mapped[str | None] = mapped_column(String(64))
    response: Mapped[str | None] = mapped_column(String(40))
    response_note: Mapped[str | None] = mapped_column(Text)
    card_channel: Mapped[str | None] = mapped_column(String(64))
    card_ts: Mapped[str | None] = mapped_column(String(64))
    next_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    front_end: Mapped[str] = mapped_column(String(10), default="slack")  # where it was logged

    __table_args__ = (
        Index("ix_comments_school_next_notice_at", "school_id", "next_notice_at"),
        Index("ix_comments_next_notice_at", "next_notice_at"),
        Index("ix_comments_status_due_at", "status", "due_at"),
    )


class CommentNotice(SchoolOwned, Base):
    """One delivery the sweep owes for a comment (its card, a reminder, the assignee's DM, the
    escalation): claimed before it is sent, then marked sent, or given up after its retries."""

    __tablename__ = "comment_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(120))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (UniqueConstraint("comment_id", "kind", name="uq_comment_notices_kind"),)


class Incident(SchoolOwned, Base):
    """A report to SLT and the case they run on it.

    `details` holds personal data about children: it is shown only to SLT (and read back by
    nobody else), and is erased when the case moves to the school's safeguarding system.
    `version` rises with every change, so a stale button press can be refused.
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    submission_key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    platform: Mapped[str] = mapped_column(String(40))
    account_type: Mapped[str] = mapped_column(String(20))
    link: Mapped[str | None] = mapped_column(String(500))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    involved: Mapped[str] = mapped_column(String(200))  # roles, comma-separated; never names
    details: Mapped[str | None] = mapped_column(Text)
    actions_taken: Mapped[str] = mapped_column(String(200))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="reported")
    lead: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    severity: Mapped[str | None] = mapped_column(String(20))
    staff_involved: Mapped[str | None] = mapped_column(Text)
    agencies: Mapped[str | None] = mapped_column(String(200))
    assessment_note: Mapped[str | None] = mapped_column(Text)
    external_agency: Mapped[str | None] = mapped_column(String(40))
    external_reference: Mapped[str | None] = mapped_column(String(100))
    external_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform_report_reference: Mapped[str | None] = mapped_column(String(100))
    platform_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform_outcome: Mapped[str | None] = mapped_column(String(20))
    safeguarding_reference: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(40))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reporter_told: Mapped[str | None] = mapped_column(String(40))  # last status they were sent
    version: Mapped[int] = mapped_column(default=1)
    card_channel: Mapped[str | None] = mapped_column(String(64))
    card_ts: Mapped[str | None] = mapped_column(String(64))
    next_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    front_end: Mapped[str] = mapped_column(String(10), default="slack")  # where it was reported
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)  # exempt from retention

    __table_args__ = (
        Index("ix_incidents_school_next_notice_at", "school_id", "next_notice_at"),
        Index("ix_incidents_next_notice_at", "next_notice_at"),
        Index("ix_incidents_reporter", "reporter"),
        Index("ix_incidents_status", "status"),
        UniqueConstraint("school_id", "reference", name="uq_incidents_school_reference"),
        UniqueConstraint("school_id", "submission_key", name="uq_incidents_school_submission"),
    )


class IncidentCounter(SchoolOwned, Base):
    """The last reference number given out in a year: INC-<year>-<n>."""

    __tablename__ = "incident_counters"

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id"), primary_key=True, default=lambda: current()
    )
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class IncidentNotice(SchoolOwned, Base):
    """One delivery the sweep owes for a case (its card, each person's alert, a re-ping, a
    reminder): claimed before it is sent, then marked sent, or given up after its retries."""

    __tablename__ = "incident_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(120))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (UniqueConstraint("incident_id", "kind", name="uq_incident_notices_kind"),)


class AuditEvent(SchoolOwned, Base):
    """One change to (or view of) a case: who, when, what. Rows are only ever added.

    The rows form a hash chain in id order (`bot.incidents.audit`): `digest` covers the previous
    row's digest, the case, time and action, and `content_hash`, a hash of the actor and summary
    salted with `salt`. When retention anonymises a case, its rows' actor and summary are
    replaced and `salt` is cleared (the database allows no other change); `content_hash` stays,
    so the chain still verifies without keeping anything that identifies the people.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    salt: Mapped[str | None] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_events_incident_id", "incident_id", "at"),)


class AuditHead(Base):
    """The end of the audit chain: one row, locked by each writer so the chain cannot fork, and
    counting the entries so one removed from the end is noticed too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entries: Mapped[int] = mapped_column(default=0)
    digest: Mapped[str] = mapped_column(String(64), default="")


class TeamsConversation(SchoolOwned, Base):
    """Where the bot can write in Teams later: stored when it is installed or spoken to.

    A personal chat also names its user, so reminders and confirmations can reach them.
    """

    __tablename__ = "teams_conversations"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)  # the conversation id
    kind: Mapped[str] = mapped_column(String(20))  # personal, channel or groupChat
    service_url: Mapped[str] = mapped_column(String(500))
    tenant_id: Mapped[str | None] = mapped_column(String(100))
    bot_id: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(String(100), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamsPerson(SchoolOwned, Base):
    """A Teams user's display name, so cards can name the people in a case, and their account id
    in the bot's eyes (`29:…`), so the bot can open a personal chat with them unasked."""

    __tablename__ = "teams_people"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # Entra object id
    name: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(String(200))


class PolicyAcknowledgement(SchoolOwned, Base):
    """A member of staff confirming they have read one version of the policy."""

    __tablename__ = "policy_acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100))
    front_end: Mapped[str] = mapped_column(String(10))
    version_key: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint(
            "school_id", "user_id", "front_end", "version_key", name="uq_policy_acknowledgement"
        ),
    )


class PolicyNotice(SchoolOwned, Base):
    """A one-off message to the school (the weekly digest, a review reminder), keyed so it goes
    once: claimed before it is sent, and marked sent with the claim."""

    __tablename__ = "policy_notices"

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id"), primary_key=True, default=lambda: current()
    )
    kind: Mapped[str] = mapped_column(String(100), primary_key=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RetentionEvent(SchoolOwned, Base):
    """A record deleted or anonymised when its retention period ended: what, when, which rule.
    Never the content."""

    __tablename__ = "retention_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    record_type: Mapped[str] = mapped_column(String(20))
    record: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))  # deleted or anonymised
    rule: Mapped[str] = mapped_column(String(100))


class SchoolAccount(SchoolOwned, Base):
    """A school social media account: applied for, approved by SLT, created by an administrator,
    handed over when its people leave. Credentials are never stored, only where they are kept."""

    __tablename__ = "school_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(40))
    handle: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(String(64))
    moderators: Mapped[str] = mapped_column(String(500), default="")  # user ids, comma-separated
    monitoring: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    applied_by: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    credentials_kept: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)
    front_end: Mapped[str] = mapped_column(String(10), default="slack")  # whose user ids it holds

    __table_args__ = (Index("ix_school_accounts_status", "status"),)


class Handover(SchoolOwned, Base):
    """An account whose lead or moderator has left: open until an administrator transfers or
    closes it, and reminded until then."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("school_accounts.id", ondelete="CASCADE"))
    departed: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(20))
    next_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(default=0)
    front_end: Mapped[str] = mapped_column(String(10), default="slack")  # its account's

    __table_args__ = (
        Index("ix_handovers_school_next_notice_at", "school_id", "next_notice_at"),
        Index("ix_handovers_next_notice_at", "next_notice_at"),
    )


class DraftReview(SchoolOwned, Base):
    """A draft post or reply awaiting a second opinion before it goes out."""

    __tablename__ = "draft_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(Text)
    draft: Mapped[str] = mapped_column(Text)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20))  # pending, approved, returned
    reviewer: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    card_channel: Mapped[str | None] = mapped_column(String(64))
    card_ts: Mapped[str | None] = mapped_column(String(64))
    next_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    front_end: Mapped[str] = mapped_column(String(10), default="slack")

    __table_args__ = (
        Index("ix_draft_reviews_school_next_notice_at", "school_id", "next_notice_at"),
        Index("ix_draft_reviews_next_notice_at", "next_notice_at"),
    )


class ReviewEvent(SchoolOwned, Base):
    """One step of a review (submitted, approved, sent back): who, when, what."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("draft_reviews.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)


class SchoolSetting(SchoolOwned, Base):
    """A setting the school changed in chat; it wins over the environment's first value.
    `value` is JSON; `key` is dotted ("slack.slt", "timezone")."""

    __tablename__ = "school_settings"

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id"), primary_key=True, default=lambda: current()
    )
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SchoolSettingChange(SchoolOwned, Base):
    """One change to the school's settings: who, when, from what, to what. Rows are only ever
    added (the database refuses anything else); the newest id is the settings' revision, which
    every instance watches, and `digest` chains each change to the one before
    (`bot.setup.service.link`)."""

    __tablename__ = "school_setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    front_end: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))


class Submission(SchoolOwned, Base):
    """A form submission already taken in: who submitted which form (a hash, so no one's id is
    kept here) and the record it made. A retried or replayed submission finds it and is answered
    from that record instead of making a second one."""

    __tablename__ = "submissions"

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id"), primary_key=True, default=lambda: current()
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    record: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CardRedraw(SchoolOwned, Base):
    """A message that carried a comment's summary (its card, the assignee's reminder DMs) or a
    draft's text (its review card). Recorded when it is sent; once retention erases the record,
    `due_at` is set and the `erased-messages` sweep redraws the message without it, claimed
    before the call and marked after, so each is redrawn once and a failure is retried."""

    __tablename__ = "card_redraws"

    id: Mapped[int] = mapped_column(primary_key=True)
    front_end: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(200))
    ts: Mapped[str] = mapped_column(String(64))
    record: Mapped[str] = mapped_column(String(20))  # comment, review
    record_id: Mapped[int]  # no foreign key: the row outlives the record, to redraw its cards
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(default=0)
    redrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_card_redraws_school_due_at", "school_id", "due_at"),
        Index("ix_card_redraws_record", "record", "record_id"),
        Index("ix_card_redraws_due_at", "due_at"),
    )


class JobRun(Base):
    """The last run of one scheduled sweep, whichever instance ran it: when it last started,
    last finished, last failed and the failure's exception class (never its message, which
    could quote a record). One row per job, upserted at the end of each run."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    every_seconds: Mapped[float]
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class PolicyVersion(SchoolOwned, Base):
    """One version of the school's policy as uploaded: the file itself, who uploaded it and who
    confirmed it (or cancelled it at the preview). Which version is live is in `PolicySwitch`."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    version_key: Mapped[str] = mapped_column(String(32))  # what acknowledgements are stamped with
    label: Mapped[str] = mapped_column(String(200))  # the version staff are told of
    front_end: Mapped[str] = mapped_column(String(10))  # where it was uploaded ("setup" at start)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by: Mapped[str | None] = mapped_column(String(100))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PolicySwitch(SchoolOwned, Base):
    """A version going live: imported at the first start, confirmed after its preview, or rolled
    back to. Only ever added to: the newest row names the live version, for every instance."""

    __tablename__ = "policy_switches"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    kind: Mapped[str] = mapped_column(String(16))  # "import", "confirm" or "rollback"
    by: Mapped[str] = mapped_column(String(100))
    front_end: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class RotaPlace(SchoolOwned, Base):
    """One person's place on a school account's watch for one kind of day (weekdays, weekends,
    school holidays, bank holidays): the first on a day's list is asked, the next if they
    can't. Replaced whole when the lead or SLT save the rota."""

    __tablename__ = "rota_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("school_accounts.id", ondelete="CASCADE"))
    day_kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    user_id: Mapped[str] = mapped_column(String(64))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_rota_places_account", "account_id", "day_kind", "position"),)


class RotaAbsence(SchoolOwned, Base):
    """Someone on a watch who is away on a day, and who covers for them if anyone: recorded
    with who said so and when. Withdrawn absences keep their row (`withdrawn_at`)."""

    __tablename__ = "rota_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("school_accounts.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    user_id: Mapped[str] = mapped_column(String(64))
    cover: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_rota_absences_day", "account_id", "day"),)


class CheckIn(SchoolOwned, Base):
    """One account's check on one day: who is asked now, who answered and how, and when the
    lead and SLT were told it was missed. The database's word on what is owed: every ask and
    alert is claimed before it is sent (`bot.notices.send_once`)."""

    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("school_accounts.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    day_kind: Mapped[str] = mapped_column(String(20))
    scheduled: Mapped[str | None] = mapped_column(String(64))  # who the rota put first
    asking: Mapped[str | None] = mapped_column(String(64))  # who is asked now
    declined: Mapped[str] = mapped_column(String(500), default="")  # "can't today", in order
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, checked, missed
    checked_by: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))  # nothing_new, logged
    lead_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    slt_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        UniqueConstraint("school_id", "account_id", "day", name="uq_check_ins_day"),
        Index("ix_check_ins_day", "day", "status"),
    )


class SchoolHoliday(SchoolOwned, Base):
    """A school holiday (half term, the summer, an INSET day): the days from `first` to `last`
    that are not term time. Entered in chat or imported from the school's calendar file."""

    __tablename__ = "school_holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_school_holidays_first", "first", "last"),)

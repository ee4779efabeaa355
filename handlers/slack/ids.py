"""Every callback, block and action id, shared by the views that set them and the listeners
that read them, so the two can never drift apart."""

from __future__ import annotations

from enum import StrEnum

COMMAND = "/socialpolicy"
FRONT_END = "slack"  # how records made here are marked, so their messages come back here


class Action(StrEnum):
    WHOLE_SECTION = "answer.whole_section"
    ASK_SLT = "answer.ask_slt"
    HELPFUL = "answer.helpful"
    NOT_HELPFUL = "answer.not_helpful"
    SHARE = "answer.share"
    HOME_SECTION = "home.section"


class Callback(StrEnum):
    SECTION_MODAL = "section.view"


class CommentAction(StrEnum):
    RESPOND = "comment.respond"
    ASSIGN = "comment.assign"
    LOG = "comment.log_open"


class CommentCallback(StrEnum):
    LOG = "comment.log"
    RESPONDED = "comment.responded"
    FROM_MESSAGE = "comment.log_from_message"  # the message shortcut, as in manifest.yaml


class IncidentAction(StrEnum):
    OPEN_REPORT = "incident.open_report"
    AT_RISK = "incident.at_risk"
    DETAILS = "incident.details"
    TAKE_LEAD = "incident.take_lead"
    ASSESS = "incident.assess"
    ESCALATE = "incident.escalate"
    PLATFORM_OUTCOME = "incident.platform_outcome"
    RESOLVE = "incident.resolve"
    REOPEN = "incident.reopen"
    HAND_OFF = "incident.hand_off"
    LEGAL_HOLD = "incident.legal_hold"


class IncidentCallback(StrEnum):
    REPORT = "incident.report"
    FROM_MESSAGE = "incident.report_from_message"  # message shortcut, as in manifest.yaml
    GLOBAL = "incident.report_global"  # global shortcut, as in manifest.yaml
    ASSESS = "incident.assess_submit"
    ESCALATE = "incident.escalate_submit"
    PLATFORM_OUTCOME = "incident.platform_outcome_submit"
    RESOLVE = "incident.resolve_submit"
    HAND_OFF = "incident.hand_off_submit"


class KnowledgeAction(StrEnum):
    ACKNOWLEDGE = "knowledge.acknowledge"
    NUDGE = "knowledge.nudge"


class AccountAction(StrEnum):
    APPROVE = "account.approve"
    DECLINE = "account.decline"
    MARK_CREATED = "account.mark_created"
    HANDOVER = "account.handover"


class AccountCallback(StrEnum):
    APPLY = "account.apply"
    DECLINE = "account.decline_submit"
    CREATED = "account.created_submit"
    HANDOVER = "account.handover_submit"


class ReviewAction(StrEnum):
    OPEN = "review.open"
    APPROVE = "review.approve"
    SEND_BACK = "review.send_back"


class ReviewCallback(StrEnum):
    SUBMIT = "review.submit"
    SEND_BACK = "review.send_back_submit"

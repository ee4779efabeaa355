"""Every button's verb, the same id in Slack (`action_id`) and Teams (`verb`): what the view
models offer and what the listeners of both front ends dispatch on."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    WHOLE_SECTION = "answer.whole_section"
    ASK_SLT = "answer.ask_slt"
    HELPFUL = "answer.helpful"
    NOT_HELPFUL = "answer.not_helpful"
    SHARE = "answer.share"
    HOME_SECTION = "home.section"


class CommentAction(StrEnum):
    RESPOND = "comment.respond"
    ASSIGN = "comment.assign"
    LOG = "comment.log_open"


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


class KnowledgeAction(StrEnum):
    ACKNOWLEDGE = "knowledge.acknowledge"
    NUDGE = "knowledge.nudge"


class AccountAction(StrEnum):
    APPLY = "account.apply"
    APPROVE = "account.approve"
    DECLINE = "account.decline"
    MARK_CREATED = "account.mark_created"
    HANDOVER = "account.handover"


class ReviewAction(StrEnum):
    OPEN = "review.open"
    APPROVE = "review.approve"
    SEND_BACK = "review.send_back"


class TeachAction(StrEnum):
    """SLT teaching the bot: answering a question passed on, and looking after saved answers."""

    REPLY = "teach.slt_reply"
    EDIT = "teach.edit_saved"
    REMOVE = "teach.remove_saved"
    STILL_HOLDS = "teach.still_holds"


class SetupAction(StrEnum):
    """The school's settings: each opens its form."""

    PEOPLE = "setup.settings_people"
    SCHOOL = "setup.settings_school"


class PolicyVersionAction(StrEnum):
    """SLT managing the policy's versions: the preview's buttons, rollback and the upload form."""

    CONFIRM = "policy_version.confirm"
    CANCEL = "policy_version.cancel"
    ROLL_BACK = "policy_version.roll_back"
    UPLOAD = "policy_version.upload"  # App Home's button: the form with a file input (Slack)


class RotaAction(StrEnum):
    """The seven-day watch: the daily check-in's answers, and the forms of the rota."""

    CHECKED = "rota.checked"
    LOGGING = "rota.logging"  # checked, and comments to log: opens the comment log
    CANT = "rota.cant"
    OPEN_ROTA = "rota.open_rota"
    ABSENCE = "rota.absence"
    HOLIDAYS = "rota.holidays"

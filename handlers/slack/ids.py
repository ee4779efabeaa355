"""Slack's own ids: the command, and the callback ids of its modals, shared by the views that
set them and the listeners that read them. Button verbs are in `handlers.present.verbs`."""

from __future__ import annotations

from enum import StrEnum

COMMAND = "/socialpolicy"
FRONT_END = "slack"  # how records made here are marked, so their messages come back here


class Callback(StrEnum):
    SECTION_MODAL = "section.view"


class CommentCallback(StrEnum):
    LOG = "comment.log"
    RESPONDED = "comment.responded"
    FROM_MESSAGE = "comment.log_from_message"  # the message shortcut, as in manifest.yaml


class IncidentCallback(StrEnum):
    REPORT = "incident.report"
    FROM_MESSAGE = "incident.report_from_message"  # message shortcut, as in manifest.yaml
    GLOBAL = "incident.report_global"  # global shortcut, as in manifest.yaml
    ASSESS = "incident.assess_submit"
    ESCALATE = "incident.escalate_submit"
    PLATFORM_OUTCOME = "incident.platform_outcome_submit"
    RESOLVE = "incident.resolve_submit"
    HAND_OFF = "incident.hand_off_submit"


class AccountCallback(StrEnum):
    APPLY = "account.apply"
    DECLINE = "account.decline_submit"
    CREATED = "account.created_submit"
    HANDOVER = "account.handover_submit"


class ReviewCallback(StrEnum):
    SUBMIT = "review.submit"
    SEND_BACK = "review.send_back_submit"


class TeachCallback(StrEnum):
    REPLY = "teach.reply_submit"
    EDIT = "teach.edit_submit"
    REMOVE = "teach.remove_submit"


class SetupCallback(StrEnum):
    PEOPLE = "setup.people_submit"
    SCHOOL = "setup.school_submit"


class PolicyCallback(StrEnum):
    UPLOAD = "policy_version.upload_submit"


class RotaCallback(StrEnum):
    ROTA = "rota.rota_submit"
    ABSENCE = "rota.absence_submit"
    HOLIDAYS = "rota.holidays_submit"

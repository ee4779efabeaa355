"""Every callback, block and action id, shared by the views that set them and the listeners
that read them, so the two can never drift apart."""

from __future__ import annotations

from enum import StrEnum

COMMAND = "/socialpolicy"


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
    REPORT = "comment.report"
    LOG = "comment.log_open"


class CommentCallback(StrEnum):
    LOG = "comment.log"
    RESPONDED = "comment.responded"
    FROM_MESSAGE = "comment.log_from_message"  # the message shortcut, as in manifest.yaml

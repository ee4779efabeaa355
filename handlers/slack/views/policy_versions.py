"""The form SLT upload a new version of the policy with, from App Home."""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from handlers.present import policy_versions as present
from handlers.slack.ids import PolicyCallback
from handlers.slack.views.common import markdown

FILE = "file"  # the file input's block and action id
FILE_TYPES = ["pdf", "docx", "md", "markdown", "txt", "html", "htm"]


def upload_modal() -> View:
    return View(
        type="modal",
        callback_id=PolicyCallback.UPLOAD,
        title=present.UPLOAD_TITLE,
        submit="Preview",
        close="Cancel",
        blocks=[
            markdown(present.UPLOAD_FORM_HINT),
            InputBlock(
                block_id=FILE,
                label="Policy file",
                element=FileInputElement(action_id=FILE, filetypes=FILE_TYPES, max_files=1),
            ),
        ],
    )

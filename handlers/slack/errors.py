"""The one place unexpected errors are caught: logged with an id the user can quote."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt import App, BoltResponse

from handlers.slack.views.common import ephemeral_text

logger = logging.getLogger(__name__)


def register(app: App) -> None:
    app.error(on_error)


def on_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse | None:
    reference = uuid.uuid4().hex[:8]
    logger.exception("unhandled error %s", reference, exc_info=error)
    if body.get("response_url"):
        try:
            respond(
                **ephemeral_text(
                    f"Sorry, something went wrong on my side (reference `{reference}`). "
                    "Please try again, or tell your IT lead and quote the reference."
                ),
                response_type="ephemeral",
                replace_original=False,
            )
        except Exception:  # the reply is a courtesy; the error is already logged
            logger.warning("could not tell the user about error %s", reference)
    return None

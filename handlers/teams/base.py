"""What every Teams listener shares: the domain's services, roles, where to send, and the
plumbing that turns an activity into domain work and a card into a response."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from microsoft_teams.api import (
    AdaptiveCardAttachment,
    CardTaskModuleTaskInfo,
    MessageActivityInput,
    TaskModuleContinueResponse,
    TaskModuleMessageResponse,
    TaskModuleResponse,
    card_attachment,
)
from microsoft_teams.apps import ActivityContext
from microsoft_teams.cards import AdaptiveCard

from bot import validation
from bot.ports import DeliveryError
from bot.roles import Roles
from bot.services import Services
from bot.submissions import Key
from handlers.teams import cards
from handlers.teams.conversations import TeamsDirectory
from handlers.teams.notifier import TeamsNotifier

logger = logging.getLogger(__name__)

FRONT_END = "teams"
INSTANCE = "submission"
"""The id of one opening of a dialog, in its form's data: Teams sends it back with the
submission, so a replayed or resent submission is known as the same one (`bot.submissions`)."""
T = TypeVar("T")
UNSAFE_FORM = (
    "Some of what was typed can't be stored ({fields}). Nothing was saved: open the form again "
    "and retype it."
)


def tidy(data: Any) -> dict[str, Any]:
    """Card or dialog data as the listeners expect it: a list or object where text is expected
    is dropped (the field is then missing), numbers become text as inputs send them, and text is
    cleaned. Ids are read with `record_id`."""
    if not isinstance(data, dict):
        return {}
    tidied: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, bool) or value is None:
            tidied[key] = value
        elif isinstance(value, int | float):  # as an input would send it back
            tidied[key] = str(value)
        elif isinstance(value, str):
            tidied[key] = validation.clean(value)
    return tidied


def submission(name: str, data: dict[str, Any], *, user: str, activity_id: str | None) -> Key:
    """Who submitted which opening of dialog `name`: the instance id the dialog was opened with,
    or, from a form opened before dialogs carried one, the activity's own id (which a resent
    invoke keeps)."""
    instance = str(data.get(INSTANCE) or "") or f"activity:{activity_id or uuid.uuid4().hex}"
    return Key(FRONT_END, user, name, instance)


def with_instance(content: cards.Card, instance: str | None = None) -> cards.Card:
    """The dialog's form with an instance id in each submit button's data: a new one for a
    dialog just opened, the same one for a form shown again to be corrected."""
    instance = instance or uuid.uuid4().hex
    for action in content.get("actions", []):
        data = action.get("data")
        # A button opening another dialog (`msteams`) is not this form's.
        if (
            action.get("type") == "Action.Submit"
            and isinstance(data, dict)
            and "msteams" not in data
        ):
            data[INSTANCE] = instance
    return content


def record_id(data: dict[str, Any], key: str) -> int:
    """The id of the record `key` names; 0 (no such record, so "no longer available") for
    letters, a list or a number too big for the database."""
    return validation.record_id(data.get(key)) or 0


class TeamsTurns:
    def __init__(
        self,
        services: Services,
        roles: Roles,
        notifier: TeamsNotifier,
        directory: TeamsDirectory,
        follow_ups: Executor,
    ) -> None:
        self.follow_ups = follow_ups
        self.directory = directory
        self.services = services
        self.roles = roles
        self.notifier = notifier

    @property
    def zone(self) -> ZoneInfo:
        """The school's time zone as it is set now."""
        return self.services.zone

    async def _answer_first(
        self,
        work: Callable[..., T],
        /,
        *,
        then: Callable[[T], object] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run a domain action that answers through `reply` before it delivers (as Slack's
        listeners `ack()` first) on the bounded follow-up pool, and return what it answered as
        soon as it does: Teams waits about 15 seconds for an invoke's response, and proactive
        messages to a slow or failing Teams must not spend them. What it raises before
        answering is raised here; its deliveries carry on in the pool, and `then` is given
        what it returns once they are done."""
        loop = asyncio.get_running_loop()
        answered: asyncio.Future[Any] = loop.create_future()  # what `work` replied

        def settle(value: Any, error: BaseException | None = None) -> None:
            if answered.done():
                return
            if error is not None:
                answered.set_exception(error)
            else:
                answered.set_result(value)

        def run() -> None:
            try:
                done = work(reply=lambda value: loop.call_soon_threadsafe(settle, value), **kwargs)
            except BaseException as error:
                loop.call_soon_threadsafe(settle, None, error)
                return
            if then is not None:
                then(done)

        self.follow_ups.submit(run)
        return await answered

    def _tell_unless(self, went: bool, user: str, message: str) -> None:
        """After the invoke was answered: unless what it owed `went`, say so to `user` by DM
        (not being able to send that either is only logged)."""
        if went:
            return
        try:
            self.notifier.direct_message(user, cards.note_card(message))
        except DeliveryError as error:
            logger.warning("a follow-up note was not delivered: %s", error)

    def _names(self) -> Callable[[str], str]:
        return self.directory.name

    async def _remember(self, ctx: ActivityContext[Any]) -> str:
        sender = ctx.activity.from_
        if sender.name:  # shown and kept: what can't be stored is taken out
            sender.name = validation.clean(sender.name)
        now = self.services.clock.now()
        return await asyncio.to_thread(self.directory.remember, ctx.activity, now=now)

    @staticmethod
    def _dialog(
        title: str, content: cards.Card, *, again: dict[str, Any] | None = None
    ) -> TaskModuleResponse:
        """A dialog showing `content`; its form carries an instance id (`again`: the submitted
        data of a form shown again to be corrected, which keeps its id)."""
        content = with_instance(content, str((again or {}).get(INSTANCE) or "") or None)
        attachment = card_attachment(
            AdaptiveCardAttachment(content=AdaptiveCard.model_validate(content))
        )
        return TaskModuleResponse(
            task=TaskModuleContinueResponse(
                value=CardTaskModuleTaskInfo(title=title, card=attachment)
            )
        )

    @staticmethod
    def _done(message: str) -> TaskModuleResponse:
        return TaskModuleResponse(task=TaskModuleMessageResponse(value=message))

    @staticmethod
    def _message(content: cards.Card) -> MessageActivityInput:
        return MessageActivityInput().add_card(AdaptiveCard.model_validate(content))

    def _moment(self, data: dict[str, Any], field: str) -> datetime | None:
        try:
            day = date.fromisoformat(str(data.get(f"{field}_date", "")))
            clock = time.fromisoformat(str(data.get(f"{field}_time", ""))[:5])
        except ValueError:
            return None
        return datetime.combine(day, clock, tzinfo=self.zone)

    @staticmethod
    def _set(data: dict[str, Any], field: str) -> frozenset[str]:
        return frozenset(v for v in str(data.get(field) or "").split(",") if v)

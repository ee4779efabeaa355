"""School accounts in Slack: apply, SLT decide, administrators create, hand over, the register.

Each listener reads the form or button, calls `bot.accounts.actions` (which tells SLT, the
administrators and the applicant through the notifier) and shows the outcome.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.accounts import actions
from bot.accounts.actions import Account, InvalidForm
from bot.accounts.service import AccountError, Application, Field
from bot.services import Services
from handlers.present import accounts as present
from handlers.present.verbs import AccountAction
from handlers.slack import forms, render
from handlers.slack.ids import COMMAND, FRONT_END, AccountCallback
from handlers.slack.replies import private
from handlers.slack.views import accounts as views
from handlers.slack.views.common import ephemeral_text

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def register(app: App, services: Services) -> None:
    app.action(AccountAction.APPLY)(lambda ack, body, client: open_application(ack, body, client))
    app.view(AccountCallback.APPLY)(
        lambda ack, body, view: submit_application(ack, body, view, services)
    )
    app.action(AccountAction.APPROVE)(
        lambda ack, body, action, client, respond: approve(
            ack, body, action, client, respond, services
        )
    )
    app.action(AccountAction.DECLINE)(
        lambda ack, body, action, client, respond: open_decline(
            ack, body, action, client, respond, services
        )
    )
    app.view(AccountCallback.DECLINE)(
        lambda ack, body, view: submit_decline(ack, body, view, services)
    )
    app.action(AccountAction.MARK_CREATED)(
        lambda ack, body, action, client, respond: open_created(
            ack, body, action, client, respond, services
        )
    )
    app.view(AccountCallback.CREATED)(
        lambda ack, body, view: submit_created(ack, body, view, services)
    )
    app.action(AccountAction.HANDOVER)(
        lambda ack, body, action, client, respond: open_handover(
            ack, body, action, client, respond, services
        )
    )
    app.view(AccountCallback.HANDOVER)(
        lambda ack, body, view: submit_handover(ack, body, view, services)
    )
    app.event("user_change")(lambda event: user_changed(event, services))


def open_application(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """`/socialpolicy apply`, or the register's Apply button."""
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=views.apply_modal())


def submit_application(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    values = forms.values(view)
    form = Application(
        platform=values.get(Field.PLATFORM),
        handle=values.get(Field.HANDLE) or "",
        purpose=values.get(Field.PURPOSE) or "",
        lead=values.get(Field.LEAD),
        moderators=tuple(values.get(Field.MODERATORS) or ()),
        monitoring=values.get(Field.MONITORING) or "",
    )
    try:
        actions.apply(
            services,
            form=form,
            user=body["user"]["id"],
            front_end=FRONT_END,
            reply=lambda _: ack(),
            submission=forms.submission(body, view),
        )
    except InvalidForm as invalid:
        ack(response_action="errors", errors=invalid.errors)


def _target(value: str) -> tuple[int, int]:
    return forms.target(value)


def _redraw(body: dict[str, Any], client: WebClient, account: Account) -> None:
    container = body.get("container") or {}
    if container.get("channel_id") and container.get("message_ts"):
        client.chat_update(
            channel=container["channel_id"],
            ts=container["message_ts"],
            **render.render(present.application_card(account)),
        )


def approve(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    account_id, version = _target(action["value"])
    try:
        actions.decide(
            services,
            services.roles,
            account_id=account_id,
            version=version,
            user=body["user"]["id"],
            approve=True,
            reply=lambda account: _redraw(body, client, account),
        )
    except AccountError as error:
        private(respond, str(error))


def open_decline(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    account_id, version = _target(action["value"])
    try:
        account = actions.open_decline(
            services,
            services.roles,
            account_id=account_id,
            version=version,
            user=body["user"]["id"],
        )
    except AccountError as error:
        private(respond, str(error))
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.decline_modal(account))


def submit_decline(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    account_id, version = _target(view["private_metadata"])
    try:
        actions.decide(
            services,
            services.roles,
            account_id=account_id,
            version=version,
            user=body["user"]["id"],
            approve=False,
            reason=forms.text(view, Field.REASON),
            reply=lambda _: ack(),
            submission=forms.submission(body, view),
        )
    except AccountError as error:
        ack(response_action="errors", errors={Field.REASON: str(error)})


def open_created(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    account_id, version = _target(action["value"])
    try:
        account = actions.open_created(
            services,
            services.roles,
            account_id=account_id,
            version=version,
            user=body["user"]["id"],
        )
    except AccountError as error:
        private(respond, str(error))
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.created_modal(account))


def submit_created(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    account_id, version = _target(view["private_metadata"])
    try:
        actions.record_created(
            services,
            services.roles,
            account_id=account_id,
            version=version,
            user=body["user"]["id"],
            handle=forms.text(view, Field.HANDLE),
            link=forms.text(view, Field.LINK),
            credentials=forms.text(view, Field.CREDENTIALS),
            submission=forms.submission(body, view),
        )
    except InvalidForm as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    except AccountError as error:
        ack(response_action="errors", errors={Field.HANDLE: str(error)})
        return
    ack()


def list_accounts(ack: Ack, command: dict[str, Any], services: Services) -> None:
    listed = actions.register(services, services.roles, user=command["user_id"])
    card = present.register_card(listed, zone=services.zone, now=services.clock.now())
    ack(**render.render(card))


def leaver(ack: Ack, command: dict[str, Any], text: str, services: Services) -> None:
    """An administrator marks someone as having left: `/socialpolicy leaver @name`."""
    user = command["user_id"]
    if not services.roles.is_admin(user):
        ack(**ephemeral_text(actions.NOT_ADMIN))
        return
    named = _MENTION.search(text)
    if named is None:
        ack(**ephemeral_text(f"Name who has left: `{COMMAND} leaver @name`."))
        return
    opened = actions.left(
        services, services.roles, departed=named.group(1), user=user, front_end=FRONT_END
    )
    ack(**ephemeral_text(present.opened_handovers(opened)))


def user_changed(event: dict[str, Any], services: Services) -> None:
    """Slack tells us when someone's account is deactivated: they have left."""
    if event.get("user", {}).get("deleted"):
        actions.left(services, None, departed=event["user"]["id"], user=None, front_end=FRONT_END)


def open_handover(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    try:
        task = actions.open_handover(
            services,
            services.roles,
            handover_id=forms.record_id(action.get("value")),
            user=body["user"]["id"],
        )
    except AccountError as error:
        private(respond, str(error))
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.handover_modal(task))


def submit_handover(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    try:
        actions.complete_handover(
            services,
            services.roles,
            handover_id=forms.record_id(view.get("private_metadata")),
            user=body["user"]["id"],
            new_lead=forms.values(view).get(Field.NEW_LEAD),
            submission=forms.submission(body, view),
        )
    except AccountError as error:
        ack(response_action="errors", errors={Field.NEW_LEAD: str(error)})
        return
    ack()

"""School accounts in Slack: apply, SLT decide, administrators create, hand over, the register."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.accounts import service as accounts
from bot.accounts.service import AccountError, Application, Field
from bot.services import Services
from handlers.present.verbs import AccountAction
from handlers.slack import forms
from handlers.slack.ids import COMMAND, FRONT_END, AccountCallback
from handlers.slack.replies import direct_message, private
from handlers.slack.views import accounts as views
from handlers.slack.views.common import ephemeral_text
from store.db import session_scope
from store.models import Handover, SchoolAccount

NOT_SLT = "Only SLT can decide on school accounts."
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
NOT_ADMIN = "Only the school's account administrators can do that (ADMIN_USERS)."


def register(app: App, services: Services, *, slt_channel: str | None) -> None:
    app.view(AccountCallback.APPLY)(
        lambda ack, body, view, client: submit_application(
            ack, body, view, client, services, slt_channel=slt_channel
        )
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
        lambda ack, body, view, client: submit_decline(ack, body, view, client, services)
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


def _is_admin(user: str, services: Services) -> bool:
    return services.roles.is_admin(user)


def open_application(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=views.apply_modal())


def submit_application(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    services: Services,
    *,
    slt_channel: str | None,
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
    errors = accounts.validate_application(form)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    with session_scope(services.sessions) as session:
        account = accounts.apply(
            session,
            form=form,
            applied_by=body["user"]["id"],
            now=services.clock.now(),
            front_end=FRONT_END,
        )
        card = views.application_card(account)
    ack()
    if slt_channel:
        client.chat_postMessage(channel=slt_channel, **card)


def _target(action: dict[str, Any]) -> tuple[int, int]:
    account_id, version = action["value"].split(":")
    return int(account_id), int(version)


def _redraw(body: dict[str, Any], client: WebClient, account: SchoolAccount) -> None:
    container = body.get("container") or {}
    if container.get("channel_id") and container.get("message_ts"):
        client.chat_update(
            channel=container["channel_id"],
            ts=container["message_ts"],
            **views.application_card(account),
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
    user = body["user"]["id"]
    if not services.roles.is_slt(user):
        private(respond, NOT_SLT)
        return
    account_id, version = _target(action)
    try:
        with session_scope(services.sessions) as session:
            account = accounts.decide(
                session,
                account_id=account_id,
                version=version,
                user=user,
                approve=True,
                reason="",
                now=services.clock.now(),
            )
    except AccountError as error:
        private(respond, str(error))
        return
    _redraw(body, client, account)
    for admin in sorted(services.roles.admins):
        direct_message(client, admin, views.create_request(account))
    direct_message(client, account.applied_by, views.decision_message(account))


def _open_modal(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
    *,
    allowed: bool,
    refusal: str,
    modal: Callable[[SchoolAccount], View],
) -> None:
    """Open the account's form for someone allowed to use it; tell anyone else why not."""
    if not allowed:
        private(respond, refusal)
        return
    account_id, _ = _target(action)
    with session_scope(services.sessions) as session:
        account = session.get(SchoolAccount, account_id)
    if account is not None:
        client.views_open(trigger_id=body["trigger_id"], view=modal(account))


def open_decline(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    _open_modal(
        body,
        action,
        client,
        respond,
        services,
        allowed=services.roles.is_slt(body["user"]["id"]),
        refusal=NOT_SLT,
        modal=views.decline_modal,
    )


def submit_decline(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    user = body["user"]["id"]
    account_id, version = (int(p) for p in view["private_metadata"].split(":"))
    if not services.roles.is_slt(user):
        ack(response_action="errors", errors={Field.REASON: NOT_SLT})
        return
    try:
        with session_scope(services.sessions) as session:
            account = accounts.decide(
                session,
                account_id=account_id,
                version=version,
                user=user,
                approve=False,
                reason=forms.text(view, Field.REASON),
                now=services.clock.now(),
            )
    except AccountError as error:
        ack(response_action="errors", errors={Field.REASON: str(error)})
        return
    ack()
    direct_message(client, account.applied_by, views.decision_message(account))


def open_created(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    _open_modal(
        body,
        action,
        client,
        respond,
        services,
        allowed=_is_admin(body["user"]["id"], services),
        refusal=NOT_ADMIN,
        modal=views.created_modal,
    )


def submit_created(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    if not _is_admin(body["user"]["id"], services):
        ack(response_action="errors", errors={Field.HANDLE: NOT_ADMIN})
        return
    handle, link = forms.text(view, Field.HANDLE), forms.text(view, Field.LINK)
    credentials = forms.text(view, Field.CREDENTIALS)
    errors = accounts.validate_created(handle, link, credentials)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    account_id, version = (int(p) for p in view["private_metadata"].split(":"))
    try:
        with session_scope(services.sessions) as session:
            accounts.record_created(
                session,
                account_id=account_id,
                version=version,
                handle=handle,
                link=link,
                credentials=credentials,
                now=services.clock.now(),
            )
    except AccountError as error:
        ack(response_action="errors", errors={Field.HANDLE: str(error)})
        return
    ack()


def list_accounts(ack: Ack, command: dict[str, Any], services: Services) -> None:
    now = services.clock.now()
    with session_scope(services.sessions) as session:
        listed = accounts.register(session)
        overdue = (
            accounts.overdue_handovers(session, now=now)
            if services.roles.is_slt(command["user_id"])
            else []
        )
        ack(**views.register_message(listed, overdue, zone=services.zone, now=now))


def leaver(ack: Ack, command: dict[str, Any], text: str, services: Services) -> None:
    """An administrator marks someone as having left: `/socialpolicy leaver @name`."""
    if not _is_admin(command["user_id"], services):
        ack(**ephemeral_text(NOT_ADMIN))
        return
    named = _MENTION.search(text)
    if named is None:
        ack(**ephemeral_text(f"Name who has left: `{COMMAND} leaver @name`."))
        return
    opened = _left(named.group(1), services)
    ack(**ephemeral_text(f"{len(opened)} account(s) now need a handover."))


def user_changed(event: dict[str, Any], services: Services) -> None:
    """Slack tells us when someone's account is deactivated: they have left."""
    if event.get("user", {}).get("deleted"):
        _left(event["user"]["id"], services)


def _left(user: str, services: Services) -> list[int]:
    """Open a handover for each of their accounts; the handover sweep tells the administrators."""
    with session_scope(services.sessions) as session:
        opened = accounts.people_left(
            session, user=user, now=services.clock.now(), front_end=FRONT_END
        )
        return [h.id for h in opened]


def open_handover(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    if not _is_admin(body["user"]["id"], services):
        private(respond, NOT_ADMIN)
        return
    with session_scope(services.sessions) as session:
        handover = session.get(Handover, int(action["value"]))
        account = session.get(SchoolAccount, handover.account_id) if handover else None
        if handover is None or account is None or handover.done_at is not None:
            private(respond, "That handover is already done.")
            return
        view = views.handover_modal(handover, account)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_handover(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    user = body["user"]["id"]
    if not _is_admin(user, services):
        ack(response_action="errors", errors={Field.NEW_LEAD: NOT_ADMIN})
        return
    try:
        with session_scope(services.sessions) as session:
            accounts.complete_handover(
                session,
                handover_id=int(view["private_metadata"]),
                user=user,
                new_lead=forms.values(view).get(Field.NEW_LEAD),
                now=services.clock.now(),
            )
    except AccountError as error:
        ack(response_action="errors", errors={Field.NEW_LEAD: str(error)})
        return
    ack()

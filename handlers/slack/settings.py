"""The settings on App Home: the first-run guide for everyone, the settings and their two
forms for those who look after them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.services import Services
from bot.setup import actions as setup
from handlers.present import settings as present
from handlers.present.model import Card
from handlers.present.verbs import SetupAction
from handlers.slack import forms, render
from handlers.slack.ids import FRONT_END, SetupCallback
from handlers.slack.views import settings as views
from handlers.slack.views.common import markdown

logger = logging.getLogger(__name__)

Republish = Callable[[str, WebClient], None]


def register(app: App, services: Services, republish: Republish) -> None:
    app.action(SetupAction.PEOPLE)(
        lambda ack, body, client: open_form(ack, body, client, services, setup.Form.PEOPLE)
    )
    app.action(SetupAction.SCHOOL)(
        lambda ack, body, client: open_form(ack, body, client, services, setup.Form.SCHOOL)
    )
    app.view(SetupCallback.PEOPLE)(
        lambda ack, body, view, client: submit(
            ack, body, view, client, services, republish, _people_updates
        )
    )
    app.view(SetupCallback.SCHOOL)(
        lambda ack, body, view, client: submit(
            ack, body, view, client, services, republish, _school_updates
        )
    )


def _shown(services: Services, user: str) -> list[Card]:
    """The guide to what is missing, then (for those who may change them) the settings."""
    can = services.roles.can_set_up(user)
    shown = present.guide(
        setup.missing(services, FRONT_END), can_fix=can, locked=services.school.locked
    )
    if can:
        overview = setup.overview(services, services.roles, user=user, front_end=FRONT_END)
        shown.append(present.settings_card(overview, front_end=FRONT_END, zone=services.zone))
    return shown


def home_blocks(services: Services, user: str) -> list[Block]:
    return [block for card in _shown(services, user) for block in render.blocks(card)]


def command(ack: Ack, command: dict[str, Any], services: Services) -> None:
    """`/socialpolicy settings`: what App Home shows of them, privately."""
    user = command["user_id"]
    shown = _shown(services, user)
    if not services.roles.can_set_up(user):
        shown.append(present.refusal(setup.NOT_SETUP))
    ack(**render.render_many(shown))


def _refusal(message: str) -> View:
    return View(type="modal", title="Settings", close="Close", blocks=[markdown(message)])


def open_form(
    ack: Ack, body: dict[str, Any], client: WebClient, services: Services, form: setup.Form
) -> None:
    ack()
    user = body["user"]["id"]
    try:
        setup.may_change(services, services.roles, user=user)
    except setup.NotAllowed as refusal:
        client.views_open(trigger_id=body["trigger_id"], view=_refusal(str(refusal)))
        return
    school = services.settings
    view = (
        views.people_modal(school.slack, _user_groups(client))
        if form is setup.Form.PEOPLE
        else views.school_modal(school)
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


GROUPS_SHOWN = 90  # a select lists at most 100 options


def _user_groups(client: WebClient) -> dict[str, str] | None:
    """The workspace's user groups by id, named as Slack shows them; None if Slack can't say."""
    try:
        listed = client.usergroups_list().get("usergroups") or []
    except (SlackApiError, SlackClientError, OSError) as error:
        logger.warning("could not list the user groups: %s", type(error).__name__)
        return None
    return {
        str(group["id"]): f"{group.get('name') or group['id']} (@{group.get('handle', '')})"
        for group in listed[:GROUPS_SHOWN]
        if group.get("id")
    }


def _people_updates(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's values by setting key, and each key's block."""
    values = forms.values(view)
    fields = [*present.PEOPLE_FIELDS, *present.GROUP_FIELDS, *present.PLACE_FIELDS]
    keys = {f"{FRONT_END}.{field}": field for field in fields if field in values}
    updates = {
        key: values[field] or ([] if field in present.PEOPLE_FIELDS else None)
        for key, field in keys.items()
    }
    for field in present.GROUP_FIELDS:
        if updates.get(f"{FRONT_END}.{field}") == views.NO_GROUP:
            updates[f"{FRONT_END}.{field}"] = None
    return updates, keys


def _school_updates(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    values = forms.values(view)
    keys = {field: field for field in present.SCHOOL_FIELDS if field in values}
    return {key: values[key] for key in keys}, keys


NOT_IN_CHANNEL = (
    "I am not in that private channel, so I could not post there: invite me first "
    "(/invite @socialpolicy in the channel), then save again."
)


def _unreachable(client: WebClient, services: Services, updates: dict[str, Any]) -> dict[str, str]:
    """Each newly chosen channel the bot cannot post in, with what to do: it joins a public one
    itself, and must be invited to a private one. If Slack cannot be asked, the choice stands."""
    people = services.settings.slack
    found: dict[str, str] = {}
    for field in present.PLACE_FIELDS:
        channel = updates.get(f"{FRONT_END}.{field}")
        if not channel or channel == getattr(people, field):
            continue
        try:
            info = client.conversations_info(channel=channel).get("channel") or {}
            if info.get("is_member"):
                continue
            if info.get("is_private"):
                found[field] = NOT_IN_CHANNEL
                continue
            client.conversations_join(channel=channel)
        except SlackApiError as error:
            found[field] = f"I could not join that channel ({error.response.get('error')}): "
            found[field] += "invite me to it first, then save again."
        except (SlackClientError, OSError) as error:
            logger.warning("could not check a chosen channel: %s", type(error).__name__)
    return found


def submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    services: Services,
    republish: Republish,
    read: Callable[[dict[str, Any]], tuple[dict[str, Any], dict[str, str]]],
) -> None:
    user = body["user"]["id"]
    updates, blocks = read(view)
    if not services.roles.can_set_up(user):
        ack(response_action="update", view=_refusal(setup.NOT_SETUP))
        return
    unreachable = _unreachable(client, services, updates)
    if unreachable:
        ack(response_action="errors", errors=unreachable)
        return
    try:
        setup.change(services, services.roles, user=user, front_end=FRONT_END, updates=updates)
    except setup.Invalid as invalid:
        errors = {
            blocks.get(key, next(iter(blocks))): message for key, message in invalid.errors.items()
        }
        ack(response_action="errors", errors=errors)
        return
    except setup.NotAllowed as refusal:
        ack(response_action="update", view=_refusal(str(refusal)))
        return
    ack()
    republish(user, client)

"""`/socialpolicy holidays` and App Home's Change the holidays (SLT): the school's holidays typed a
line each, or read from the school's calendar file, through `bot.rota.actions.set_holidays`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.policy.actions import PolicyChangeError
from bot.rota import actions
from bot.rota.actions import InvalidForm, RotaError
from bot.services import Services
from handlers.present import rota as present
from handlers.present.verbs import RotaAction
from handlers.slack import forms
from handlers.slack.ids import RotaCallback
from handlers.slack.policy_upload import download
from handlers.slack.replies import private
from handlers.slack.views import rota as views
from handlers.slack.views.common import ephemeral_text

NOT_FETCHED = "I couldn't fetch that file from Slack: attach it again, or type the holidays."


def register(app: App, services: Services) -> None:
    app.action(RotaAction.HOLIDAYS)(
        lambda ack, body, client, respond: open_holidays_button(
            ack, body, client, respond, services
        )
    )
    app.view(RotaCallback.HOLIDAYS)(
        lambda ack, body, view, client: submit_holidays(ack, body, view, client, services)
    )


def holidays_command(
    ack: Ack, command: dict[str, Any], client: WebClient, services: Services
) -> None:
    """`/socialpolicy holidays`: the form, with the holidays as they stand."""
    if not services.roles.is_slt(command["user_id"]):
        ack(**ephemeral_text(actions.NOT_SLT))
        return
    ack()
    client.views_open(
        trigger_id=command["trigger_id"], view=views.holidays_modal(actions.holidays(services))
    )


def open_holidays_button(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    ack()
    if not services.roles.is_slt(body["user"]["id"]):
        if body.get("response_url"):  # App Home has nowhere to say why
            private(respond, actions.NOT_SLT)
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=views.holidays_modal(actions.holidays(services))
    )


def submit_holidays(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    """Typed lines, or the attached calendar file (fetched from Slack only, with the bot's
    token) in their place."""
    user = body["user"]["id"]
    attached = forms.files(view, views.ICS_FILE)
    ics = None
    try:
        if attached and services.roles.is_slt(user):  # nothing is fetched for anyone else
            ics = download(client, attached[0])
        saved = actions.set_holidays(
            services, services.roles, user=user, text=forms.text(view, views.HOLIDAYS), ics=ics
        )
    except PolicyChangeError:
        ack(response_action="errors", errors={views.HOLIDAYS: NOT_FETCHED})
        return
    except InvalidForm as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    except RotaError as error:
        ack(response_action="errors", errors={views.HOLIDAYS: str(error)})
        return
    ack(response_action="update", view=views.done_view(present.holidays_card(saved, may_set=False)))

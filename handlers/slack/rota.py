"""The seven-day watch in Slack: the daily check-in's buttons, `/socialpolicy rota` with the
rota and absence forms, and what App Home shows of the watch (the holidays' form is in
`handlers.slack.holidays`). Each listener reads the button or form, calls
one function of `bot.rota.actions` (which decides who may act) and renders
`handlers.present.rota`; a refusal is shown only to the person who acted."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.rota import actions
from bot.rota.actions import InvalidForm, RotaError
from bot.rota.days import DAY_KINDS
from bot.services import Services
from handlers.present import rota as present
from handlers.present.verbs import RotaAction
from handlers.slack import comments, forms, render
from handlers.slack.ids import RotaCallback
from handlers.slack.replies import private
from handlers.slack.views import rota as views

ANSWERS = {
    RotaAction.CHECKED: "nothing_new",
    RotaAction.LOGGING: "logging",
    RotaAction.CANT: "cant",
}


def register(app: App, services: Services) -> None:
    for verb in ANSWERS:
        app.action(verb)(
            lambda ack, body, action, client, respond: answer(
                ack, body, action, client, respond, services
            )
        )
    app.action(RotaAction.OPEN_ROTA)(
        lambda ack, body, action, client, respond: open_rota(
            ack, body, action, client, respond, services
        )
    )
    app.view(RotaCallback.ROTA)(lambda ack, body, view: submit_rota(ack, body, view, services))
    app.action(RotaAction.ABSENCE)(
        lambda ack, body, action, client, respond: open_absence(
            ack, body, action, client, respond, services
        )
    )
    app.view(RotaCallback.ABSENCE)(
        lambda ack, body, view: submit_absence(ack, body, view, services)
    )


# The daily check-in's buttons ---------------------------------------------------------------


def answer(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    """Checked (nothing new, or logging comments: the log opens on the account) or can't today;
    the question in the DM becomes what was answered."""
    ack()
    user = body["user"]["id"]
    check_in, version = forms.target(action.get("value"))
    try:
        answered = actions.answer(
            services,
            services.roles,
            user=user,
            check_in_id=check_in,
            given=ANSWERS[RotaAction(action["action_id"])],
            version=version,
        )
    except RotaError as error:
        respond(
            **render.render(present.refusal(error)),
            response_type="ephemeral",
            replace_original=False,
        )
        return
    if answered.answer == "logging" and services.roles.is_moderator(user):
        comments.open_log_modal(client, body["trigger_id"], services, account=answered.account)
    respond(
        **render.render(present.answered_card(answered, user=user)),
        replace_original=True,
    )


# `/socialpolicy rota` and its forms -----------------------------------------------------------


def command(ack: Ack, command: dict[str, Any], services: Services) -> None:
    """The caller's watch in the next two weeks, then each watched account's rota."""
    user = command["user_id"]
    cards = [present.duties_card(actions.my_watch(services, user=user))]
    for watched in actions.watched(services):
        try:
            cards.append(
                present.rota_card(
                    actions.rota(services, services.roles, user=user, account_id=watched.account_id)
                )
            )
        except RotaError:  # gone from the register since it was listed
            continue
    ack(**render.render_many(cards))


def _account(action: dict[str, Any]) -> int:
    return forms.record_id(action.get("value"))


def open_rota(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    user = body["user"]["id"]
    try:
        view = actions.rota(services, services.roles, user=user, account_id=_account(action))
    except RotaError as error:
        _refuse(body, respond, str(error))
        return
    if not view.may_change:
        _refuse(body, respond, actions.NOT_LEAD)
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.rota_modal(view))


def _refuse(body: dict[str, Any], respond: Respond, text: str) -> None:
    if body.get("response_url"):  # a message can say why; App Home has nowhere to
        private(respond, text)


def submit_rota(ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services) -> None:
    values = forms.values(view)
    chosen: dict[str, tuple[str, ...]] = {
        kind.value: tuple(values[kind.value]) for kind in DAY_KINDS if kind.value in values
    }
    try:
        saved = actions.save_rota(
            services,
            services.roles,
            user=body["user"]["id"],
            account_id=forms.record_id(view.get("private_metadata")),
            chosen=chosen,
        )
    except InvalidForm as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    except RotaError as error:
        ack(response_action="errors", errors={DAY_KINDS[0].value: str(error)})
        return
    ack(response_action="update", view=views.done_view(present.rota_card(saved)))


def open_absence(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    user = body["user"]["id"]
    try:
        view = actions.rota(services, services.roles, user=user, account_id=_account(action))
    except RotaError as error:
        _refuse(body, respond, str(error))
        return
    today = services.clock.now().astimezone(services.zone).date()
    client.views_open(
        trigger_id=body["trigger_id"], view=views.absence_modal(view, user=user, today=today)
    )


def submit_absence(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], services: Services
) -> None:
    user = body["user"]["id"]
    values = forms.values(view)
    absent, cover, day = values.get("absent") or user, values.get("cover"), values.get("day")
    try:
        moved = actions.record_absence(
            services,
            services.roles,
            user=user,
            account_id=forms.record_id(view.get("private_metadata")),
            day=day,
            absent=absent,
            cover=cover,
        )
    except InvalidForm as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    except RotaError as error:
        ack(
            response_action="errors", errors={"absent" if "absent" in values else "day": str(error)}
        )
        return
    assert day is not None  # the domain refuses a form without one
    card = present.absence_card(day=day, absent=absent, cover=cover, moved=moved)
    ack(response_action="update", view=views.done_view(card))


def home_blocks(services: Services, user: str) -> list[Block]:
    """App Home: SLT see the last week's coverage and the holidays; anyone on a rota, their
    next duties."""
    blocks: list[Block] = []
    if services.roles.is_slt(user):
        card = present.watch_card(actions.week_coverage(services), actions.holidays(services))
        blocks += render.blocks(card)
    duties = actions.my_watch(services, user=user)
    if duties:
        blocks += render.blocks(present.duties_card(duties))
    return blocks

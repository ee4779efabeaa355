"""Slack listeners: they acknowledge, parse, call the domain and render. Nothing else."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from handlers.slack import (
    accounts,
    answers,
    commands,
    comments,
    errors,
    home,
    incidents,
    knowledge,
    reviews,
)


def register(app: App, services: Services, *, slt_channel: str | None) -> None:
    """Every Slack listener on `app`; `slt_channel` is where SLT are asked and told."""
    errors.register(app)
    commands.register(app, services, slt_channel=slt_channel)
    answers.register(app, services, slt_channel=slt_channel)
    comments.register(app, services)
    incidents.register(app, services)
    knowledge.register(app, services)
    accounts.register(app, services, slt_channel=slt_channel)
    reviews.register(app, services, slt_channel=slt_channel)
    home.register(app, services)

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
    forms,
    holidays,
    home,
    incidents,
    knowledge,
    policy_upload,
    reviews,
    rota,
    saved_answers,
    schools,
)


def register(app: App, services: Services, *, school_of: schools.SchoolOf) -> None:
    """Every Slack listener on `app`, each in the school of the workspace it came from."""
    schools.register(app, school_of)
    errors.register(app)
    forms.register(app)
    commands.register(app, services)
    answers.register(app, services)
    comments.register(app, services)
    incidents.register(app, services)
    knowledge.register(app, services)
    accounts.register(app, services)
    reviews.register(app, services)
    saved_answers.register(app, services)
    policy_upload.register(app, services)
    rota.register(app, services)
    holidays.register(app, services)
    home.register(app, services)

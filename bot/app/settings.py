"""Configuration from the environment and `.env`, checked once at start-up.

Every problem becomes one line naming the setting and what to do (`SettingsError`), which the
CLI prints before exiting with status 2: a school IT lead should never have to read a traceback.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from bot.setup.school import (
    People,
    School,
    check_day,
    check_region,
    check_thresholds,
    check_zone,
    split_csv,
)

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# What to do about each setting, appended to any message naming it.
HINTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from your Slack app's "
    "OAuth & Permissions page (or set TEAMS_APP_ID to run in Microsoft Teams only)",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your Slack app's Basic Information page "
    "(needed unless SLACK_APP_TOKEN selects Socket Mode)",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, "
    "or leave it unset for HTTP mode",
    "SLACK_CLIENT_ID": "the Client ID from your Slack app's Basic Information page",
    "SLACK_CLIENT_SECRET": "the Client Secret from your Slack app's Basic Information page",
    "SLACK_INSTALL_REDIRECT_URL": "the bot's public address followed by "
    "/slack/oauth_redirect, as listed under Redirect URLs on your Slack app's OAuth & "
    "Permissions page",
    "SLACK_API_URL": "an http(s) URL of Slack's Web API, e.g. https://slack.com/api/",
    "DATABASE_URL": "a SQLAlchemy URL such as sqlite:///socialpolicy.db or "
    "postgresql+psycopg://user@host/dbname",
    "POLICY_PATH": "the path of the school's policy file (.md, .txt, .docx, .pdf, .html) "
    "or a folder of them",
    "SLT_CHANNEL": "a channel id such as C0123456789 (channel details → About, at the bottom)",
    "MODERATORS_CHANNEL": "a channel id such as C0123456789",
    "TIMEZONE": "an IANA time zone name such as Europe/London",
    "PORT": "a whole number between 1 and 65535",
    "LOG_LEVEL": "one of " + ", ".join(_LOG_LEVELS),
    "MODERATOR_USERS": "comma-separated Slack user ids such as U0123ABCD,U0456EFGH",
    "SLT_USERS": "comma-separated Slack user ids such as U0123ABCD,U0456EFGH",
    "MODERATOR_USERGROUP": "a Slack user group id such as S0123ABCD",
    "SLT_USERGROUP": "a Slack user group id such as S0123ABCD",
    "SCHOOL_ACCOUNTS": "comma-separated names of the school's accounts, e.g. "
    "'Facebook: @ourschool, Instagram: @ourschool_pe'",
    "HOLIDAY_REGION": "a UK region code: England, Wales, Scotland or NorthernIreland",
    "WORKING_DAY_END": "a time of day such as 17:00",
    "REMINDER_SWEEP_SECONDS": "a whole number of seconds, at least 5",
    "REMINDER_THRESHOLDS": "comma-separated durations before the deadline such as 4h,1h or 30m",
    "INCIDENT_ACK_MINUTES": "a whole number of minutes, at least 1",
    "INCIDENT_URGENT_ACK_MINUTES": "a whole number of minutes, at least 1",
    "INCIDENT_STALE_DAYS": "a whole number of days, at least 1",
    "PLATFORM_REPORT_CHASE_DAYS": "a whole number of days, at least 1",
    "MEDIA_CONTACT_USERS": "comma-separated Slack user ids of the school's media spokespeople",
    "POLICY_REVIEW_DUE": "a date such as 2027-01-31",
    "ADMIN_USERS": "comma-separated Slack user ids of the school's account administrators",
    "REVIEWERS": "comma-separated Slack user ids of those who give second opinions",
    "SETUP_ADMINS": "comma-separated Slack user ids of those who may change the settings in "
    "Slack (besides the workspace's owners and admins)",
    "TEAMS_SETUP_ADMINS": "comma-separated Entra object ids of those who may change the settings "
    "in Teams (besides whoever installed the app)",
    "DIGEST_DAY": "a day of the week such as Monday",
    "DIGEST_TIME": "a time of day such as 08:00",
    "TEAMS_APP_ID": "the bot's Microsoft Entra application (client) id, a GUID",
    "TEAMS_SLT_USERS": "comma-separated Entra object ids of SLT",
    "TEAMS_MODERATOR_USERS": "comma-separated Entra object ids of moderators",
    "TEAMS_MEDIA_CONTACT_USERS": "comma-separated Entra object ids of the media spokespeople",
    "TEAMS_ADMIN_USERS": "comma-separated Entra object ids of the account administrators",
    "TEAMS_REVIEWERS": "comma-separated Entra object ids of those who give second opinions",
    "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS": "true or false (local testing only)",
    "SETTINGS_IN_CHAT": "true (the school changes its settings in chat) or false (the "
    "environment's values hold and the settings are shown, not changed)",
}


T = TypeVar("T", bound="CoreSettings")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line fit to show the user."""


class StartupError(Exception):
    """The settings are well formed but cannot work (a refused token, a port in use); the
    message is one line fit to show the user."""


class CoreSettings(BaseSettings):
    """What every entry point needs, the offline `ask` command included."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    database_url: str = "sqlite:///socialpolicy.db"
    policy_path: Path | None = None
    timezone: str = "Europe/London"
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        """A URL SQLAlchemy can open, with its driver installed, that keeps what it is given."""
        try:
            url = make_url(value)
        except ArgumentError as error:
            raise ValueError("not a database URL") from error
        try:
            dialect = url.get_dialect()
        except NoSuchModuleError as error:
            raise ValueError(f"unknown kind of database {url.drivername!r}") from error
        try:
            dialect.import_dbapi()
        except ImportError as error:
            raise ValueError(
                f"the {url.drivername} driver is not installed ({error.name})"
            ) from error
        memory = url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
        if url.get_backend_name() == "sqlite" and memory:
            raise ValueError("an in-memory SQLite database would lose everything; name a file")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in _LOG_LEVELS:
            raise ValueError(f"unknown level {value!r}")
        return value.upper()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _guid(value: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", value):
        raise ValueError(f"{value!r} is not an app (client) id, a GUID")
    return value


AppId = Annotated[str, AfterValidator(_guid)]


class TeamsAppSettings(CoreSettings):
    """What packaging the Teams app needs: its id."""

    teams_app_id: AppId


class SlackSettings(CoreSettings):
    """The Slack front end: its tokens, channels and people."""

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Distribution by OAuth: each school's workspace installs the app at /slack/install, and
    # its own bot token is kept in the database (instead of one SLACK_BOT_TOKEN).
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_install_redirect_url: str | None = None  # when the app has several redirect URLs
    slack_api_url: str = "https://slack.com/api/"
    slt_channel: str | None = None
    moderators_channel: str | None = None
    moderator_users: Annotated[list[str], NoDecode] = []
    slt_users: Annotated[list[str], NoDecode] = []
    moderator_usergroup: str | None = None
    slt_usergroup: str | None = None
    media_contact_users: Annotated[list[str], NoDecode] = []
    admin_users: Annotated[list[str], NoDecode] = []
    reviewers: Annotated[list[str], NoDecode] = []
    setup_admins: Annotated[list[str], NoDecode] = []

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_install_redirect_url")
    @classmethod
    def _redirect_url(cls, value: str | None) -> str | None:
        if value is not None and not (
            re.match(r"^https?://[^/\s]+/", value) and value.endswith("/slack/oauth_redirect")
        ):
            raise ValueError("must be an http(s) URL ending in /slack/oauth_redirect")
        return value

    @field_validator("slt_channel", "moderators_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not _CHANNEL_ID.match(value):
            raise ValueError(f"{value!r} is not a channel id")
        return value

    @field_validator("moderator_usergroup", "slt_usergroup")
    @classmethod
    def _usergroup(cls, value: str | None) -> str | None:
        if value is not None and not _USERGROUP_ID.match(value):
            raise ValueError(f"{value!r} is not a user group id")
        return value

    @field_validator(
        "moderator_users",
        "slt_users",
        "media_contact_users",
        "admin_users",
        "reviewers",
        "setup_admins",
        mode="before",
    )
    @classmethod
    def _users(cls, value: Any) -> Any:
        users = split_csv(value)
        bad = [u for u in users if not _USER_ID.match(u)]
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))} not a user id")
        return users

    @property
    def slack_on(self) -> bool:
        return self.slack_bot_token is not None or self.slack_oauth

    @property
    def slack_oauth(self) -> bool:
        """Installed by OAuth into any number of workspaces, each one a school."""
        return self.slack_client_id is not None

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None


class TeamsSettings(CoreSettings):
    """The Microsoft Teams front end: the bot's Entra app, conversations and people."""

    teams_app_id: AppId | None = None
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str | None = None
    teams_slt_conversation: str | None = None
    teams_moderators_conversation: str | None = None
    teams_slt_users: Annotated[list[str], NoDecode] = []
    teams_moderator_users: Annotated[list[str], NoDecode] = []
    teams_admin_users: Annotated[list[str], NoDecode] = []
    teams_media_contact_users: Annotated[list[str], NoDecode] = []
    teams_reviewers: Annotated[list[str], NoDecode] = []
    teams_setup_admins: Annotated[list[str], NoDecode] = []
    dangerously_allow_unauthenticated_requests: bool = False

    @field_validator(
        "teams_slt_users",
        "teams_moderator_users",
        "teams_admin_users",
        "teams_reviewers",
        "teams_media_contact_users",
        "teams_setup_admins",
        mode="before",
    )
    @classmethod
    def _teams_users(cls, value: Any) -> Any:
        return [user.lower() for user in split_csv(value)] if isinstance(value, str) else value

    @property
    def teams_on(self) -> bool:
        return self.teams_app_id is not None


class SchoolSettings(CoreSettings):
    """The school's rules: accounts, working calendar, timers, digest and retention."""

    settings_in_chat: bool = True
    school_accounts: Annotated[list[str], NoDecode] = []
    holiday_region: str = "England"
    working_day_end: time = time(17, 0)
    reminder_sweep_seconds: int = Field(default=60, ge=5)
    reminder_thresholds: Annotated[list[timedelta], NoDecode] = [
        timedelta(hours=4),
        timedelta(hours=1),
    ]
    incident_ack_minutes: int = Field(default=60, ge=1)
    incident_urgent_ack_minutes: int = Field(default=15, ge=1)
    incident_stale_days: int = Field(default=5, ge=1)
    platform_report_chase_days: int = Field(default=3, ge=1)
    policy_review_due: date | None = None
    digest_day: str = "mon"
    digest_time: time = time(8, 0)
    retention_comments_days: int = Field(default=365, ge=1)
    retention_incidents_days: int = Field(default=6 * 365, ge=1)
    retention_questions_days: int = Field(default=365, ge=1)
    retention_reviews_days: int = Field(default=365, ge=1)

    @field_validator("school_accounts", mode="before")
    @classmethod
    def _accounts(cls, value: Any) -> Any:
        return split_csv(value)

    @field_validator("digest_day")
    @classmethod
    def _digest_day(cls, value: str) -> str:
        return check_day(value)

    @field_validator("holiday_region")
    @classmethod
    def _holiday_region(cls, value: str) -> str:
        return check_region(value)

    @field_validator("reminder_thresholds", mode="before")
    @classmethod
    def _thresholds(cls, value: Any) -> Any:
        return check_thresholds(value)


class Settings(SlackSettings, TeamsSettings, SchoolSettings):
    """Everything the running bot needs: the groups above, read from one environment."""

    port: int = Field(default=3000, ge=1, le=65535)

    def school(self) -> School:
        """The school's settings as the environment gives them: the first values of a new
        install, under whatever is changed in chat."""
        return School(
            slack=People(
                slt=tuple(self.slt_users),
                slt_group=self.slt_usergroup,
                moderators=tuple(self.moderator_users),
                moderator_group=self.moderator_usergroup,
                admins=tuple(self.admin_users),
                reviewers=tuple(self.reviewers),
                media_contacts=tuple(self.media_contact_users),
                setup_admins=tuple(self.setup_admins),
                slt_place=self.slt_channel,
                moderators_place=self.moderators_channel,
            ),
            teams=People(
                slt=tuple(self.teams_slt_users),
                moderators=tuple(self.teams_moderator_users),
                admins=tuple(self.teams_admin_users),
                reviewers=tuple(self.teams_reviewers),
                media_contacts=tuple(self.teams_media_contact_users),
                setup_admins=tuple(self.teams_setup_admins),
                slt_place=self.teams_slt_conversation,
                moderators_place=self.teams_moderators_conversation,
            ),
            accounts=tuple(self.school_accounts),
            timezone=self.timezone,
            holiday_region=self.holiday_region,
            working_day_end=self.working_day_end,
            reminder_thresholds=tuple(self.reminder_thresholds),
            digest_day=self.digest_day,
            digest_time=self.digest_time,
            retention_comments_days=self.retention_comments_days,
            retention_incidents_days=self.retention_incidents_days,
            retention_questions_days=self.retention_questions_days,
            retention_reviews_days=self.retention_reviews_days,
            policy_review_due=self.policy_review_due,
        )

    @model_validator(mode="after")
    def _a_front_end_is_configured(self) -> Settings:
        if not self.slack_on and self.teams_app_id is None:
            raise ValueError("SLACK_BOT_TOKEN is not set")  # Teams alone needs TEAMS_APP_ID
        if self.slack_oauth:
            _check_oauth(self)
        if self.slack_on and self.slack_app_token is None and self.slack_signing_secret is None:
            raise ValueError("SLACK_SIGNING_SECRET is not set")
        return self


def _check_oauth(settings: SlackSettings) -> None:
    """OAuth serves many workspaces over HTTP, each with its own token: one token for all of
    them, or Socket Mode (one workspace's connection), cannot be meant at the same time."""
    if settings.slack_client_secret is None:
        raise ValueError("SLACK_CLIENT_SECRET is not set")
    if settings.slack_bot_token is not None:
        raise ValueError(
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: unset SLACK_BOT_TOKEN to install "
            "by OAuth (each workspace's token is kept in the database), or SLACK_CLIENT_ID to "
            "serve one workspace with its token"
        )
    if settings.slack_app_token is not None:
        raise ValueError(
            "SLACK_APP_TOKEN and SLACK_CLIENT_ID are both set: Socket Mode serves one workspace; "
            "unset SLACK_APP_TOKEN to install by OAuth over HTTP"
        )
    if settings.slack_signing_secret is None:
        raise ValueError("SLACK_SIGNING_SECRET is not set")


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    if not first["loc"]:  # a model-level check; its message names the setting itself
        said = str(first["msg"]).removeprefix("Value error, ")
        name = said.split()[0]
        if said != f"{name} is not set":  # a whole sentence already
            return said
        return f"{name} is not set: {HINTS.get(name, '')}".rstrip(": ")
    name = str(first["loc"][0]).upper()
    hint = HINTS.get(name, "")
    if first["type"] == "missing":
        return f"{name} is not set: {hint}"
    reason = str(first["msg"]).removeprefix("Value error, ")
    return f"{name} is not valid ({reason}): {hint}"


def load_settings(kind: type[T], env_file: str | Path | None = ".env") -> T:
    """Read and check every setting; raise `SettingsError` naming the first bad one."""
    try:
        return kind(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None

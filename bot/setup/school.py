"""The school's own settings: who holds each role, where messages go, and the school's rules.

One model holds them all, so one set of checks serves the environment's first values and every
change made in chat. Each front end keeps its own people and places (`People`), as a Slack user id
means nothing in Teams. Values are only checked for shape here; a front end's picker is what
makes an id real.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from bot.deadlines import UK_REGIONS

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DURATION = re.compile(r"^(\d+)\s*([mhd])$")
MAX_ACCOUNTS = 50
MAX_PEOPLE = 100


def split_csv(value: Any) -> Any:
    """A comma-separated string as a list of its non-empty parts; anything else as it is."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 4h, 90m or 1d")
    amount, unit = int(match[1]), match[2]
    return {"m": timedelta(minutes=amount), "h": timedelta(hours=amount)}.get(
        unit, timedelta(days=amount)
    )


def describe_duration(duration: timedelta) -> str:
    minutes = int(duration.total_seconds()) // 60
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def check_day(value: str) -> str:
    day = value.strip().lower()[:3]
    if day not in DAYS:
        raise ValueError(f"unknown day {value!r}")
    return day


def check_region(value: str) -> str:
    match = next((r for r in UK_REGIONS if r.lower() == value.replace(" ", "").lower()), None)
    if match is None:
        raise ValueError(f"unknown region {value!r}: choose one of {', '.join(UK_REGIONS)}")
    return match


def check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"unknown time zone {value!r}; use a name such as Europe/London"
        ) from error
    return value


def check_thresholds(value: Any) -> Any:
    if isinstance(value, str):
        durations = [parse_duration(part) for part in split_csv(value)]
        if not durations or any(d <= timedelta(0) for d in durations):
            raise ValueError("give at least one positive duration")
        return sorted(set(durations), reverse=True)
    return value


class People(BaseModel):
    """Who holds each role, and where the group messages go, on one front end."""

    model_config = ConfigDict(frozen=True)

    slt: tuple[str, ...] = Field(default=(), max_length=MAX_PEOPLE)
    slt_group: str | None = None
    moderators: tuple[str, ...] = Field(default=(), max_length=MAX_PEOPLE)
    moderator_group: str | None = None
    admins: tuple[str, ...] = Field(default=(), max_length=MAX_PEOPLE)
    reviewers: tuple[str, ...] = Field(default=(), max_length=MAX_PEOPLE)
    media_contacts: tuple[str, ...] = Field(default=(), max_length=MAX_PEOPLE)
    setup_admins: tuple[str, ...] = Field(default=(), max_length=MAX_PEOPLE)
    slt_place: str | None = None
    moderators_place: str | None = None

    @field_validator(
        "slt", "moderators", "admins", "reviewers", "media_contacts", "setup_admins", mode="before"
    )
    @classmethod
    def _people(cls, value: Any) -> Any:
        people = split_csv(value)
        if isinstance(people, list | tuple):
            return tuple(dict.fromkeys(str(p).strip() for p in people if str(p).strip()))
        return people


class School(BaseModel):
    """Everything a school sets for itself; `People` per front end ("slack", "teams")."""

    model_config = ConfigDict(frozen=True)

    slack: People = People()
    teams: People = People()
    accounts: tuple[str, ...] = Field(default=(), max_length=MAX_ACCOUNTS)
    timezone: str = "Europe/London"
    holiday_region: str = "England"
    working_day_end: time = time(17, 0)
    reminder_thresholds: tuple[timedelta, ...] = (timedelta(hours=4), timedelta(hours=1))
    digest_day: str = "mon"
    digest_time: time = time(8, 0)
    retention_comments_days: int = Field(default=365, ge=1, le=36500)
    retention_incidents_days: int = Field(default=6 * 365, ge=1, le=36500)
    retention_questions_days: int = Field(default=365, ge=1, le=36500)
    retention_reviews_days: int = Field(default=365, ge=1, le=36500)
    policy_review_due: date | None = None
    # The daily check-in on each school account: its watcher is asked, then its lead is told if
    # nobody has checked, then SLT.
    checkin_ask_time: time = time(9, 0)
    checkin_lead_time: time = time(12, 0)
    checkin_slt_time: time = time(16, 0)

    @field_validator("checkin_lead_time", "checkin_slt_time")
    @classmethod
    def _after_the_one_before(cls, value: time, info: ValidationInfo) -> time:
        before = {"checkin_lead_time": "checkin_ask_time", "checkin_slt_time": "checkin_lead_time"}
        earlier = info.data.get(before[info.field_name or ""])
        if isinstance(earlier, time) and value <= earlier:
            raise ValueError(f"must be later than {earlier.strftime('%H:%M')}")
        return value

    @field_validator("accounts", mode="before")
    @classmethod
    def _accounts(cls, value: Any) -> Any:
        if isinstance(value, str):  # typed in a form: one a line, or comma-separated
            value = [part for line in value.splitlines() for part in split_csv(line)]
        if isinstance(value, list | tuple):
            names = [" ".join(str(v).split()) for v in value]
            if any(len(name) > 100 for name in names):
                raise ValueError("an account's name is at most 100 characters")
            return tuple(dict.fromkeys(name for name in names if name))
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("holiday_region")
    @classmethod
    def _region(cls, value: str) -> str:
        return check_region(value)

    @field_validator("digest_day")
    @classmethod
    def _day(cls, value: str) -> str:
        return check_day(value)

    @field_validator("reminder_thresholds", mode="before")
    @classmethod
    def _thresholds(cls, value: Any) -> Any:
        return check_thresholds(value)

    @field_validator("reminder_thresholds")
    @classmethod
    def _sorted(cls, value: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
        if not value or any(d <= timedelta(0) for d in value):
            raise ValueError("give at least one positive duration")
        return tuple(sorted(set(value), reverse=True))

    def people(self, front_end: str) -> People:
        return self.teams if front_end == "teams" else self.slack

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_media_contacts(self) -> bool:
        return bool(self.slack.media_contacts or self.teams.media_contacts)

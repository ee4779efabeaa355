"""The settings' two modals in Slack, with the platform's own pickers: people, channels, the
school's rules. Each input's block id is the setting's key, so errors come back under it."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    InputBlock,
    NumberInputElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.deadlines import UK_REGIONS
from bot.setup.school import DAY_NAMES, DAYS, People, School
from handlers.present import settings as present
from handlers.slack.ids import SetupCallback
from handlers.slack.views import inputs

_TEXT_LIMIT = 2000


def _people(key: str, chosen: tuple[str, ...]) -> InputBlock:
    return InputBlock(
        block_id=key,
        label=present.LABELS[key],
        optional=True,
        element=UserMultiSelectElement(
            action_id=key, placeholder="Choose people", initial_users=list(chosen) or None
        ),
    )


def _channel(key: str, chosen: str | None) -> InputBlock:
    return InputBlock(
        block_id=key,
        label=present.LABELS[key],
        optional=True,
        hint="Invite the bot to a private channel first, or it cannot post there.",
        element=ConversationSelectElement(
            action_id=key,
            placeholder="Choose a channel",
            initial_conversation=chosen,
            filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
        ),
    )


def _time(key: str, chosen: str) -> InputBlock:
    return InputBlock(
        block_id=key,
        label=present.LABELS[key],
        element=TimePickerElement(action_id=key, initial_time=chosen),
    )


def _days(key: str, chosen: int) -> InputBlock:
    return InputBlock(
        block_id=key,
        label=present.LABELS[key],
        element=NumberInputElement(
            action_id=key,
            is_decimal_allowed=False,
            min_value="1",
            max_value="36500",
            initial_value=str(chosen),
        ),
    )


NO_GROUP = "none"


def _group(key: str, chosen: str | None, groups: dict[str, str]) -> InputBlock:
    """A user group whose members hold the role as well as the people named: Slack has no
    picker for them, so the workspace's groups are listed."""
    choices = {NO_GROUP: "No user group", **groups}
    return inputs.select(key, present.LABELS[key], choices, initial=chosen or NO_GROUP)


def people_modal(people: People, groups: dict[str, str] | None = None) -> View:
    """`groups`: the workspace's user groups by id (None: they could not be listed)."""
    blocks = [_people(key, getattr(people, key)) for key in present.PEOPLE_FIELDS]
    if groups is not None:
        blocks.insert(1, _group("slt_group", people.slt_group, groups))
        blocks.insert(3, _group("moderator_group", people.moderator_group, groups))
    return View(
        type="modal",
        callback_id=SetupCallback.PEOPLE,
        title=present.PEOPLE_TITLE,
        submit="Save",
        close="Cancel",
        blocks=[*blocks, *(_channel(key, getattr(people, key)) for key in present.PLACE_FIELDS)],
    )


def school_modal(school: School) -> View:
    return View(
        type="modal",
        callback_id=SetupCallback.SCHOOL,
        title=present.SCHOOL_TITLE,
        submit="Save",
        close="Cancel",
        blocks=[
            inputs.text(
                "accounts",
                present.LABELS["accounts"],
                limit=_TEXT_LIMIT,
                multiline=True,
                optional=True,
                initial="\n".join(school.accounts),
                hint=present.HINTS["accounts"],
            ),
            inputs.text(
                "timezone",
                present.LABELS["timezone"],
                limit=64,
                initial=school.timezone,
                hint=present.HINTS["timezone"],
            ),
            inputs.select(
                "holiday_region",
                present.LABELS["holiday_region"],
                {region: region for region in UK_REGIONS},
                initial=school.holiday_region,
            ),
            _time("working_day_end", school.working_day_end.strftime("%H:%M")),
            inputs.text(
                "reminder_thresholds",
                present.LABELS["reminder_thresholds"],
                limit=100,
                initial=present.value_text("reminder_thresholds", school.reminder_thresholds),
                hint=present.HINTS["reminder_thresholds"],
            ),
            inputs.select(
                "digest_day",
                present.LABELS["digest_day"],
                dict(zip(DAYS, DAY_NAMES, strict=True)),
                initial=school.digest_day,
            ),
            _time("digest_time", school.digest_time.strftime("%H:%M")),
            *(_days(key, getattr(school, key)) for key in present.RETENTION_FIELDS),
            *(_time(key, getattr(school, key).strftime("%H:%M")) for key in present.CHECKIN_FIELDS),
        ],
    )

"""The vocabulary of every view model: text that knows what is user text and what is markup,
buttons named by one verb for both platforms, and the card that holds them.

A view model says *what* a person sees; `handlers.slack.render` and `handlers.teams.render`
say *how*, each escaping user text for its own markup exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Strong:
    """Emphasised text (bold in both platforms). Its content is still escaped."""

    text: str


@dataclass(frozen=True)
class Person:
    """Someone named by their platform id: a mention in Slack, their name in Teams."""

    user_id: str


@dataclass(frozen=True)
class Command:
    """Something the user can type to the bot, e.g. `Command("myreports")`: Slack shows
    `/socialpolicy myreports`, Teams the plain words to send in chat."""

    words: str


@dataclass(frozen=True)
class Group:
    """A group addressed at once, e.g. SLT: `words` where a platform has no such mention, and
    `markup`, the front end's own mention of it (a Slack user group), written as given."""

    words: str
    markup: str | None = None


@dataclass(frozen=True)
class Link:
    """A web address to follow, shown as `label`: a card's permalink, or a reported link."""

    url: str
    label: str


@dataclass(frozen=True)
class Place:
    """A channel named by its platform id: a channel link in Slack, `words` in Teams, which
    cannot name a channel from its id alone."""

    conversation_id: str
    words: str = "the channel chosen"


Span = str | Strong | Person | Command | Group | Link | Place
"""A piece of a line. A plain `str` is always user or document text: renderers escape it."""

Line = tuple[Span, ...]


def line(*spans: Span) -> Line:
    return tuple(spans)


class Style(StrEnum):
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    """One action a card offers. `verb` is the same id in Slack (`action_id`) and Teams
    (`verb`, or the dialog's name when `opens_form`); `ref` identifies what it acts on."""

    verb: StrEnum
    label: str
    ref: Mapping[str, int | str] = field(default_factory=dict)
    style: Style | None = None
    opens_form: bool = False


@dataclass(frozen=True)
class Card:
    """A message card: a title, lines of facts, an optional footnote and its buttons.
    `summary` is the plain one-line text for notifications and screen readers."""

    summary: str
    lines: tuple[Line, ...] = ()
    title: str | None = None
    alert: Line | None = None
    note: Line | None = None
    quote: str | None = None
    buttons: tuple[Button, ...] = ()


def plain(spans: Line) -> str:
    """A line as plain text (for notification summaries), people by id."""
    out: list[str] = []
    for span in spans:
        if isinstance(span, str):
            out.append(span)
        elif isinstance(span, Strong):
            out.append(span.text)
        elif isinstance(span, Person):
            out.append(span.user_id)
        elif isinstance(span, Link):
            out.append(span.label)
        elif isinstance(span, Place):
            out.append(span.conversation_id)
        else:
            out.append(span.words)
    return "".join(out)

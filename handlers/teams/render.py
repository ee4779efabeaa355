"""View models (`handlers.present.model`) as Adaptive Cards: the one place Teams markup is
written for them. People are shown by name, looked up through `name`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from handlers.present.model import Button, Card, Command, Group, Line, Link, Person, Place, Strong
from handlers.present.verbs import CommentAction, IncidentAction, ReviewAction
from handlers.teams import cards

Name = Callable[[str], str]


def text(spans: Line, name: Name) -> str:
    """A line in a TextBlock's markdown, user text escaped so it can never format or link."""
    out: list[str] = []
    for span in spans:
        if isinstance(span, str):
            out.append(cards.plain(span))
        elif isinstance(span, Strong):
            out.append(f"**{cards.plain(span.text)}**")
        elif isinstance(span, Person):
            out.append(cards.plain(name(span.user_id)))
        elif isinstance(span, Command):
            out.append(f'"{cards.plain(span.words)}"')
        elif isinstance(span, Group):
            out.append(cards.plain(span.words))
        elif isinstance(span, Link):
            out.append(f"[{cards.plain(span.label)}]({_url(span.url)})")
        elif isinstance(span, Place):
            out.append(cards.plain(span.words))
    return "".join(out)


def _url(url: str) -> str:
    """A link target that cannot end the markdown link early."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


# Dialogs named before their verbs were: cards already posted in Teams still open them by these.
DIALOG_NAMES: dict[StrEnum, str] = {
    CommentAction.LOG: "log",
    IncidentAction.OPEN_REPORT: "report",
    ReviewAction.OPEN: "review",
}


def dialog_name(verb: StrEnum) -> str:
    """The dialog a form button opens: the verb's last part ("incident.assess" → "assess")."""
    return DIALOG_NAMES.get(verb) or str(verb).rpartition(".")[2]


def action(item: Button) -> cards.Card:
    if item.opens_form:
        return cards.dialog(item.label, dialog_name(item.verb), **item.ref)
    return cards.execute(item.label, str(item.verb), **item.ref)


def body(card: Card, name: Name) -> list[cards.Card]:
    built: list[cards.Card] = []
    if card.title:
        built.append(cards.heading(cards.plain(card.title)))
    if card.alert:
        built.append(cards.text(text(card.alert, name), color="Attention", weight="Bolder"))
    built += [cards.text(text(spans, name)) for spans in card.lines]
    if card.quote is not None:
        built.append(cards.text(cards.plain(card.quote), isSubtle=True))
    if card.note:
        built.append(cards.subtle(text(card.note, name)))
    return built


def render(card: Card, name: Name) -> cards.Card:
    """A whole Adaptive Card, checked against the SDK's card model."""
    return cards.card(*body(card, name), actions=[action(b) for b in card.buttons])


def render_many(shown: Sequence[Card], name: Name) -> cards.Card:
    """Cards one after another in one Adaptive Card, each followed by its own buttons: the
    card's top-level actions could hold only a handful."""
    built: list[cards.Card] = []
    for card in shown:
        built += body(card, name)
        if card.buttons:
            built.append({"type": "ActionSet", "actions": [action(b) for b in card.buttons]})
    return cards.card(*built)

"""The policy itself as both front ends show it: the thanks for confirming it, who has not, the
nudge, the questions it could not answer, and its review date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.knowledge.actions import Acknowledged
from bot.knowledge.service import Unanswered
from handlers.present.model import (
    Button,
    Card,
    Command,
    Line,
    Person,
    Span,
    Strong,
    Style,
    line,
    plain,
)
from handlers.present.time import local
from handlers.present.verbs import KnowledgeAction

SHOWN = 60  # people named on a card; the count covers the rest
QUOTED = 200  # characters of each unanswered question shown
ACKNOWLEDGE = Button(KnowledgeAction.ACKNOWLEDGE, "I've read it", style=Style.PRIMARY)
NO_STAFF = "I know of no staff here yet: add me to the school's teams."
NOBODY_TO_NUDGE = "Everyone has confirmed the current policy: nobody to nudge."
NUDGE_LABEL = "Nudge them"


def acknowledged_card(ack: Acknowledged, *, zone: ZoneInfo) -> Card:
    said = line(
        "Thank you: recorded that you have read the policy (",
        ack.version,
        f") on {local(ack.at, zone)}.",
    )
    return Card(summary=plain(said), lines=(said,))


def home_card(ack: Acknowledged | None, *, zone: ZoneInfo) -> Card:
    """App Home: the confirmation given, or the button to give it."""
    if ack is not None:
        return Card(
            summary="Policy confirmed",
            note=line(f"✅ You confirmed you have read this version on {local(ack.at, zone)}."),
        )
    return Card(
        summary="Please confirm you have read the policy",
        lines=(line("Please confirm you have read the current version of the policy."),),
        buttons=(ACKNOWLEDGE,),
    )


def _people(people: Sequence[str]) -> Line:
    """Up to SHOWN people, then how many more."""
    spans: list[Span] = []
    for user in people[:SHOWN]:
        if spans:
            spans.append(", ")
        spans.append(Person(user))
    if len(people) > SHOWN:
        spans.append(f" …and {len(people) - SHOWN} more")
    return tuple(spans)


def _unlisted(unlisted: int) -> Line | None:
    if not unlisted:
        return None
    return line(
        f"⚠️ I could not list the members of {unlisted} of the conversations I am in, so some "
        "staff may be missing here. Try again later."
    )


def outstanding_card(
    missing: Sequence[str], *, total: int, version: str, unlisted: int = 0
) -> Card:
    """Who has not confirmed the current version, with the nudge for SLT."""
    lines = [
        line(
            Strong(f"{total - len(missing)} of {total}"),
            " staff have confirmed the current policy (",
            version,
            ").",
        )
    ]
    if missing:
        lines += [
            line(Strong(f"{len(missing)} of {total} staff have not confirmed it"), ":"),
            _people(missing),
        ]
    elif total:
        lines.append(line("Everyone has confirmed it."))
    else:
        lines.append(line(NO_STAFF))
    return Card(
        summary=f"{len(missing)} of {total} staff have not confirmed the policy",
        title="Who has confirmed the policy",
        lines=tuple(lines),
        alert=_unlisted(unlisted),
        buttons=(Button(KnowledgeAction.NUDGE, NUDGE_LABEL),) if missing else (),
    )


def nudge_card(*, version: str) -> Card:
    """The direct message each member of staff who has not confirmed gets."""
    return Card(
        summary="Please confirm you have read the social networking policy",
        lines=(
            line(
                "SLT ask every member of staff to read the school's social networking policy (",
                version,
                ") and to confirm: I have read the policy. See its sections with ",
                Command("topics"),
                ", or ask me a question about it.",
            ),
        ),
        buttons=(ACKNOWLEDGE,),
    )


def _members(count: int) -> str:
    return f"{count} member{'s' if count != 1 else ''} of staff"


def nudging(count: int) -> str:
    """When the nudges go out in the background."""
    return f"Nudging {_members(count)}; I'll tell you in our chat when it's done."


def nudged_card(nudged: int, unreached: Sequence[str] = (), *, unlisted: int = 0) -> Card:
    lines = [line(f"Nudged {_members(nudged)}.")]
    if unreached:
        lines += [line(f"{len(unreached)} could not be reached:"), _people(unreached)]
    return Card(summary=plain(lines[0]), lines=tuple(lines), alert=_unlisted(unlisted))


def unanswered_card(rows: Sequence[Unanswered], *, zone: ZoneInfo) -> Card:
    if not rows:
        return Card(
            summary="No unanswered questions so far",
            lines=(line("No unanswered questions so far."),),
        )
    listed = [
        line(
            Strong(f"{row.times}×"),
            " “",
            row.text if len(row.text) <= QUOTED else row.text[: QUOTED - 1] + "…",
            f"” (last {local(row.last_asked, zone)})",
        )
        for row in rows
    ]
    return Card(
        summary="Questions the policy could not answer",
        title="Questions the policy could not answer",
        lines=(line("Most asked first:"), *listed),
        note=line("Consider adding the answers to the policy or its FAQ."),
    )


def policy_review(*, due: date, today: date) -> str:
    """What SLT are told of the review date, after whoever each front end addresses."""
    when = f"{due:%-d %B %Y}"
    if today >= due:
        return f"the social networking policy was due for review on {when} and is now overdue."
    return (
        f"the social networking policy is due for review on {when} "
        f"({(due - today).days} days from now)."
    )

"""Second opinions as both front ends show them: the reviewers' card, the author's answer, the
reminder, and the words of the forms."""

from __future__ import annotations

from collections.abc import Iterable

from bot.reviews.actions import Review
from bot.reviews.service import Field
from handlers.present.model import Button, Card, Line, Person, Strong, Style, line
from handlers.present.verbs import ReviewAction

FORM_TITLE = "Second opinion"
FORM_INTRO = (
    "When in doubt, get a second opinion before posting. Anything that could be "
    "controversial needs the Head Teacher's agreement."
)
LABELS: dict[str, str] = {
    Field.ACCOUNT: "Which account it will go out on",
    Field.CONTEXT: "Context (what it answers, why now)",
    Field.DRAFT: "The draft",
    Field.NOTES: "What should change",
}
SUBMIT = "Ask for review"
SEND_BACK = "Send back"
SENT = "Sent for a second opinion; you'll hear back here."


def _people(ids: Iterable[str]) -> Line:
    """Those asked for an opinion; SLT when nobody is named."""
    spans: list[str | Person] = []
    for user in sorted(ids):
        if spans:
            spans.append(", ")
        spans.append(Person(user))
    return tuple(spans) or ("SLT",)


def review_card(review: Review, *, reviewers: Iterable[str]) -> Card:
    """The card SLT's channel sees; its buttons give way to the outcome once decided."""
    lines = [
        line(
            "📝 ",
            Person(review.author),
            " asks for a second opinion on a post for ",
            Strong(review.account),
        ),
        line(Strong("Reviewers:"), " ", *_people(reviewers)),
    ]
    if review.context:
        lines.append(line(Strong("Context:"), " ", review.context))
    ref: dict[str, int | str] = {"review": review.id, "version": review.version}
    buttons: tuple[Button, ...] = ()
    outcome = None
    if review.status == "pending":
        buttons = (
            Button(ReviewAction.APPROVE, "Approve", ref, Style.PRIMARY),
            Button(ReviewAction.SEND_BACK, "Send back with notes", ref, opens_form=True),
        )
    else:
        said = "✅ Approved" if review.status == "approved" else "↩️ Sent back"
        notes = (": ", review.notes) if review.notes else ()
        outcome = line(f"{said} by ", Person(review.reviewer or ""), *notes)
    return Card(
        summary=f"Second opinion requested on a post for {review.account}",
        title="Second opinion requested",
        lines=tuple(lines),
        quote=review.draft,
        note=outcome,
        buttons=buttons,
    )


def decision_card(review: Review) -> Card:
    """What the author hears."""
    if review.status == "approved":
        said = line(
            "Your draft for ",
            Strong(review.account),
            " was approved by ",
            Person(review.reviewer or ""),
            ": it can go out.",
        )
    else:
        said = line(
            "Your draft for ",
            Strong(review.account),
            " was sent back by ",
            Person(review.reviewer or ""),
            ": ",
            review.notes or "",
        )
    outcome = "approved" if review.status == "approved" else "sent back"
    return Card(summary=f"Your draft for {review.account} was {outcome}", lines=(said,))


def decided(review: Review) -> str:
    """The reviewer's confirmation."""
    if review.status == "approved":
        return "Approved: the author has been told."
    return "Sent back: the author has been told."


def reminder(review: Review) -> Line:
    """After whoever the front end addresses (named reviewers, or SLT)."""
    return line("this draft from ", Person(review.author), " is still waiting for review.")

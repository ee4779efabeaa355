"""SLT teaching the bot, as both front ends show it: the reply form's words, the asker's DM,
the saved answer shown first under a question, the list SLT look after, and the notice of
answers to look at again when the policy changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.questions.replies import Replied, ReplyField, ToAnswer
from bot.saved_answers.service import Field, Saved
from handlers.present.model import Button, Card, Command, Line, Span, Strong, Style, line
from handlers.present.verbs import TeachAction

REPLY_TITLE = "Answer the question"
REPLY_SUBMIT = "Send answer"
SAVE_LABEL = "Save as the school's answer to this question"
SAVE_HINT = "Later questions that mean the same will get this answer first."
EDIT_TITLE = "Edit saved answer"
REMOVE_TITLE = "Remove saved answer"
REMOVE_SUBMIT = "Remove"
LABELS: dict[str, str] = {
    ReplyField.ANSWER: "Your answer",
    ReplyField.SAVE: "Save it",
    Field.QUESTION: "Question",
    Field.ANSWER: "Answer",
    Field.SECTION: "Policy section (optional)",
}
SECTION_HINT = "A section's name as in “topics”; leave empty for none."
REMOVED = "Removed: later questions no longer get that answer."
NONE_SAVED = "No saved answers yet. Answer a question passed on to SLT and save the answer."
SHOWN = 10  # saved answers on one card; both platforms' limits on buttons allow no more
QUOTED = 300  # characters of each saved answer shown in the list


def _on(day: date) -> str:
    return f"{day:%-d %B %Y}"


def answered_by_slt(saved: Saved) -> Line:
    return line(Strong(f"Answered by SLT on {_on(saved.answered_on)}"))


def saved_lines(saved: Saved) -> tuple[Line, ...]:
    """The school's answer as it heads an answer card: SLT's words, and the section."""
    lines = [answered_by_slt(saved), line(saved.answer)]
    if saved.section:
        lines.append(line("Policy section: ", saved.section))
    return (*lines, line(Strong("From the policy:")))


def reply_intro(question: ToAnswer) -> Line:
    section = f" (closest section: {question.best_section})" if question.best_section else ""
    return line("A member of staff asked", section, ":")


def replied(result: Replied) -> str:
    """What SLT are told once they have answered."""
    said = (
        "Sent to the member of staff who asked."
        if result.delivered
        else "Recorded; they could not be reached just now, so it will be sent again shortly."
    )
    return said + (" Saved as the school's answer to this question." if result.saved else "")


def answer_to_asker_card(question: str, answer: str) -> Card:
    """The asker's DM: their question, SLT's answer."""
    return Card(
        summary="SLT answered your policy question",
        lines=(line(Strong("SLT answered your policy question:")), line(answer)),
        quote=question,
        note=line("Ask another with ", Command("<question>")),
    )


def _clip(text: str) -> str:
    return text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"


def saved_card(saved: Saved, *, actions: bool = True) -> Card:
    """One saved answer, with what SLT can do with it unless it is shown to be acted on."""
    ref = {"saved": saved.id}
    lines = [line(Strong("Q: "), saved.question), line(Strong("A: "), _clip(saved.answer))]
    if saved.section:
        lines.append(line("Policy section: ", saved.section))
    buttons = [
        Button(TeachAction.EDIT, "Edit", ref, opens_form=True),
        Button(TeachAction.REMOVE, "Remove", ref, style=Style.DANGER, opens_form=True),
    ]
    if saved.needs_review:
        buttons.insert(0, Button(TeachAction.STILL_HOLDS, "Still holds", ref, Style.PRIMARY))
    return Card(
        summary=saved.question,
        lines=tuple(lines),
        alert=line("⚠️ Saved before the policy changed: check it still holds.")
        if saved.needs_review
        else None,
        note=answered_by_slt(saved),
        buttons=tuple(buttons) if actions else (),
    )


def listing(saved: Sequence[Saved]) -> tuple[Card, ...]:
    """The `answers` command: a heading card, then one card per saved answer."""
    flagged = sum(1 for s in saved if s.needs_review)
    count: list[Span] = [f"{len(saved)} saved answer{'s' if len(saved) != 1 else ''}"]
    if flagged:
        count += [", ", Strong(f"{flagged} to look at again")]
    lines = [line(*count, ".") if saved else line(NONE_SAVED)]
    if len(saved) > SHOWN:
        lines.append(line(f"Showing the first {SHOWN}: those to look at again, then the newest."))
    head = Card(summary="The school's saved answers", title="Saved answers", lines=tuple(lines))
    return (head, *(saved_card(s) for s in saved[:SHOWN]))


def review_notice(saved: Sequence[Saved]) -> tuple[Card, ...]:
    """SLT told, once per version, which saved answers an earlier version stood behind."""
    count = len(saved)
    head = Card(
        summary=f"The policy has changed: {count} saved answer{'s' if count != 1 else ''} to check",
        title="Saved answers to look at again",
        lines=(
            line(
                "The policy has changed since these answers were saved. They are not given to "
                "anyone until you press ",
                Strong("Still holds"),
                " or edit them.",
            ),
        ),
        note=line("All saved answers: ", Command("answers")),
    )
    return (head, *(saved_card(s) for s in saved[:SHOWN]))


def still_holds(saved: Saved) -> str:
    return f"Thanks: “{_clip(saved.question)}” is given again, stamped with the current policy."


def edited(saved: Saved) -> str:
    return f"Saved: “{_clip(saved.question)}” now has your new answer."

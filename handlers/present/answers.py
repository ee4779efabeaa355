"""The policy's answers as people see them on either front end: the answer card and its
buttons, whole sections, the list of topics, help, and every reply to the buttons."""

from __future__ import annotations

from collections.abc import Sequence

from bot.policy.document import Section
from bot.policy.search import Answer
from bot.policy.service import MAX_QUESTION_CHARS, Asked
from bot.questions.actions import Answered, PassedOn
from handlers.present import comments, rota, saved_answers
from handlers.present.model import Button, Card, Command, Line, Person, Span, Strong, line, plain
from handlers.present.verbs import Action, CommentAction, IncidentAction, TeachAction

NOT_FOUND = "I couldn't find this in the policy."
NOT_SURE = "I'm not sure the policy answers this exactly. These are the closest passages:"
ASK_SLT_INSTEAD = "If none of these settles it, press Ask SLT and your question goes to SLT."
SECTION_GONE = "That section is no longer in the policy; it may have been updated. Ask again."
SENT_TO_SLT = "Sent to SLT. Someone will get back to you."
THANKS_HELPFUL = "Thanks, glad it helped."
THANKS_NOT_HELPFUL = "Thanks for saying. If the policy doesn't settle it, use Ask SLT."
QUESTION_EXPIRED = "That question has expired."
SECTION_PASSAGE_LIMIT = 60  # a card either front end can still carry
HELPFUL_LABEL = "👍"
NOT_HELPFUL_LABEL = "👎"

HELP: tuple[Line, ...] = (
    line(
        Command("<question>"),
        " — ask about the social networking policy, in your own words "
        "(e.g. can I follow a former pupil on Instagram?)",
    ),
    line(Command("topics"), " — the policy's sections"),
    line(Command("section <name>"), " — read a whole section"),
    *comments.HELP,
    # The other concepts' commands, listed here so that help is one list on both front ends.
    line(Command("report"), " — report an incident to SLT (anyone)"),
    line(Command("myreports"), " — where your reports stand"),
    line(Command("incidents"), " — open cases (SLT)"),
    line(Command("acknowledge"), " — confirm you have read the current policy"),
    line(Command("acknowledgements"), " — who has not confirmed it yet, with a nudge (SLT)"),
    line(Command("unanswered"), " — questions the policy could not answer (SLT)"),
    line(Command("answers"), " — the school's saved answers: edit or remove them (SLT)"),
    line(
        Command("policy versions"),
        " — the policy's versions, to roll back; send me a new file to upload one (SLT)",
    ),
    line(Command("accounts"), " — the register of school accounts"),
    line(Command("apply"), " — apply for a new school account (SLT approve)"),
    line(Command("leaver"), " — someone has left: hand over their accounts (administrators)"),
    line(Command("report-csv <from> <to>"), " — the period's figures and rows as a CSV (SLT)"),
    line(Command("review"), " — ask for a second opinion on a draft post or reply"),
    *rota.HELP,
    line(Command("settings"), " — what the set-up lacks, and the bot's settings (its admins)"),
    line(Command("health"), " — whether the bot is working, and what to fix (SLT, administrators)"),
    line(Command("help"), " — this message"),
)


def _passage_lines(answer: Answer) -> list[Line]:
    """Each passage quoted under its section, the section named once for its passages."""
    lines: list[Line] = []
    shown = ""
    for hit in answer.hits:
        if hit.section.key != shown:
            lines.append(line(Strong(hit.section.path_text)))
            shown = hit.section.key
        if hit.passage.context:
            lines.append(line(hit.passage.context))
        lines.append(line(hit.passage.text))
    return lines


def answer_card(answered: Answered, *, can_ask_slt: bool, can_share: bool) -> Card:
    """The private answer: the school's saved answer first when a question meaning the same was
    answered by SLT, then the policy's own words, said plainly to be only the closest passages
    when the bot is not sure, its version, and what the asker can do next."""
    asked: Asked = answered.asked
    answer = asked.answer
    lines: list[Line] = list(saved_answers.saved_lines(answered.saved)) if answered.saved else []
    if asked.truncated:
        lines.append(
            line(f"Your question was long, so I read its first {MAX_QUESTION_CHARS} characters.")
        )
    if answer.confident:
        lines += _passage_lines(answer)
        summary = f"From the policy ({answer.hits[0].section.path_text})"
    elif answer.hits:
        lines.append(line(NOT_SURE))
        lines += _passage_lines(answer)
        if can_ask_slt:
            lines.append(line(ASK_SLT_INSTEAD))
        summary = NOT_SURE
    else:
        lines.append(line(NOT_FOUND))
        summary = NOT_FOUND
    if answered.saved:
        summary = plain(saved_answers.answered_by_slt(answered.saved))
    question = {"question": answered.question_id}
    buttons: list[Button] = [
        Button(Action.WHOLE_SECTION, "Whole section", {"section": h.section.key})
        for h in answer.hits[:1]
    ]
    if can_ask_slt:
        buttons.append(Button(Action.ASK_SLT, "Ask SLT", question))
    buttons += [
        Button(Action.HELPFUL, HELPFUL_LABEL, question),
        Button(Action.NOT_HELPFUL, NOT_HELPFUL_LABEL, question),
    ]
    if can_share and answer.confident:
        buttons.append(Button(Action.SHARE, "Share in channel", question))
    return Card(
        summary=summary,
        lines=tuple(lines),
        note=line(f"Policy {answered.version}"),
        buttons=tuple(buttons),
    )


def shared_card(answer: Answer, *, version: str) -> Card:
    """The answer posted for everyone: the policy's words, not who asked or what."""
    return Card(
        summary=f"From the policy ({answer.hits[0].section.path_text})",
        lines=(line(Strong("From the social networking policy:")), *_passage_lines(answer)),
        note=line(f"Policy {version} · ask your own with ", Command("<question>")),
    )


def section_card(section: Section, *, version: str) -> Card:
    lines: list[Line] = []
    if len(section.path) > 1:
        lines.append(line(section.path_text))
    last_context = ""
    for passage in section.passages[:SECTION_PASSAGE_LIMIT]:
        if passage.context and passage.context != last_context:
            lines.append(line(Strong(passage.context)))
            last_context = passage.context
        lines.append(line("• ", passage.text))
    if len(section.passages) > SECTION_PASSAGE_LIMIT:
        lines.append(line("…more in the policy document."))
    return Card(
        summary=section.path_text,
        title=section.title,
        lines=tuple(lines),
        note=line(f"Policy {version}"),
    )


def section_not_found_card(name: str) -> Card:
    shown = name if len(name) <= 100 else name[:99] + "…"
    return Card(
        summary="No such section",
        lines=(
            line(
                f"I couldn't find a section called “{shown}”. ",
                Command("topics"),
                " lists them all.",
            ),
        ),
    )


def topics_card(sections: Sequence[Section], *, version: str) -> Card:
    return Card(
        summary="The policy's sections",
        title="The policy's sections",
        lines=tuple(line("• ", s.path_text) for s in sections),
        note=line("Open one with ", Command("section <name>"), f" · Policy {version}"),
    )


def help_card() -> Card:
    return Card(
        summary="How to use the social networking policy bot",
        title="Social networking policy",
        lines=(
            line(Strong("I answer questions about the school's social networking policy.")),
            *HELP,
        ),
        note=line(
            "Answers quote the policy itself. If it doesn't settle your question, use ",
            Strong("Ask SLT"),
            " under the answer.",
        ),
        buttons=(
            Button(CommentAction.LOG, comments.LOG_TITLE, opens_form=True),
            Button(IncidentAction.OPEN_REPORT, "Report an incident", opens_form=True),
        ),
    )


def feedback_reply(*, helpful: bool, found: bool) -> str:
    if not found:
        return QUESTION_EXPIRED
    return THANKS_HELPFUL if helpful else THANKS_NOT_HELPFUL


def slt_question_card(passed: PassedOn) -> Card:
    """A question passed on to SLT: the asker is named (they chose to ask), their words can
    never mention or link anyone."""
    note: list[Span] = []
    if passed.best_section:
        note += [f"Closest section: {passed.best_section} · "]
    note += ["Reply sends them your answer, and can save it as the school's answer."]
    return Card(
        summary=f"Policy question from a member of staff: {passed.text}",
        lines=(line(Person(passed.asked_by), " asked a policy question the bot couldn't settle:"),),
        quote=passed.text,
        note=tuple(note),
        buttons=(
            Button(TeachAction.REPLY, "Reply", {"question": passed.question_id}, opens_form=True),
        ),
    )

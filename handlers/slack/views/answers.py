"""Policy answers, sections, topics and help."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
)

from bot.policy.document import Passage, Section
from bot.policy.search import Answer
from bot.policy.service import MAX_QUESTION_CHARS, Asked
from handlers.present.verbs import Action
from handlers.slack.ids import COMMAND
from handlers.slack.views.common import (
    chunked_markdown,
    clip,
    escape,
    markdown,
    message,
    note,
    quote,
)


def _passage(passage: Passage) -> str:
    lead = f"_{escape(clip(passage.context, 300))}_\n" if passage.context else ""
    return lead + quote(escape(passage.text))


def _whole_section_button(section: Section) -> ButtonElement:
    return ButtonElement(text="Whole section", action_id=Action.WHOLE_SECTION, value=section.key)


def _hit_blocks(answer: Answer, *, buttons: bool) -> list[Block]:
    blocks: list[Block] = []
    for hit in answer.hits:
        text = f"*{escape(hit.section.path_text)}*\n{_passage(hit.passage)}"
        accessory = _whole_section_button(hit.section) if buttons else None
        blocks.append(markdown(text, accessory=accessory))
    return blocks


def answer_message(
    asked: Asked, *, question_id: str, version: str, slt_channel_set: bool
) -> dict[str, Any]:
    answer = asked.answer
    blocks: list[Block] = []
    if asked.truncated:
        blocks.append(
            note(f"Your question was long, so I read its first {MAX_QUESTION_CHARS} characters.")
        )
    if answer.confident:
        blocks += _hit_blocks(answer, buttons=True)
        fallback = f"From the policy ({answer.hits[0].section.path_text})"
    else:
        closest = "  These sections are the closest:" if answer.hits else ""
        blocks.append(markdown(f"I couldn't find this in the policy.{closest}"))
        blocks += [
            markdown(f"• {escape(h.section.path_text)}", accessory=_whole_section_button(h.section))
            for h in answer.hits
        ]
        fallback = "I couldn't find this in the policy."
    blocks.append(note(f"Policy {escape(version)}"))
    buttons = [
        ButtonElement(text="👍 Helpful", action_id=Action.HELPFUL, value=question_id),
        ButtonElement(text="👎 Not helpful", action_id=Action.NOT_HELPFUL, value=question_id),
    ]
    if slt_channel_set:
        buttons.append(ButtonElement(text="Ask SLT", action_id=Action.ASK_SLT, value=question_id))
    if answer.confident:
        buttons.append(
            ButtonElement(text="Share in channel", action_id=Action.SHARE, value=question_id)
        )
    blocks.append(ActionsBlock(elements=buttons))
    return message(fallback, blocks)


def shared_answer_message(answer: Answer, *, version: str) -> dict[str, Any]:
    """The answer as posted for the whole channel: the policy's words, not who asked."""
    blocks: list[Block] = [markdown("*From the social networking policy:*")]
    blocks += _hit_blocks(answer, buttons=False)
    blocks.append(note(f"Policy {escape(version)} · ask your own with `{COMMAND} <question>`"))
    return message(f"From the policy ({answer.hits[0].section.path_text})", blocks)


def section_blocks(section: Section, *, version: str) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=clip(section.title, 150))]
    if len(section.path) > 1:
        blocks.append(note(escape(section.path_text)))
    lines = []
    for passage in section.passages:
        if passage.context and (not lines or passage.context not in lines[-1]):
            lines.append(f"_{escape(passage.context)}_")
        lines.append(f"• {escape(passage.text)}")
    blocks += chunked_markdown(lines)
    blocks.append(note(f"Policy {escape(version)}"))
    return blocks


def section_message(section: Section, *, version: str) -> dict[str, Any]:
    return message(section.path_text, section_blocks(section, version=version))


def section_not_found_message(name: str) -> dict[str, Any]:
    return message(
        "No such section",
        [
            markdown(
                f"I couldn't find a section called “{escape(clip(name, 100))}”. "
                f"`{COMMAND} topics` lists them all."
            )
        ],
    )


def topics_message(sections: list[Section], *, version: str) -> dict[str, Any]:
    blocks: list[Block] = [markdown("*The policy's sections*")]
    blocks += chunked_markdown(f"• {escape(s.path_text)}" for s in sections)
    blocks.append(note(f"Open one with `{COMMAND} section <name>` · Policy {escape(version)}"))
    return message("The policy's sections", blocks)


HELP_LINES = (
    f"`{COMMAND} <question>` — ask about the social networking policy, in your own words "
    "(e.g. _can I follow a former pupil on Instagram?_)",
    f"`{COMMAND} topics` — the policy's sections",
    f"`{COMMAND} section <name>` — read a whole section",
    f"`{COMMAND} help` — this message",
)


def help_message(extra_lines: tuple[str, ...] = ()) -> dict[str, Any]:
    blocks: list[Block] = [
        markdown("*I answer questions about the school's social networking policy.*"),
        markdown("\n".join((*HELP_LINES, *extra_lines))),
        DividerBlock(),
        note(
            "Answers quote the policy itself. If it doesn't settle your question, "
            "use *Ask SLT* under the answer."
        ),
    ]
    return message("How to use the social networking policy bot", blocks)


def slt_question_message(
    *, question: str, user_id: str, best_section: str | None
) -> dict[str, Any]:
    """A question passed on to SLT: the asker is named, their words cannot ping anyone."""
    closest = f"\nClosest section: {escape(best_section)}" if best_section else ""
    blocks: list[Block] = [
        markdown(
            f"*<@{user_id}> asked a policy question the bot couldn't settle:*\n"
            f"{quote(escape(question))}{closest}"
        ),
        note("Reply in this thread or message them directly."),
    ]
    return message(f"Policy question from a member of staff: {escape(question)}", blocks)

"""The seven-day watch as both front ends show it: the daily check-in, the alerts when an
account has not been checked, the rota and the coverage SLT see."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from bot.rota.actions import AlreadyChecked, Answered, Duty, RotaError, RotaView
from bot.rota.coverage import AccountCoverage
from bot.rota.days import DAY_KINDS, DayKind, Holiday
from bot.rota.messages import CheckInAsk, CheckInMissed
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
)
from handlers.present.time import duration
from handlers.present.verbs import RotaAction

DAY_KIND_LABELS: dict[DayKind, str] = {
    DayKind.WEEKDAY: "Weekdays (term time)",
    DayKind.WEEKEND: "Weekends",
    DayKind.SCHOOL_HOLIDAY: "School holidays (weekdays)",
    DayKind.BANK_HOLIDAY: "Bank holidays",
}
DAY_KIND_WORDS: dict[DayKind, str] = {
    DayKind.WEEKDAY: "a school day",
    DayKind.WEEKEND: "a weekend day",
    DayKind.SCHOOL_HOLIDAY: "a school holiday",
    DayKind.BANK_HOLIDAY: "a bank holiday",
}
ROTA_TITLE = "Who watches this account"
ROTA_HINT = "The first is asked each day; if they can't, the next, in the order chosen."
ABSENCE_TITLE = "Away on a day"
HOLIDAYS_TITLE = "School holidays"
HOLIDAYS_HINT = (
    "One a line, e.g. 26/10/2026 - 30/10/2026 Half term, or 6/11/2026 INSET day. "
    "Or attach the school's calendar file (.ics)."
)
FIELD_LABELS = {
    "day": "Day",
    "absent": "Who is away",
    "cover": "Who covers (optional)",
    "holidays": "Holidays",
}


def day_words(day: date) -> str:
    return day.strftime("%a %-d %b")


def ask_card(ask: CheckInAsk) -> Card:
    """The daily question, privately to the person on duty."""
    ref = {"check_in": ask.check_in_id, "version": ask.version}
    lines: list[Line] = [
        line(
            "Have you checked ",
            Strong(ask.account),
            f" today ({day_words(ask.day)}, {DAY_KIND_WORDS[ask.day_kind]})?",
        ),
        line("Look for new comments and messages since the last check; log any that need a reply."),
    ]
    if ask.instead_of:
        lines.append(line("You're asked in place of ", Person(ask.instead_of), "."))
    return Card(
        summary=f"Have you checked {ask.account} today?",
        title="Daily check",
        lines=tuple(lines),
        buttons=(
            Button(RotaAction.CHECKED, "Checked, nothing new", ref, Style.PRIMARY),
            Button(RotaAction.LOGGING, "Checked, logging comments", ref, opens_form=True),
            Button(RotaAction.CANT, "Can't today", ref),
        ),
    )


def refusal(error: RotaError) -> Card:
    """Why an answer or form was refused, naming who checked when someone already had."""
    if isinstance(error, AlreadyChecked) and error.by:
        said = line("Already checked today by ", Person(error.by), ".")
    else:
        said = line(str(error))
    return Card(summary=str(error), lines=(said,))


def answered_card(answered: Answered, *, user: str) -> Card:
    """What the ask becomes once answered, for whoever answered it."""
    if answered.answer == "cant":
        who = (
            line("I've asked ", Person(answered.next_asked), " instead.")
            if answered.next_asked
            else line("Nobody else is on today's list: I've told the account's lead.")
        )
        return Card(
            summary=f"Noted: you can't check {answered.account} today",
            lines=(line("Noted: you can't check ", Strong(answered.account), " today."), who),
        )
    if answered.answer == "moved":
        return Card(summary="Absence recorded", lines=(line("Absence recorded."),))
    words = "nothing new" if answered.answer == "nothing_new" else "logging comments"
    return Card(
        summary=f"{answered.account} checked",
        lines=(
            line(
                "Thanks: ",
                Strong(answered.account),
                f" checked on {day_words(answered.day)} by ",
                Person(user),
                f" ({words}).",
            ),
        ),
    )


def missed_card(missed: CheckInMissed) -> Card:
    """To the account's lead, then SLT: nobody has checked it yet today."""
    when = day_words(missed.day)
    lines: list[Line] = [line(Strong(missed.account), f" has not been checked yet today ({when}).")]
    if missed.nobody_on_rota:
        lines.append(line("Nobody is on its rota for this kind of day."))
    elif missed.asked:
        asked: list[Span] = ["Asked: "]
        for n, person in enumerate(missed.asked):
            asked.extend([", " if n else "", Person(person)])
            if person in missed.declined:
                asked.append(" (can't today)")
        lines.append(line(*asked, "."))
    lines.append(line("Account lead: ", Person(missed.lead), "."))
    if missed.to_slt:
        lines.append(line("The policy asks for school accounts to be monitored every day."))
    return Card(
        summary=f"{missed.account} not checked today",
        title="Account not checked" + (" (SLT)" if missed.to_slt else ""),
        alert=line("Nobody has confirmed checking this account today."),
        lines=tuple(lines),
    )


def rota_card(view: RotaView) -> Card:
    lines = [
        line(f"{DAY_KIND_LABELS[kind]}: ", *_people(view.rota.get(kind, ()))) for kind in DAY_KINDS
    ]
    buttons = (
        (
            Button(
                RotaAction.OPEN_ROTA,
                "Change the rota",
                {"account": view.account_id},
                opens_form=True,
            ),
        )
        if view.may_change
        else ()
    )
    return Card(
        summary=f"Rota for {view.account}",
        title=f"Rota: {view.account}",
        lines=(*lines, line("Lead: ", Person(view.lead))),
        buttons=(
            *buttons,
            Button(
                RotaAction.ABSENCE,
                "I'm away on a day",
                {"account": view.account_id},
                opens_form=True,
            ),
        ),
    )


def _people(people: Sequence[str]) -> Line:
    if not people:
        return line("nobody")
    spans: list[Span] = []
    for n, person in enumerate(people):
        spans.extend([", " if n else "", Person(person)])
    return line(*spans)


def duties_card(duties: Sequence[Duty]) -> Card:
    if not duties:
        return Card(
            summary="You're not on any watch in the next two weeks",
            lines=(line("You're not first on any account's watch in the next two weeks."),),
        )
    return Card(
        summary="Your watch in the next two weeks",
        title="Your watch",
        lines=tuple(
            line(f"{day_words(d.day)} ({DAY_KIND_WORDS[d.day_kind]}): ", Strong(d.account))
            for d in duties
        ),
    )


def coverage_lines(coverage: Sequence[AccountCoverage]) -> tuple[Line, ...]:
    """Per account: days checked and missed, who covered, how long comments waited to be logged."""
    if not coverage:
        return (line("No account has a rota yet."),)
    lines = []
    for c in coverage:
        spans: list[Span] = [
            Strong(c.account),
            f": {c.days_checked} days checked, {c.days_missed} missed",
        ]
        if c.covered_by:
            spans.append("; covered by ")
            for n, (person, days) in enumerate(c.covered_by):
                spans.extend([", " if n else "", Person(person), f" ({days})"])
        if c.median_to_log is not None and c.longest_to_log is not None:
            spans.append(
                f"; comments logged {duration(c.median_to_log)} after arriving (median), "
                f"longest {duration(c.longest_to_log)}"
            )
        lines.append(line(*spans))
    return tuple(lines)


def holidays_lines(holidays: Sequence[Holiday]) -> tuple[Line, ...]:
    if not holidays:
        return (line("No school holidays entered: every weekday counts as a school day."),)
    return tuple(
        line(f"{day_words(h.first)} – {day_words(h.last)}: {h.name}")
        if h.first != h.last
        else line(f"{day_words(h.first)}: {h.name}")
        for h in holidays
    )


# What the front ends show of the watch: its forms, their answers, SLT's view ---------------

WATCH_TITLE = "Seven-day watch"
HELP: tuple[Line, ...] = (
    line(Command("rota"), " — your watch over the school's accounts, and who watches each"),
    line(Command("holidays"), " — the school's holidays, which decide who is on watch (SLT)"),
)


def holidays_text(holidays: Sequence[Holiday]) -> str:
    """The holidays one a line, as SLT type them: the holidays form shows them to change."""
    return "\n".join(
        f"{h.first:%d/%m/%Y} - {h.last:%d/%m/%Y} {h.name}"
        if h.first != h.last
        else f"{h.first:%d/%m/%Y} {h.name}"
        for h in holidays
    )


def absence_card(*, day: date, absent: str, cover: str | None, moved: Answered | None) -> Card:
    """An absence recorded, and whether today's question moved to someone else."""
    lines: list[Line] = [line("Recorded: ", Person(absent), f" is away on {day_words(day)}.")]
    if cover:
        lines.append(line(Person(cover), " covers."))
    if moved is not None:
        lines.append(
            line("Today's check is now asked of ", Person(moved.next_asked), ".")
            if moved.next_asked
            else line("Nobody else is on today's list for ", Strong(moved.account), ".")
        )
    return Card(summary="Absence recorded", title=ABSENCE_TITLE, lines=tuple(lines))


def holidays_card(holidays: Sequence[Holiday], *, may_set: bool) -> Card:
    """The school's holidays, with the form to change them for SLT."""
    return Card(
        summary=HOLIDAYS_TITLE,
        title=HOLIDAYS_TITLE,
        lines=holidays_lines(holidays),
        buttons=(Button(RotaAction.HOLIDAYS, "Change the holidays", opens_form=True),)
        if may_set
        else (),
    )


def watch_card(coverage: Sequence[AccountCoverage], holidays: Sequence[Holiday]) -> Card:
    """SLT's view of the watch: the last seven days' coverage, then the school's holidays."""
    return Card(
        summary=f"{WATCH_TITLE}: the last seven days",
        title=WATCH_TITLE,
        lines=(
            line(Strong("The last seven days")),
            *coverage_lines(coverage),
            line(Strong(HOLIDAYS_TITLE)),
            *holidays_lines(holidays),
        ),
        buttons=(Button(RotaAction.HOLIDAYS, "Change the holidays", opens_form=True),),
    )


def rota_saved(view: RotaView) -> str:
    return f"Rota saved for {view.account}."


def absence_saved(answered: Answered | None, *, name: Callable[[str], str]) -> str:
    if answered is None:
        return "Absence recorded."
    if answered.next_asked:
        return f"Absence recorded. Today's check-in has gone to {name(answered.next_asked)}."
    return "Absence recorded. Nobody else is on today's list for this account."


def holidays_saved(holidays: Sequence[Holiday]) -> str:
    count = len(holidays)
    return f"Saved: {count} school holiday{'s' if count != 1 else ''}."


def digest_coverage_lines(coverage: Sequence[AccountCoverage]) -> tuple[Line, ...]:
    """The digest's part: the week's coverage under its heading; nothing for a school whose
    accounts had no check-in that week (it does not use the watch)."""
    if not coverage:
        return ()
    return (line(Strong(WATCH_TITLE)), *coverage_lines(coverage))

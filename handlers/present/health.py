"""The bot's health as both front ends show it to SLT and the administrators: each sweep's last
run, deliveries being retried or given up, the policy's review date, and what to configure."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.health.service import DeliveryCount, HealthReport, PolicyReview, Problem, Sweep
from bot.setup.actions import Form
from handlers.present.model import Card, Command, Line, Strong, line
from handlers.present.settings import FORM_BUTTONS
from handlers.present.time import duration, local

TITLE = "Bot health"
ALL_WELL = "✅ Everything is working."
NOTHING_RETRYING = "None: every delivery has gone."
NO_SWEEPS = "No sweep has run yet: the scheduler may not have started."

# What each kind of delivery is, by where it comes from and its kind (see `bot.notices`).
DELIVERIES: dict[tuple[str, str], str] = {
    ("incident", "card"): "case card to SLT",
    ("incident", "confirm"): "confirmation to the reporter",
    ("incident", "urgent-dm"): "urgent alert to an SLT member",
    ("incident", "media"): "alert to a media spokesperson",
    ("incident", "refresh"): "case card redrawn",
    ("incident", "step"): "case step in the card's thread",
    ("incident", "told"): "status update to the reporter",
    ("incident", "reping"): "re-ping to SLT",
    ("incident", "idle"): "reminder to the case lead",
    ("incident", "platform"): "chase of a report to a platform",
    ("comment", "card"): "comment card to the moderators",
    ("comment", "escalation"): "comment escalated to SLT",
    ("comment", "reminder"): "reminder in a comment's thread",
    ("comment", "reminder-dm"): "reminder to a comment's assignee",
    ("redraw", "comment"): "erased comment's message redrawn",
    ("redraw", "review"): "erased draft's message redrawn",
    ("notice", "digest"): "weekly digest",
}
UNREACHED = "unreached-"


def delivery_name(count: DeliveryCount) -> str:
    if count.kind.startswith(UNREACHED):
        return f"telling SLT someone could not be reached ({count.source})"
    known = DELIVERIES.get((count.source, count.kind))
    return known or f"{count.source} {count.kind.replace('-', ' ')}"


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return local(moment, zone) if moment is not None else "never"


def _sweep(sweep: Sweep, *, zone: ZoneInfo, now: datetime) -> Line:
    words = ["SLT" if word == "slt" else word for word in sweep.job.split("-")]
    name = " ".join(words)[:1].upper() + " ".join(words)[1:]
    every = f"every {duration(sweep.every)}"
    if sweep.failing:
        mark, state = "❌", f"last run failed {_when(sweep.last_failed, zone)} ({sweep.error})"
    elif sweep.overdue:
        since = sweep.last_succeeded
        late = f"for {duration(now - since)}" if since is not None else "since it was started"
        mark, state = "⚠️", f"overdue: no run has finished {late}"
    elif sweep.last_succeeded is None:
        mark, state = "⏳", "not run yet"
    else:
        mark, state = "✅", f"ran {_when(sweep.last_succeeded, zone)}"
    if (sweep.failing or sweep.overdue) and sweep.last_succeeded is not None:
        state += f"; last success {_when(sweep.last_succeeded, zone)}"
    return line(f"{mark} ", Strong(name), f" — {state} ({every})")


def _count(count: DeliveryCount, *, zone: ZoneInfo, verb: str) -> Line:
    at = f", {verb} {local(count.at, zone)}" if count.at is not None else ""
    return line(f"• {count.count} × {delivery_name(count)}{at}")


def _policy(review: PolicyReview, *, today: date) -> Line:
    if review.due is None:
        mark, state = "⚠️", "no review date: set POLICY_REVIEW_DUE, or give the document one"
    else:
        when = f"{review.due:%-d %B %Y}"
        if review.overdue:
            mark, state = "⚠️", f"its review was due on {when} and is overdue"
        elif review.due_soon:
            mark, state = "⚠️", f"review due on {when}, in {(review.due - today).days} days"
        else:
            mark, state = "✅", f"review due on {when}"
    return line(f"{mark} Live policy: ", review.version, f" — {state}")


def _problem(problem: Problem) -> tuple[Line, Line]:
    return (
        line("⚠️ ", Strong(problem.what), f": {problem.why}."),
        line(f"To fix: {problem.fix}."),
    )


def attention(report: HealthReport) -> int:
    """How many things need someone's attention."""
    return (
        len([s for s in report.sweeps if s.failing or s.overdue])
        + len(report.retrying)
        + len(report.problems)
        + (1 if report.policy.overdue or report.policy.due_soon else 0)
    )


def health_card(report: HealthReport, *, zone: ZoneInfo) -> Card:
    """Everything on one card, the same in App Home, the slash command and Teams."""
    now, today = report.at, report.at.astimezone(zone).date()
    needs = attention(report)
    lines: list[Line] = [] if needs else [line(ALL_WELL)]
    lines.append(line(Strong("Sweeps")))
    lines += [_sweep(s, zone=zone, now=now) for s in report.sweeps] or [line(NO_SWEEPS)]
    lines.append(line(Strong("Deliveries being retried")))
    lines += [_count(c, zone=zone, verb="failing since") for c in report.retrying] or [
        line(NOTHING_RETRYING)
    ]
    if report.given_up:
        lines.append(line(Strong("Given up on in the last 30 days")))
        lines += [_count(c, zone=zone, verb="last") for c in report.given_up]
    lines += [line(Strong("Policy")), _policy(report.policy, today=today)]
    if report.problems:
        lines.append(line(Strong("Configuration")))
        for problem in report.problems:
            lines += _problem(problem)
    summary = f"{TITLE}: {needs} to look at" if needs else f"{TITLE}: everything is working"
    return Card(
        summary=summary,
        title=TITLE,
        alert=line(f"⚠️ {needs} thing{'s' if needs != 1 else ''} to look at") if needs else None,
        lines=tuple(lines),
        note=line(f"As of {local(now, zone)}. Ask again with ", Command("health"), "."),
        buttons=tuple(
            FORM_BUTTONS[form]
            for form in Form
            if any(problem.action == form for problem in report.problems)
        ),
    )

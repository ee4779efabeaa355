"""The policy's versions as both front ends show them to SLT: the preview of an uploaded file
against the live version (Confirm / Cancel), what happened when it was confirmed or cancelled,
and the list of versions with their history and Roll back."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.policy import versions
from bot.policy.actions import Preview, Switched, VersionEntry
from handlers.present.knowledge import NUDGE_LABEL
from handlers.present.model import Button, Card, Command, Line, Person, Span, Strong, Style, line
from handlers.present.time import local
from handlers.present.verbs import KnowledgeAction, PolicyVersionAction

HEADINGS_SHOWN = 12  # of the new version's sections
CHANGES_SHOWN = 10  # of each kind of change
VERSIONS_SHOWN = 10
ROLLBACKS_OFFERED = 4  # buttons: Teams shows six actions at most
UPLOAD_TITLE = "Upload a new policy"
UPLOAD_HINT = (
    "To upload a new version, send me the file (.pdf, .docx, .md, .txt or .html) in our chat: "
    "I'll show you what changes before anything does."
)
UPLOAD_FORM_HINT = (
    "Choose the policy file (.pdf, .docx, .md, .txt or .html). I'll show you what changes "
    "before anything does."
)
NO_FILE = "Choose the policy file to upload."


def _some(names: Sequence[str], shown: int) -> str:
    listed = "; ".join(names[:shown])
    return listed + (f"; …and {len(names) - shown} more" if len(names) > shown else "")


def _who(user: str) -> Span:
    return "set-up (POLICY_PATH)" if user == versions.SETUP else Person(user)


def preview_card(preview: Preview) -> Card:
    """What Confirm would change: the file read, and how it differs from the live version."""
    changes = preview.changes
    lines: list[Line] = [
        line(
            Strong(preview.file_name),
            f" has {len(preview.headings)} section{'s' if len(preview.headings) != 1 else ''}: ",
            _some(preview.headings, HEADINGS_SHOWN),
        ),
        line(
            "Review date: ",
            f"{preview.review_date:%-d %B %Y}"
            if preview.review_date
            else (preview.review_text or "none found in the document"),
            ". Answers will name this version “",
            preview.label,
            "”.",
        ),
        line("Compared with the policy in force (", preview.live_label, "):"),
    ]
    for title, names in (
        ("Added", changes.added),
        ("Removed", changes.removed),
        ("Changed", changes.changed),
    ):
        if names:
            lines.append(line(Strong(f"{title} ({len(names)}):"), " ", _some(names, CHANGES_SHOWN)))
    if changes.none:
        lines.append(line("No section's text differs (only the file or its layout does)."))
    ref = {"version": preview.version_id}
    return Card(
        summary=f"Preview of the new policy {preview.file_name}: confirm or cancel",
        title="New policy version: preview",
        lines=tuple(lines),
        note=line(
            "Nothing changes until you confirm. Then every answer comes from this version, "
            "and staff are asked to confirm they have read it."
        ),
        buttons=(
            Button(PolicyVersionAction.CONFIRM, "Confirm", ref, style=Style.PRIMARY),
            Button(PolicyVersionAction.CANCEL, "Cancel", ref),
        ),
    )


def live_card(switched: Switched, *, missing: int, total: int) -> Card:
    """To whoever confirmed or rolled back: live for everyone, and who has to confirm it."""
    did = "Rolled back: " if switched.kind == versions.ROLLBACK else ""
    said = line(
        did,
        Strong(switched.file_name),
        " (",
        switched.label,
        ") is now the policy in force, for everyone.",
    )
    lines = [said]
    if total:
        lines.append(
            line(
                Strong(f"{missing} of {total}"),
                " staff have still to confirm they have read this version.",
            )
        )
    else:
        lines.append(line("Staff are asked to confirm they have read this version."))
    return Card(
        summary=f"{did}{switched.file_name} is now the policy in force",
        lines=tuple(lines),
        note=line("See who has with ", Command("acknowledgements"), "."),
        buttons=(Button(KnowledgeAction.NUDGE, NUDGE_LABEL),) if missing else (),
    )


def cancelled_card(file_name: str) -> Card:
    said = line("Cancelled: ", Strong(file_name), " was not made live. Nothing changed.")
    return Card(summary=f"Cancelled: {file_name} was not made live", lines=(said,))


def _history(entry: VersionEntry, zone: ZoneInfo) -> Line:
    steps = [("uploaded", entry.uploaded_by, entry.uploaded_at)]
    if entry.confirmed_by and entry.confirmed_at:
        steps.append(("confirmed", entry.confirmed_by, entry.confirmed_at))
    if entry.cancelled_by and entry.cancelled_at:
        steps.append(("cancelled", entry.cancelled_by, entry.cancelled_at))
    steps += [("rolled back to", who, when) for who, when in entry.rolled_back]
    spans: list[Span] = []
    for what, who, when in steps:
        spans += ["; " if spans else "", f"{what} by ", _who(who), f" on {local(when, zone)}"]
    return tuple(spans)


def _state(entry: VersionEntry) -> str:
    if entry.live:
        return " — in force"
    if entry.waiting:
        return " — waiting to be confirmed"
    if entry.cancelled_at:
        return " — cancelled"
    return ""


def versions_card(entries: Sequence[VersionEntry], *, zone: ZoneInfo, upload_hint: str) -> Card:
    """Every version, newest first, with its history, and Roll back to the recent ones."""
    if not entries:
        return Card(
            summary="No policy versions stored yet",
            title="Policy versions",
            lines=(line("No version of the policy is stored yet: it is read from its files."),),
            note=line(upload_hint),
        )
    lines: list[Line] = []
    for entry in entries[:VERSIONS_SHOWN]:
        lines.append(
            line(Strong(f"v{entry.id} {entry.file_name}"), " (", entry.label, ")", _state(entry))
        )
        lines.append(_history(entry, zone))
    if len(entries) > VERSIONS_SHOWN:
        lines.append(line(f"…and {len(entries) - VERSIONS_SHOWN} earlier versions."))
    earlier = [e for e in entries if e.can_roll_back][:ROLLBACKS_OFFERED]
    return Card(
        summary=f"{len(entries)} policy versions",
        title="Policy versions",
        lines=tuple(lines),
        note=line(upload_hint),
        buttons=tuple(
            Button(PolicyVersionAction.ROLL_BACK, f"Roll back to v{e.id}", {"version": e.id})
            for e in earlier
        ),
    )


def upload_home_card() -> Card:
    """App Home, for SLT: upload a new version from a form."""
    return Card(
        summary=UPLOAD_TITLE,
        lines=(
            line(
                "A new version of the policy? Upload it here (or send it to me in our chat); "
                "see earlier versions with ",
                Command("policy versions"),
                ".",
            ),
        ),
        buttons=(Button(PolicyVersionAction.UPLOAD, UPLOAD_TITLE, opens_form=True),),
    )


def said_card(text: str) -> Card:
    """A plain sentence (a refusal, why a file cannot be used), its file names escaped."""
    return Card(summary=text, lines=(line(text),))


def live_notice(*, file_name: str, label: str, by: str | None, rolled_back: bool) -> Card:
    """To SLT's channel: a new version is in force, and staff are asked to confirm it."""
    who: Span = Person(by) if by else "SLT"
    did = " rolled the policy back to " if rolled_back else " confirmed a new policy version: "
    said = line(who, did, Strong(file_name), " (", label, ").")
    return Card(
        summary=f"The policy in force is now {file_name}",
        lines=(
            said,
            line(
                "Every answer now comes from it, and staff are asked to confirm they have read "
                "it. See who has with ",
                Command("acknowledgements"),
                ".",
            ),
        ),
    )

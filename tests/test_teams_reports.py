"""Reports in Teams: `report-csv` through the file consent flow, and the weekly digest's chart,
checked against the same known week of records as the Slack reports."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest

from bot.app.jobs import DIGEST_JOB
from tests.report_data import MONDAY_8AM, SECRET, record_a_week
from tests.teams_bot import SLT, SLT_CONVERSATION, STAFF, TeamsBot
from tests.teams_standin import Sent

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
REPORT = "social-media-2026-11-16-to-2026-11-22.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def week(teams_bot: TeamsBot) -> TeamsBot:
    record_a_week(teams_bot.bot.runtime.services, staff=STAFF, slt=SLT)
    return teams_bot


def _last(teams_bot: TeamsBot, conversation: str) -> Sent:
    return teams_bot.connector.to(conversation, "POST")[-1]


def _answer(teams_bot: TeamsBot, action: str, context: Any, *, user: str = SLT) -> dict[str, Any]:
    """What Teams sends when the user presses Allow or Decline on the consent card."""
    value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": context}
    if action == "accept":
        value["uploadInfo"] = {
            "name": REPORT,
            "uploadUrl": teams_bot.connector.upload_url(REPORT),
            "contentUrl": f"https://school.sharepoint.com/personal/slt/Documents/{REPORT}",
            "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
            "fileType": "csv",
        }
    response = teams_bot.teams.invoke("fileConsent/invoke", value, user=user)
    assert response.status_code == 200
    return value


def test_report_csv_refused_and_explained(week: TeamsBot) -> None:
    teams = week.teams
    teams.message("report-csv 2026-11-16 2026-11-22", user=STAFF)
    assert "Only SLT can run reports" in _last(week, f"a:{STAFF}").text

    teams.message("report-csv last week", user=SLT)
    assert "Give two dates" in _last(week, f"a:{SLT}").text
    assert "report-csv 2026-09-01 2026-12-18" in _last(week, f"a:{SLT}").text
    teams.message("report-csv 2026-11-22 2026-11-16", user=SLT)
    assert "must not be before the first" in _last(week, f"a:{SLT}").text

    teams.message(
        "report-csv 2026-11-16 2026-11-22",
        user=SLT,
        conversation=SLT_CONVERSATION,
        conversation_type="channel",
        mention=True,
    )
    assert "only in a personal chat" in _last(week, SLT_CONVERSATION).text
    assert all(
        a["contentType"] != FILE_CONSENT
        for s in week.connector.sent
        for a in s.body.get("attachments", [])
    )


def test_report_csv_offered_accepted_uploaded_and_shown(week: TeamsBot) -> None:
    week.teams.message("report-csv 2026-11-16 2026-11-22", user=SLT)

    offer = _last(week, f"a:{SLT}").body["attachments"][0]
    assert offer["contentType"] == FILE_CONSENT and offer["name"] == REPORT
    consent = offer["content"]
    assert consent["description"] == "Social media policy report, 2026-11-16 to 2026-11-22"
    assert consent["acceptContext"] == {"report": "csv", "from": "2026-11-16", "to": "2026-11-22"}
    assert SECRET not in json.dumps(offer)

    # Someone who is not SLT cannot use the offer, even with its context.
    _answer(week, "accept", consent["acceptContext"], user=STAFF)
    assert "Only SLT" in _last(week, f"a:{STAFF}").text and week.connector.uploads == []

    accepted = _answer(week, "accept", consent["acceptContext"])

    [upload] = week.connector.uploads
    size = len(upload.body)
    assert upload.name == REPORT and size == consent["sizeInBytes"]
    assert upload.headers["content-range"] == f"bytes 0-{size - 1}/{size}"
    assert "authorization" not in upload.headers  # the URL carries its own credential
    csv_text = upload.body.decode()
    assert csv_text.startswith("figure,value\r\n")
    assert "comments logged,4" in csv_text and "breaches,2" in csv_text
    assert "answered within the limit (%),50" in csv_text
    assert "comment,platform,kind,from,received,due,responded,response (hours),within limit" in (
        csv_text
    )
    assert (
        "\r\n3,facebook,query,parent,2026-11-19T08:00+00:00,2026-11-20T08:00+00:00,"
        "2026-11-20T14:00+00:00,30.0,no\r\n"
    ) in csv_text
    assert "INC-2026-0001,bullying,no" in csv_text and "INC-2026-0002,copyright" in csv_text
    assert SECRET not in csv_text

    shown = _last(week, f"a:{SLT}").body["attachments"][0]
    info = accepted["uploadInfo"]
    assert shown == {
        "contentType": FILE_INFO,
        "contentUrl": info["contentUrl"],
        "name": REPORT,
        "content": {"uniqueId": info["uniqueId"], "fileType": "csv"},
    }


def test_report_csv_declined_keeps_nothing(week: TeamsBot) -> None:
    week.teams.message("report-csv 2026-11-16 2026-11-22", user=SLT)
    consent = _last(week, f"a:{SLT}").body["attachments"][0]["content"]

    _answer(week, "decline", consent["declineContext"])

    assert "nothing of it was kept" in _last(week, f"a:{SLT}").text
    assert week.connector.uploads == []


def test_weekly_digest_in_teams_with_the_figures_and_the_chart(week: TeamsBot) -> None:
    week.teams.message("where do i park", user=STAFF)  # a question the policy cannot answer
    bot = week.bot
    bot.clock.set(MONDAY_8AM - timedelta(minutes=1))
    assert bot.tick(DIGEST_JOB) == 0
    bot.clock.set(MONDAY_8AM + timedelta(minutes=1))

    assert bot.tick(DIGEST_JOB) == 1
    assert bot.tick(DIGEST_JOB) == 0

    digest = _last(week, SLT_CONVERSATION)
    card, image = digest.body["attachments"]
    text = json.dumps(card["content"], ensure_ascii=False)
    assert "the week in figures" in text
    assert "**Comments logged:** 4 · **answered within 24 hours:** 2 (50%)" in text
    assert "median 10h 00m, 90th percentile 1d 2h · **breaches:** 2" in text
    assert "**Incidents opened:** Bullying or harassment 1, Copyright 1" in text
    assert "**Incidents closed:** Bullying or harassment 1" in text
    assert "**Average time to acknowledge a case:** 30m" in text
    assert "**Open account handovers:** 0 · **drafts awaiting a second opinion:** 0" in text
    assert "Questions the policy could not answer" in text and "1× “where do i park”" in text
    assert "16 Nov to 23 Nov 2026" in text
    assert SECRET not in digest.text

    assert image["contentType"] == "image/png"
    prefix = "data:image/png;base64,"
    assert image["contentUrl"].startswith(prefix)
    png = base64.b64decode(image["contentUrl"][len(prefix) :], validate=True)
    assert png.startswith(PNG_SIGNATURE) and b"Matplotlib" in png
    assert 5_000 < len(png) < 60_000
    assert len(digest.text.encode()) < 80_000  # Teams refuses bot messages much over 100 KB

    bot.clock.advance(timedelta(weeks=1))
    assert bot.tick(DIGEST_JOB) == 1


def test_report_csv_stale_offer_or_failed_upload_says_so(week: TeamsBot) -> None:
    _answer(week, "accept", {"report": "csv"})
    assert "can no longer be used" in _last(week, f"a:{SLT}").text

    context = {"report": "csv", "from": "2026-11-16", "to": "2026-11-22"}
    failing = {
        "type": "fileUpload",
        "action": "accept",
        "context": context,
        "uploadInfo": {"name": REPORT, "uploadUrl": f"{week.bot.base_url}/nowhere"},  # 404
    }
    assert week.teams.invoke("fileConsent/invoke", failing, user=SLT).status_code == 200

    assert "could not be saved to your OneDrive" in _last(week, f"a:{SLT}").text
    assert week.connector.uploads == []
    assert FILE_INFO not in json.dumps([s.body for s in week.connector.sent])

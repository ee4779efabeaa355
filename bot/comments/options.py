"""The choices offered when logging and closing a comment: value → label."""

from __future__ import annotations

PLATFORMS: dict[str, str] = {
    "facebook": "Facebook",
    "x": "X/Twitter",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "learning_platform": "School learning platform",
    "other": "Other",
}

KINDS: dict[str, str] = {
    "comment": "Comment",
    "query": "Query",
    "complaint": "Complaint",
}

AUTHORS: dict[str, str] = {
    "parent": "Parent/carer",
    "pupil": "Pupil",
    "staff": "Staff",
    "public": "Member of the public",
    "press": "Press",
    "unknown": "Unknown",
}

RESPONSES: dict[str, str] = {
    "acknowledged": "Acknowledged receipt",
    "answered": "Answered",
    "removed": "Hidden/deleted and blocked (abuse rules)",
    "referred_slt": "Referred to SLT",
    "referred_complaints": "Referred to the complaints procedure",
}

OTHER_ACCOUNT = "other"
SUMMARY_LIMIT = 500
NOTE_LIMIT = 1000
LINK_LIMIT = 500
ACCOUNT_LIMIT = 200

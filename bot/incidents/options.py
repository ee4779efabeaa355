"""The choices on incident forms: value → label, and what each kind engages in the policy."""

from __future__ import annotations

KINDS: dict[str, str] = {
    "bullying": "Bullying or harassment",
    "offensive": "Offensive or inappropriate comment",
    "defamatory": "Defamatory content",
    "discriminatory": "Discriminatory content",
    "data_protection": "Data-protection or confidentiality breach",
    "copyright": "Copyright",
    "image_shared": "Image concern: pupil image shared",
    "image_consent": "Image concern: pupil on the do-not-publish (consent) list",
    "image_compromising": "Image concern: compromising picture",
    "staff_conduct": "Staff conduct on a personal account",
    "media": "Journalist or media contact",
    "illegal": "Illegal content",
    "account_security": "Account security",
    "other": "Other",
}

# What to look up in the school's own policy for each kind: the card names the section it finds.
POLICY_QUESTIONS: dict[str, str] = {
    "bullying": "bullying harassment abuse on social media",
    "offensive": "offensive inappropriate comments block delete report",
    "defamatory": "defamatory content unacceptable conduct",
    "discriminatory": "discriminatory content unacceptable conduct",
    "data_protection": "data protection confidentiality breach",
    "copyright": "copyright permission to share",
    "image_shared": "sharing pupil pictures online",
    "image_consent": "pupils whose images must not be published",
    "image_compromising": "compromising picture delete immediately",
    "staff_conduct": "staff personal accounts conduct disclaimer",
    "media": "journalist media contact",
    "illegal": "illegal conduct police",
    "account_security": "account passwords stored securely administrators",
    "other": "reporting incidents to senior staff",
}

ACCOUNT_TYPES: dict[str, str] = {
    "school": "A school account",
    "personal": "A personal account",
    "other": "Somewhere else",
}

INVOLVED: dict[str, str] = {
    "pupil": "Pupil(s)",
    "staff": "Staff",
    "parent": "Parent(s) or carer(s)",
    "public": "Member(s) of the public",
}

ACTIONS_TAKEN: dict[str, str] = {
    "blocked": "Blocked the account",
    "reported_platform": "Reported it to the platform",
    "deleted": "Deleted or hid it",
    "screenshot": "Kept a screenshot",
}

SEVERITIES: dict[str, str] = {
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "critical": "Critical",
}

AGENCIES: dict[str, str] = {
    "police": "Police",
    "lado": "LADO",
    "platform": "The platform",
    "other": "Other",
}

OUTCOMES: dict[str, str] = {
    "nfa": "No further action",
    "removed": "Removed at our request",
    "behaviour": "Behaviour policy",
    "disciplinary": "Disciplinary process",
    "complaints": "Complaints procedure",
    "police": "Referred to police",
}

PLATFORM_OUTCOMES: dict[str, str] = {
    "removed": "Removed",
    "refused": "Refused",
    "no_reply": "No reply",
}

DETAILS_LIMIT = 3000
NOTE_LIMIT = 1000
REFERENCE_LIMIT = 100
LINK_LIMIT = 500

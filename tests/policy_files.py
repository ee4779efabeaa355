"""The policies the policy-in-chat tests upload: the school's Markdown policy at install, and a
new version as a PDF (made here, as Word would print it) that adds a section, drops one and
changes one."""

from __future__ import annotations

from fpdf import FPDF

QUESTION = "can I fly a drone over the school field?"
NEW_PASSAGE = "never fly a drone over the school field without written permission"
OLD_POLICY = """# Social Networking Policy

Review date: September 2026

## Purpose

This policy explains how staff use social media safely.

## Using social media

Staff keep their personal accounts private at all times.

## Fax machines

Staff must not send pupil details by fax.
"""
NEW_SECTIONS = (
    ("Purpose", "This policy explains how staff use social media safely."),
    (
        "Using social media",
        "Staff keep their personal accounts private and never add pupils as friends.",
    ),
    (
        "Drones",
        "Staff never fly a drone over the school field without written permission from the "
        "headteacher.",
    ),
)


def new_policy_pdf() -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()

    def write(text: str, size: float = 11, bold: bool = False) -> None:
        pdf.set_font("Helvetica", "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.45, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    write("Social Networking Policy", 24, True)
    write("Review date: September 2027")
    for heading, text in NEW_SECTIONS:
        write(heading, 16, True)
        write(text)
    return bytes(pdf.output())

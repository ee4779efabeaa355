"""The readers for Markdown, web pages and PDFs, and the cleanup they share, on files shaped the
ways schools publish their policies: what sections and passages a member of staff would get."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from bot.policy.document import PolicyDocument, Section
from bot.policy.loader import load_policies


def load(tmp_path: Path, name: str, content: str | bytes) -> PolicyDocument:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(dedent(content), encoding="utf-8")
    else:
        path.write_bytes(content)
    return load_policies(path).documents[0]


def paths(document: PolicyDocument) -> list[tuple[str, ...]]:
    return [section.path for section in document.sections]


def section(document: PolicyDocument, *path: str) -> Section:
    return next(s for s in document.sections if s.path == path)


def texts(section: Section) -> list[str]:
    return [passage.text for passage in section.passages]


def everything(document: PolicyDocument) -> str:
    """Every heading and passage, to check what must appear nowhere."""
    return "\n".join(
        part
        for s in document.sections
        for part in (*s.path, *(p.text for p in s.passages), *(p.context or "" for p in s.passages))
    )


# -- Markdown ---------------------------------------------------------------------------------


def test_markdown_front_matter_comments_and_code_are_not_policy_text(tmp_path: Path) -> None:
    document = load(
        tmp_path,
        "phones.md",
        """\
        ---
        title: Use of Mobile Phones
        review_date: 2026-09-01
        ---

        <!-- Draft: check with the DSL before publishing -->

        # Personal phones

        Staff keep phones in a locker. <!-- was: the staff room -->

            # Not a heading: indented text from a Word export

        ```
        ## Nor is this
        ```
        """,
    )

    assert document.title == "Use of Mobile Phones"
    assert paths(document) == [("Personal phones",)]
    assert texts(section(document, "Personal phones")) == [
        "Staff keep phones in a locker.",
        "# Not a heading: indented text from a Word export",
        "## Nor is this",
    ]
    assert "DSL" not in everything(document)
    assert "review_date" not in everything(document)


def test_markdown_lists_nest_as_commonmark_says(tmp_path: Path) -> None:
    document = load(
        tmp_path,
        "trips.md",
        """\
        # Trips

        On a school trip staff:

        1. take the school phone
           - charged
           - with the office number saved
        2. post nothing until everyone is home
        * a new list, because its marker differs

        See [the trips policy](https://example.org/trips) and [the code](#code).
        """,
    )

    trips = section(document, "Trips").passages
    lead_in = "On a school trip staff:"
    assert [(p.text, p.context) for p in trips] == [
        (lead_in, None),
        ("take the school phone", lead_in),
        ("charged", f"{lead_in} › take the school phone"),
        ("with the office number saved", f"{lead_in} › take the school phone"),
        ("post nothing until everyone is home", lead_in),
        ("a new list, because its marker differs", lead_in),
        ("See the trips policy (https://example.org/trips) and the code.", None),
    ]


def test_a_lazy_line_continues_its_list_item(tmp_path: Path) -> None:
    # CommonMark: a line that is not indented still continues the paragraph of the item above.
    document = load(tmp_path, "p.md", "# Photos\n\n- Ask before\nposting a photo\n")

    assert texts(section(document, "Photos")) == ["Ask before posting a photo"]


# -- Letterhead, contents and captions, in any format -----------------------------------------


def test_letterhead_contents_and_captions_never_become_headings(tmp_path: Path) -> None:
    document = load(
        tmp_path,
        "letterhead.md",
        """\
        ![Oak Primary School logo](logo.png)

        **Oak Primary School**

        12 Acorn Lane

        Riverside RV1 2AB

        Tel: 01234 567890 | office@oak.sch.uk | www.oak.sch.uk

        **Member of the Oak Learning Alliance**

        # Social Media Policy

        ## Contents

        1. Purpose ........ 2
        2. Sanctions ........ 3

        ## Purpose

        This policy says how staff at Oak use social media, in school and at home alike.

        Figure 1: how a concern is reported

        ## Sanctions

        **Actions / Sanctions**

        | Incident | Action |
        |---|---|
        | Offensive post | Refer to the head |

        ## Review

        The governors review this policy every year.
        """,
    )

    assert document.title == "Social Media Policy"
    assert paths(document) == [
        ("Social Media Policy",),
        ("Social Media Policy", "Purpose"),
        ("Social Media Policy", "Sanctions"),
        ("Social Media Policy", "Review"),
    ]
    sanctions = section(document, "Social Media Policy", "Sanctions").passages
    assert [(p.text, p.context) for p in sanctions] == [
        ("Incident: Offensive post; Action: Refer to the head", "Actions / Sanctions")
    ]
    text = everything(document)
    for absent in (
        "Oak Primary",
        "Acorn",
        "RV1",
        "01234",
        "Alliance",
        "logo",
        "Figure",
        "Contents",
        ".....",
    ):
        assert absent not in text

"""The parser and loader, on small policies shaped the ways schools' Word exports come out."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from textwrap import dedent

import docx
import pytest
from docx.document import Document as WordDocument
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.document import PolicyDocument, Section
from bot.policy.loader import PolicyLoadError, default_policy_path, load_policies
from bot.policy.reading.docx import parse_docx
from bot.policy.reading.markdown import parse_markdown
from bot.policy.reading.plaintext import parse_plain_text


def parse(text: str, *, name: str = "policy.md", key_prefix: str = "") -> PolicyDocument:
    """Markdown for a .md name, else plain text, as the loader chooses."""
    reader = parse_markdown if name.endswith(".md") else parse_plain_text
    return reader(dedent(text), source=Path(name), key_prefix=key_prefix)


def paths(document: PolicyDocument) -> list[tuple[str, ...]]:
    return [section.path for section in document.sections]


def section(document: PolicyDocument, *path: str) -> Section:
    return next(s for s in document.sections if s.path == path)


def texts(section: Section) -> list[str]:
    return [passage.text for passage in section.passages]


# -- Markdown and plain text ------------------------------------------------------------------


def test_word_export_with_title_block_and_bold_line_headings() -> None:
    document = parse(
        "**Riverside Primary**  \n"
        "**Learning Trust**\n"
        "\n"
        "**Online Conduct Policy**\n"
        "\n"
        "Written by: the deputy head, March 2023\\\n"
        "Review date: 01/09/2024\n"
        "\n"
        "# **Riverside Online Conduct Policy**\n"
        "\n"
        "Think before you post.\n"
        "\n"
        "## **Who does what**\n"
        "\n"
        "**Head teacher:**  \n"
        "\n"
        "Signs off every new school account.\n"
        "\n"
        "__Class teachers__\n"
        "\n"
        "Post only through the class page.\n"
    )

    assert document.title == "Riverside Online Conduct Policy"
    assert document.review_date == "01/09/2024"
    assert paths(document) == [
        ("Riverside Primary Learning Trust",),
        ("Online Conduct Policy",),
        ("Riverside Online Conduct Policy",),
        ("Riverside Online Conduct Policy", "Who does what"),
        ("Riverside Online Conduct Policy", "Who does what", "Head teacher"),
        ("Riverside Online Conduct Policy", "Who does what", "Class teachers"),
    ]
    assert texts(section(document, "Online Conduct Policy")) == [
        "Written by: the deputy head, March 2023",
        "Review date: 01/09/2024",
    ]
    assert texts(document.sections[-1]) == ["Post only through the class page."]


def test_nested_bullets_carry_their_lead_in_and_parent_as_context() -> None:
    document = parse(
        """
        # Phones

        ## Personal devices

        Staff may carry a phone. When pupils are present they must:

        - keep it on silent
        - store it out of sight, for example
            - in a locked drawer
            - in the staff room
        - use it only in an emergency

        Breaks are different.

        ## Calls home

        Pupils ring home from the office

        - with an adult present
        """
    )

    lead_in = "Staff may carry a phone. When pupils are present they must:"
    devices = section(document, "Phones", "Personal devices").passages
    assert [(p.text, p.context) for p in devices] == [
        (lead_in, None),
        ("keep it on silent", lead_in),
        ("store it out of sight, for example", lead_in),
        ("in a locked drawer", f"{lead_in} › store it out of sight, for example"),
        ("in the staff room", f"{lead_in} › store it out of sight, for example"),
        ("use it only in an emergency", lead_in),
        ("Breaks are different.", None),
    ]
    # The only paragraph before a list introduces it even without a colon.
    calls = section(document, "Phones", "Calls home").passages
    assert calls[1].context == "Pupils ring home from the office"


def test_a_long_lead_in_is_clipped_to_its_end() -> None:
    lead_in = "This sentence goes on for a while. " * 12 + "Staff must:"
    document = parse(f"# Rules\n\n{lead_in}\n\n- sign in\n")

    context = section(document, "Rules").passages[1].context
    assert context is not None
    assert len(context) <= 300
    assert context.startswith("…")
    assert context.endswith("for a while. Staff must:")


def test_same_heading_under_two_parents_gives_two_sections() -> None:
    document = parse(
        """
        # Images

        ## Pupils

        ### Photographs

        Check the consent list first.

        ## Parents

        ### Photographs

        Parents may film their own child at concerts.
        """,
        key_prefix="3.",
    )

    assert [(s.key, s.path) for s in document.sections] == [
        ("3.1", ("Images",)),
        ("3.2", ("Images", "Pupils")),
        ("3.3", ("Images", "Pupils", "Photographs")),
        ("3.4", ("Images", "Parents")),
        ("3.5", ("Images", "Parents", "Photographs")),
    ]
    assert texts(document.sections[2]) == ["Check the consent list first."]
    assert texts(document.sections[4]) == ["Parents may film their own child at concerts."]
    assert document.sections[1].passages == []  # kept: it is the parent of a section


def test_numbered_sections_in_plain_text_nest_by_number() -> None:
    document = parse(
        """
        ACCEPTABLE USE OF SOCIAL MEDIA

        1. Purpose

        This policy explains how staff use social media.

        1.1 Who it covers

        All staff, governors and volunteers.

        1.2 What it covers

        Any site where people share posts.

        2. Monitoring

        The office checks the school accounts every day.

        Section 3: Complaints

        Complaints go to the head teacher.
        """,
        name="social.txt",
    )

    assert document.title == "ACCEPTABLE USE OF SOCIAL MEDIA"
    assert paths(document) == [
        ("ACCEPTABLE USE OF SOCIAL MEDIA",),
        ("1. Purpose",),
        ("1. Purpose", "1.1 Who it covers"),
        ("1. Purpose", "1.2 What it covers"),
        ("2. Monitoring",),
        ("Section 3: Complaints",),
    ]
    assert texts(section(document, "1. Purpose", "1.2 What it covers")) == [
        "Any site where people share posts."
    ]


def test_a_run_of_numbered_items_is_a_list_not_headings() -> None:
    document = parse(
        """
        ## Reporting

        If you see a worrying post:

        1. Take a screenshot
        2. Tell the safeguarding lead
        3. Do not reply

        Then carry on as normal.

        1. Save the link
        2. Log it on the system
        """
    )

    assert paths(document) == [("Reporting",)]
    passages = section(document, "Reporting").passages
    assert [(p.text, p.context) for p in passages] == [
        ("If you see a worrying post:", None),
        ("Take a screenshot", "If you see a worrying post:"),
        ("Tell the safeguarding lead", "If you see a worrying post:"),
        ("Do not reply", "If you see a worrying post:"),
        ("Then carry on as normal.", None),
        ("Save the link", None),
        ("Log it on the system", None),
    ]


def test_table_rows_become_passages_labelled_by_header() -> None:
    document = parse(
        """
        ## Contacts

        | Role | Name | Extension |
        |------|:-----|----------:|
        | Safeguarding lead | **Ms Patel** | 201 |
        | Online safety lead | Mr Okafor | |
        """
    )

    assert texts(section(document, "Contacts")) == [
        "Role: Safeguarding lead; Name: Ms Patel; Extension: 201",
        "Role: Online safety lead; Name: Mr Okafor",
    ]


def test_plain_text_reads_pipe_rows_without_a_header_as_a_table() -> None:
    # GFM needs a delimiter row under the header; plain text copied from elsewhere may lack it.
    document = parse(
        """
        ## Platforms

        | Facebook | Parents' page |
        | Instagram | Not used |
        """,
        name="platforms.txt",
    )

    assert texts(section(document, "Platforms")) == [
        "Facebook; Parents' page",
        "Instagram; Not used",
    ]


def test_blank_lines_inside_a_list_keep_it_one_list() -> None:
    document = parse(
        """
        ## Posting for the school

        When you post on a school account:

        - Be polite

        - Check spelling and facts
          before you press send


        - Ask a colleague if unsure
        """
    )

    passages = section(document, "Posting for the school").passages[1:]
    assert [(p.text, p.context) for p in passages] == [
        ("Be polite", "When you post on a school account:"),
        ("Check spelling and facts before you press send", "When you post on a school account:"),
        ("Ask a colleague if unsure", "When you post on a school account:"),
    ]


def test_setext_and_capitals_headings() -> None:
    document = parse(
        """
        Staff Guidance
        ==============

        Read this once a year.

        Sharing photos
        --------------

        Only with consent.

        STORAGE:

        Delete photos from phones the same day.

        ---

        A closing note.
        """
    )

    assert paths(document) == [
        ("Staff Guidance",),
        ("Staff Guidance", "Sharing photos"),
        ("Staff Guidance", "Sharing photos", "STORAGE"),
    ]
    assert texts(section(document, "Staff Guidance", "Sharing photos", "STORAGE")) == [
        "Delete photos from phones the same day.",
        "A closing note.",
    ]


def test_inline_markup_is_read_as_plain_text() -> None:
    document = parse(
        "# Links &amp; help\n"
        "\n"
        "Read **all** of the *guidance* on __the__ [trust site](https://example.org/guide)\n"
        "and email <mailto:office@example.org>, or see [the code](#code-of-conduct).\n"
        "\n"
        "* * *\n"
        "\n"
        "- Costs 5 * 3 \\* 2 \\_pounds\\_\n"
    )

    assert document.title == "Links & help"
    assert texts(document.sections[0]) == [
        "Read all of the guidance on the trust site (https://example.org/guide) and email "
        "office@example.org, or see the code.",
        "Costs 5 * 3 * 2 _pounds_",
    ]


def test_plain_text_saved_from_word_has_a_paragraph_per_line() -> None:
    first = "Staff must not accept friend requests from pupils on any personal account. " * 2
    second = "Former pupils under eighteen count as pupils for the purpose of this rule. " * 2
    document = parse(f"FRIENDS\n{first.strip()}\n{second.strip()}\n", name="friends.txt")

    assert texts(section(document, "FRIENDS")) == [first.strip(), second.strip()]


def test_soft_wrapped_lines_join_into_one_paragraph() -> None:
    document = parse(
        """
        Staff must not accept friend requests
        from pupils on any personal account.
        """,
        name="acceptable-use_policy.txt",
    )

    assert document.title == "Acceptable use policy"
    assert paths(document) == [()]
    assert texts(document.sections[0]) == [
        "Staff must not accept friend requests from pupils on any personal account."
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("To be reviewed: January 2019", "January 2019"),
        ("Review date: 01/09/2024", "01/09/2024"),
        ("Next review: September 2025", "September 2025"),
        ("Date of next review - Sept 2025", "Sept 2025"),
        ("REVIEW DUE: 2025-09-01", "2025-09-01"),
        ("**Review date:** 1st March 2026.", "1st March 2026"),
        ("Reviewed by: the governors in 2024", None),
        ("Review dates are agreed by governors.", None),
    ],
)
def test_review_date_forms(line: str, expected: str | None) -> None:
    document = parse(f"# Policy\n\nWritten in 2023.\n\n{line}\n")

    assert document.review_date == expected
    assert document.version == (
        f"review due {expected}" if expected else f"version {document.content_hash[:8]}"
    )


# -- Word -------------------------------------------------------------------------------------


def _bold_paragraph(document: WordDocument, text: str) -> None:
    document.add_paragraph().add_run(text).bold = True


def _numbered_paragraph(document: WordDocument, text: str, level: int) -> None:
    """A Normal-style paragraph that Word numbers directly, as pasted lists often are."""
    numbering = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = level
    numbering.get_or_add_numId().val = 1


def test_docx_headings_lists_bold_headings_and_tables(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_heading("Mobile Device Policy", level=0)
    word.add_heading("Phones", level=1)
    word.add_paragraph("Staff must:")
    word.add_paragraph("keep phones in a locker", style="List Bullet")
    word.add_paragraph("use them only in these places", style="List Bullet")
    word.add_paragraph("the staff room", style="List Bullet 2")
    _numbered_paragraph(word, "the car park", level=1)
    _bold_paragraph(word, "Visitors:")
    word.add_paragraph("Visitors hand phones in at reception.")
    word.add_heading("Contacts", level=1)
    table = word.add_table(rows=3, cols=2)
    for row, (role, name) in zip(
        table.rows,
        [("Role", "Name"), ("Safeguarding lead", "Ms Patel"), ("Office", "")],
        strict=True,
    ):
        row.cells[0].paragraphs[0].add_run(role).bold = role == "Role"
        row.cells[1].paragraphs[0].add_run(name).bold = role == "Role"
    word.add_paragraph("Next review: July 2026")
    path = tmp_path / "devices.docx"
    word.save(str(path))

    document = parse_docx(path, key_prefix="2.")

    assert document.title == "Mobile Device Policy"
    assert document.review_date == "July 2026"
    assert document.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [(s.key, s.path) for s in document.sections] == [
        ("2.1", ("Mobile Device Policy",)),
        ("2.2", ("Mobile Device Policy", "Phones")),
        ("2.3", ("Mobile Device Policy", "Phones", "Visitors")),
        ("2.4", ("Mobile Device Policy", "Contacts")),
    ]
    phones = section(document, "Mobile Device Policy", "Phones").passages
    assert [(p.text, p.context) for p in phones] == [
        ("Staff must:", None),
        ("keep phones in a locker", "Staff must:"),
        ("use them only in these places", "Staff must:"),
        ("the staff room", "Staff must: › use them only in these places"),
        ("the car park", "Staff must: › use them only in these places"),
    ]
    assert texts(section(document, "Mobile Device Policy", "Phones", "Visitors")) == [
        "Visitors hand phones in at reception."
    ]
    assert texts(section(document, "Mobile Device Policy", "Contacts")) == [
        "Role: Safeguarding lead; Name: Ms Patel",
        "Role: Office",
        "Next review: July 2026",
    ]


# -- Loader -----------------------------------------------------------------------------------


def test_folder_loads_every_policy_in_name_order_with_unique_keys(tmp_path: Path) -> None:
    (tmp_path / "b-phones.md").write_text("# Phones\n\nKeep them away.\n", encoding="utf-8")
    cp1252 = "# Trips\n\nThe coach costs £5 – don’t share photos.\n".encode("cp1252")
    (tmp_path / "A-trips.txt").write_bytes(cp1252)
    (tmp_path / ".hidden.md").write_text("# Hidden\n\nNo.\n", encoding="utf-8")
    (tmp_path / "~$phones.docx").write_bytes(b"lock")
    (tmp_path / "notes.odt").write_bytes(b"PK\x03\x04")

    policies = load_policies(tmp_path)

    assert [d.title for d in policies.documents] == ["Trips", "Phones"]
    assert [s.key for s in policies.sections] == ["1.1", "2.1"]
    assert texts(policies.sections[0]) == ["The coach costs £5 – don’t share photos."]
    assert policies.documents[0].content_hash == hashlib.sha256(cp1252).hexdigest()


def test_utf8_bom_and_utf16_text_load(tmp_path: Path) -> None:
    bom = tmp_path / "bom.md"
    bom.write_bytes("# Café rules\n\nBe kind.\n".encode("utf-8-sig"))
    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_bytes("# Café rules\n\nBe kind.\n".encode("utf-16"))

    for path in (bom, unicode_text):
        assert load_policies(path).documents[0].title == "Café rules"


def test_default_policy_path_is_the_shipped_policy() -> None:
    path = default_policy_path()
    assert path.name == "social-networking-policy.md"
    assert path.parent == Path(__file__).resolve().parents[1] / "bot" / "policy" / "data"


def _zip_without_word_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "write", "problem"),
    [
        (
            "missing.md",
            None,
            "no such file or folder — check the path (the POLICY_PATH setting, or --policy)",
        ),
        ("policy.odt", b"PK\x03\x04", "unsupported file type .odt — use .md, .txt, .docx, .pdf"),
        ("policy.pdf", b"%PDF-1.7", "not a readable PDF — open it and save or export it as PDF"),
        ("page.html", b"<html><body><nav>Home</nav></body></html>", "no policy text found"),
        ("empty.md", b" \n\n", "the file is empty"),
        ("headings.md", b"# Only\n\n## Headings\n", "no policy text found"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        ("broken.docx", b"PK\x03\x04 truncated", "not a readable Word document"),
        ("parts.docx", _zip_without_word_parts(), "not a readable Word document"),
    ],
)
def test_load_errors_name_the_file_and_the_fix(
    tmp_path: Path, name: str, write: bytes | None, problem: str
) -> None:
    path = tmp_path / name
    if write is not None:
        path.write_bytes(write)

    with pytest.raises(PolicyLoadError) as raised:
        load_policies(path)

    message = str(raised.value)
    assert message.startswith(f"{path}: {problem}")
    assert " — " in message
    assert "\n" not in message


def test_folder_without_policies_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "policy.odt").write_bytes(b"PK\x03\x04")
    (tmp_path / ".draft.md").write_text("# Draft\n\nText.\n", encoding="utf-8")

    with pytest.raises(PolicyLoadError) as raised:
        load_policies(tmp_path)

    assert str(raised.value).startswith(
        f"{tmp_path}: no .md, .markdown, .txt, .docx, .pdf or .html files"
    )


# Fragments of the markup the readers react to, so random text hits their branches.
_MARKDOWN_PIECES = st.sampled_from(
    [
        *"ab AB1.:-*_#|\\()[]!\t•o=&;",
        *("\n", "\n\n", "  \n", "**", "__", "1. ", "2. ", "- ", "    - ", "## ", "| ", "|---|"),
        *("2.3 ", "Section 2: ", "NOTE", "Review date: 2024", "&amp;"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKDOWN_PIECES, max_size=60).map("".join))
def test_any_text_parses_into_well_formed_sections(text: str) -> None:
    document = parse_plain_text(text, source=Path("any.md"), key_prefix="1.")

    assert [s.key for s in document.sections] == [
        f"1.{n}" for n in range(1, len(document.sections) + 1)
    ]
    for found in document.sections:
        assert all(found.path) and (found.path or found.passages)
        for passage in found.passages:
            assert passage.text and passage.text == passage.text.strip()
            assert passage.context is None or 0 < len(passage.context) <= 300


def test_a_pdf_copy_rejoins_clause_numbers_and_wrapped_lines_and_skips_its_contents() -> None:
    # Copied out of a PDF into a text file: numbers on lines of their own, lines broken at the
    # page's width.
    document = parse(
        """\
        Contents
        Purpose
        Contact with pupils
        1
        PURPOSE
        1.1
        Everyone who works here keeps their private life well apart from their work with the children and young
        people in our care, on every site and app.
        2
        CONTACT WITH PUPILS
        2.1
        Staff never message pupils from a personal account of any kind, and they pass on any message from a
        pupil to the designated safeguarding lead on the same day.
        """,  # noqa: E501 - a PDF's lines are as wide as its page
        name="copied-from-a-pdf.txt",  # as Markdown, CommonMark makes these lines one paragraph
    )

    assert texts(section(document, "1 PURPOSE")) == [
        "1.1 Everyone who works here keeps their private life well apart from their work with the "
        "children and young people in our care, on every site and app."
    ]
    assert texts(section(document, "2 CONTACT WITH PUPILS")) == [
        "2.1 Staff never message pupils from a personal account of any kind, and they pass on any "
        "message from a pupil to the designated safeguarding lead on the same day."
    ]
    assert all("Purpose" not in texts(s) for s in document.sections)


def test_a_plain_line_alone_between_paragraphs_is_a_heading() -> None:
    document = parse(
        """\
        Everyone who works at the school follows this policy.

        Head's responsibilities

        The head makes sure every new member of staff reads it.

        A list needs an introduction

        - like this one
        """
    )

    assert texts(section(document, "Head's responsibilities")) == [
        "The head makes sure every new member of staff reads it.",
        "A list needs an introduction",
        "like this one",
    ]

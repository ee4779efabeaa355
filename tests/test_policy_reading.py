"""The readers for Markdown, web pages and PDFs, and the cleanup they share, on files shaped the
ways schools publish their policies: what sections and passages a member of staff would get."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path
from textwrap import dedent

import pytest
from fpdf import FPDF

from bot.policy.document import PolicyDocument, Section
from bot.policy.loader import PolicyLoadError, load_policies


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

        See [the trips policy](https://example.org/trips), [the code](#code) and
        <https://example.org/trips|print>.
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
        (
            "See the trips policy (https://example.org/trips), the code and "
            "https://example.org/trips|print.",
            None,
        ),
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


def test_a_list_of_page_references_goes_but_a_numbered_list_of_things_stays(
    tmp_path: Path,
) -> None:
    document = load(
        tmp_path,
        "phases.md",
        """\
        # Appendices

        Can be found on the following pages:

        - Pupil agreement 20-21
        - Staff agreement 24
        - Glossary 48

        # Phones by phase

        - Key Stage 1
        - Key Stage 2
        - Key Stage 3
        """,
    )

    assert texts(section(document, "Appendices")) == ["Can be found on the following pages:"]
    assert texts(section(document, "Phones by phase")) == [
        "Key Stage 1",
        "Key Stage 2",
        "Key Stage 3",
    ]


# -- PDF --------------------------------------------------------------------------------------


class _PolicyPDF(FPDF):
    """A school policy as Word prints one: a running header and "Page n of N" on every page."""

    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.cell(0, 6, "Oak Primary School - Online Safety Policy", align="C")
        self.ln(12)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")


def _pdf() -> _PolicyPDF:
    pdf = _PolicyPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # bullets and dashes in the standard fonts
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_page()
    return pdf


def _write(
    pdf: FPDF, text: str, *, size: float = 11, bold: bool = False, indent: float = 0
) -> None:
    """One paragraph, wrapped to the page; the space after it is what ends a paragraph."""
    pdf.set_font("Helvetica", "B" if bold else "", size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, size * 0.45, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _table(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    pdf.set_font("Helvetica", size=11)
    with pdf.table(col_widths=(60, 110), text_align="LEFT") as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)


PURPOSE = (
    "This policy sets out how everyone who works at Oak Primary School uses social media, "
    "in school and at home, so that pupils are kept safe and staff are protected."
)
ACROSS_PAGES = (
    "Staff never accept friend requests from pupils or former pupils under eighteen, and they "
    "report any request they receive to the designated safeguarding lead on the same day. "
) * 4 + "This applies to every platform, whether or not it is named in this policy."


def policy_pdf() -> bytes:
    pdf = _pdf()
    _write(pdf, "Oak Primary School", size=12, bold=True)
    _write(pdf, "12 Acorn Lane, Riverside RV1 2AB", size=9)
    _write(pdf, "Tel: 01234 567890 | office@oak.sch.uk | www.oak.sch.uk", size=9)
    _write(pdf, "Member of the Oak Learning Alliance", bold=True)
    _write(pdf, "Online Safety Policy", size=24, bold=True)
    _write(pdf, "Review date: September 2026")
    pdf.add_page()
    _write(pdf, "Contents", size=16, bold=True)
    for entry in ("1. Purpose", "2. Using social media", "3. Sanctions", "4. Review"):
        _write(pdf, f"{entry} ........................ 3")
    pdf.add_page()
    _write(pdf, "1. Purpose", size=16, bold=True)
    _write(pdf, PURPOSE)
    _write(pdf, "1.1 Who it covers", size=13, bold=True)
    _write(pdf, "Staff must:")
    _write(pdf, "\u2022 keep their phones out of sight", indent=5)
    _write(pdf, "\u2022 store devices safely, for example", indent=5)
    _write(pdf, "\u2013 in a locked drawer", indent=12)
    _write(pdf, "\u2022 use school accounts only for school business", indent=5)
    _write(pdf, "2. Using social media", size=16, bold=True)
    pdf.set_y(240)  # near the foot of the page, so the paragraph runs onto the next
    _write(pdf, ACROSS_PAGES)
    _write(pdf, "3. Sanctions", size=16, bold=True)
    _write(pdf, "Breaches are dealt with as below.")
    _write(pdf, "Actions / Sanctions", bold=True)
    _table(pdf, [("Incident", "Action"), ("Offensive post", "Refer to the head")])
    _write(pdf, "4. Review", size=16, bold=True)
    _write(pdf, "Figure 1: how a concern is reported", size=9)
    _write(pdf, "The governors review this policy every year.")
    return bytes(pdf.output())


def test_pdf_headings_lists_tables_and_page_furniture(tmp_path: Path) -> None:
    document = load(tmp_path, "online-safety.pdf", policy_pdf())

    title = "Online Safety Policy"
    assert document.title == title
    assert document.review_date == "September 2026"
    assert paths(document) == [
        (title,),
        (title, "1. Purpose"),
        (title, "1. Purpose", "1.1 Who it covers"),
        (title, "2. Using social media"),
        (title, "3. Sanctions"),
        (title, "4. Review"),
    ]
    assert texts(section(document, title, "1. Purpose")) == [PURPOSE]
    lead_in = "Staff must:"
    covers = section(document, title, "1. Purpose", "1.1 Who it covers").passages
    assert [(p.text, p.context) for p in covers] == [
        (lead_in, None),
        ("keep their phones out of sight", lead_in),
        ("store devices safely, for example", lead_in),
        ("in a locked drawer", f"{lead_in} › store devices safely, for example"),
        ("use school accounts only for school business", lead_in),
    ]
    # One paragraph, though the page breaks in the middle of it.
    assert texts(section(document, title, "2. Using social media")) == [ACROSS_PAGES]
    sanctions = section(document, title, "3. Sanctions").passages
    assert [(p.text, p.context) for p in sanctions] == [
        ("Breaches are dealt with as below.", None),
        ("Incident: Offensive post; Action: Refer to the head", "Actions / Sanctions"),
    ]
    assert texts(section(document, title, "4. Review")) == [
        "The governors review this policy every year."
    ]
    text = everything(document)
    for absent in ("Page ", "Oak Primary School -", "Acorn", "01234", "Alliance", "Contents"):
        assert absent not in text
    assert "........" not in text and "Figure 1" not in text


def test_a_scanned_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.image(_png(), x=10, y=10, w=100)  # a page that is only a picture of text
    path = tmp_path / "scan.pdf"
    path.write_bytes(bytes(pdf.output()))

    with pytest.raises(PolicyLoadError) as raised:
        load_policies(path)

    message = str(raised.value)
    assert message.startswith(f"{path}: a scanned PDF with no text in it")
    assert "OCR" in message and "\n" not in message


def test_a_password_protected_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 10, "Staff keep phones in a locker.")
    pdf.set_encryption(owner_password="owner", user_password="staff")
    path = tmp_path / "locked.pdf"
    path.write_bytes(bytes(pdf.output()))

    with pytest.raises(PolicyLoadError) as raised:
        load_policies(path)

    assert str(raised.value) == (
        f"{path}: the PDF is password-protected — save a copy without a password"
    )


def _png() -> io.BytesIO:
    """A small grey image, made without an imaging library."""
    width = height = 8
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return io.BytesIO(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_fifty_page_pdf_loads_in_under_three_seconds(tmp_path: Path) -> None:
    pdf = _pdf()
    for n in range(1, 51):
        _write(pdf, f"{n}. Section {n}", size=16, bold=True)
        for _ in range(6):
            _write(pdf, PURPOSE * 2)
        _write(pdf, "\u2022 a point to remember", indent=5)
        _table(pdf, [("Role", "Contact"), ("Safeguarding lead", "Ms Patel")])
        pdf.add_page()
    path = tmp_path / "long.pdf"
    path.write_bytes(bytes(pdf.output()))

    started = time.perf_counter()
    document = load_policies(path).documents[0]
    elapsed = time.perf_counter() - started

    assert len(document.sections) == 50
    assert elapsed < 3.0, f"{elapsed:.2f} s"


# -- HTML -------------------------------------------------------------------------------------

PAGE = """\
<!DOCTYPE html>
<html><head><title>Phones | Oak Primary School</title>
<style>p { color: red }</style><script>var tracking = "Home";</script></head>
<body>
<?php include("header.php"); echo $menu->render(); ?>
<header><a href="/">Oak Primary School</a>
<nav><ul><li>Home</li><li>Contact us</li></ul></nav></header>
<main>
  <h1>Mobile Phone Policy</h1>
  <!-- Last edited by the office: check with the head -->
  <p>Phones help families reach us, but they must never put a child at risk.</p>
  <h2>Staff</h2>
  <p>Staff must:</p>
  <ul>
    <li>keep phones in the staff room
      <ul><li>switched to silent</li></ul>
    </li>
    <li>never photograph <strong>pupils</strong> on a personal phone</li>
  </ul>
  <p><strong>Visitors</strong></p>
  <p>Visitors hand phones in at reception.<br>They collect them when they leave.</p>
  <h2>Contacts</h2>
  <table>
    <tr><th>Role</th><th>Name</th></tr>
    <tr><td>Safeguarding lead</td><td>Ms Patel</td></tr>
  </table>
  <form><label>Search</label><input name="q"></form>
</main>
<aside><p>Latest news: sports day moved to Friday</p></aside>
<footer><p>&copy; Oak Primary School, 12 Acorn Lane</p></footer>
</body></html>
"""


def test_html_headings_lists_and_tables_without_the_site_around_them(tmp_path: Path) -> None:
    document = load(tmp_path, "phones.html", PAGE)

    title = "Mobile Phone Policy"
    assert document.title == title
    assert paths(document) == [
        (title,),
        (title, "Staff"),
        (title, "Staff", "Visitors"),
        (title, "Contacts"),
    ]
    assert texts(section(document, title)) == [
        "Phones help families reach us, but they must never put a child at risk."
    ]
    staff = section(document, title, "Staff").passages
    assert [(p.text, p.context) for p in staff] == [
        ("Staff must:", None),
        ("keep phones in the staff room", "Staff must:"),
        ("switched to silent", "Staff must: › keep phones in the staff room"),
        ("never photograph pupils on a personal phone", "Staff must:"),
    ]
    assert texts(section(document, title, "Staff", "Visitors")) == [
        "Visitors hand phones in at reception.",
        "They collect them when they leave.",
    ]
    assert texts(section(document, title, "Contacts")) == [
        "Role: Safeguarding lead; Name: Ms Patel"
    ]
    text = everything(document)
    for absent in ("Home", "Contact us", "tracking", "color", "menu", "Search", "news", "edited"):
        assert absent not in text


def test_html_printed_from_php_keeps_what_the_page_prints(tmp_path: Path) -> None:
    page = (
        "<?php\n$site = 'Oak';\n$html .= <<< END\n<h1>$site Blogging Guidelines</h1>\n"
        "<p>Teachers post only on the class blog.</p>\nEND;\n?>"
    )
    document = load(tmp_path, "blogging.htm", page)

    assert document.title == "Blogging Guidelines"
    assert texts(document.sections[0]) == ["Teachers post only on the class blog."]
    assert "$" not in everything(document)


def test_an_old_page_with_bold_headings_and_a_layout_table(tmp_path: Path) -> None:
    page = """\
    <html><body><table><tr><td>
    <p align="center"><b><font size="+1">Internet Use Policy</font></b></p>
    <p>Pupils use the internet only with a teacher present.</p>
    <p><b>Email</b></p>
    <p>Pupils use their school email address only.</p>
    <p><a href="index.html">Back to Main Page</a></p>
    </td></tr></table></body></html>
    """
    document = load(tmp_path, "internet.html", page)

    assert paths(document) == [("Internet Use Policy",), ("Internet Use Policy", "Email")]
    assert texts(section(document, "Internet Use Policy", "Email")) == [
        "Pupils use their school email address only."
    ]

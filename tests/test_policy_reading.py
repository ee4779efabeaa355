"""The readers for Markdown and web pages, and the cleanup they share, on files shaped the
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

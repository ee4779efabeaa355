"""How the search reads casual questions, on small policies written for each behaviour."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from bot.policy.loader import load_policies
from bot.policy.search import Answer, PolicyIndex
from bot.policy.service import MAX_QUESTION_CHARS, PolicyService

TITLE = "Hillside School Online Safety Policy"

POLICY = dedent(
    f"""\
    # {TITLE}

    ## Contact with pupils

    Staff must not follow pupils from a personal account on any site.

    ## Pupils' work

    Pupils' work may be shared on the school blog with their first name only.

    ## Photographs and video

    Only photograph children whose parents have returned the consent form.

    ## Media enquiries

    If a journalist contacts you, take their number and pass it to the school office.

    ## The school Facebook page

    The office manager runs the Facebook page and answers messages on it.

    ## A second pair of eyes

    Posts on school accounts are read by another member of staff before they go live.

    ## Governors

    ### Staff

    Governors who also work at the school keep to the staff code of conduct.

    ## Complaints

    ### Staff

    A complaint about a member of staff goes to the headteacher, never onto social media.
    """
)


@pytest.fixture
def service(tmp_path: Path) -> PolicyService:
    path = tmp_path / "policy.md"
    path.write_text(POLICY, encoding="utf-8")
    return PolicyService(load_policies(path))


def best_title(answer: Answer) -> str:
    assert answer.best is not None, f"no hit for {answer.question!r}"
    return answer.best.section.title


@pytest.mark.parametrize(
    ("question", "title", "quoted"),
    [
        pytest.param(
            "can i friend a pupil", "Contact with pupils", "must not follow", id="friend-follow"
        ),
        pytest.param(
            "can i put a pic of my class up",
            "Photographs and video",
            "Only photograph",
            id="pic-photograph",
        ),
        pytest.param(
            "what should i do if a reporter calls me",
            "Media enquiries",
            "journalist",
            id="reporter-journalist",
        ),
    ],
)
def test_a_synonym_finds_the_policy_word(
    service: PolicyService, question: str, title: str, quoted: str
) -> None:
    answer = service.ask(question).answer

    assert best_title(answer) == title
    assert answer.best is not None and quoted in answer.best.passage.text


def test_a_misspelt_site_name_still_finds_it(service: PolicyService) -> None:
    answer = service.ask("who looks after facebok").answer

    assert best_title(answer) == "The school Facebook page"
    assert answer.best is not None and "Facebook" in answer.best.passage.text


def test_posting_finds_posts(service: PolicyService) -> None:
    answer = service.ask("does someone check my posting first").answer

    assert best_title(answer) == "A second pair of eyes"
    assert answer.best is not None and answer.best.passage.text.startswith("Posts on school")


def test_two_sections_with_one_heading_stay_apart(service: PolicyService) -> None:
    staff = [s for s in service.policies.sections if s.title == "Staff"]

    assert [s.path for s in staff] == [
        (TITLE, "Governors", "Staff"),
        (TITLE, "Complaints", "Staff"),
    ]
    assert len({s.key for s in staff}) == 2
    assert [service.section(s.key) for s in staff] == staff
    governors = service.ask("which code do governors who work here keep to").answer
    complaints = service.ask("how do i complain about a colleague").answer
    assert governors.best is not None and governors.best.section.key == staff[0].key
    assert complaints.best is not None and complaints.best.section.key == staff[1].key
    assert complaints.best.section.path_text == f"{TITLE} › Complaints › Staff"


@pytest.mark.parametrize("question", ["", "   ", "the and of", "?!", "is it the"])
def test_a_question_with_nothing_to_search_for_is_not_answered(
    service: PolicyService, question: str
) -> None:
    answer = service.ask(question).answer

    assert answer.confident is False
    assert answer.hits == []


def test_a_question_the_policy_does_not_cover_is_not_confident(service: PolicyService) -> None:
    assert service.ask("whats the wifi password").answer.confident is False


def test_the_index_answers_directly_too(service: PolicyService) -> None:
    index = PolicyIndex(service.policies)

    assert best_title(index.search("can i friend a pupil")) == "Contact with pupils"
    assert len(index.search("staff", limit=1).hits) == 1


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("photographs", id="whole-word"),
        pytest.param("photgrafs", id="misspelt"),
        pytest.param("Photographs and Video", id="other-case"),
    ],
)
def test_find_section_by_a_misspelt_or_whole_heading_word(
    service: PolicyService, name: str
) -> None:
    found = service.find_section(name)

    assert found is not None and found.title == "Photographs and video"


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("Online Policy", id="short-document-title"),
        pytest.param(TITLE, id="long-document-title"),
    ],
)
@pytest.mark.parametrize(
    ("name", "section"),
    [
        pytest.param("photos", "Photographs and video", id="photos"),
        pytest.param("media", "Media enquiries", id="media"),
    ],
)
def test_find_section_by_part_of_its_heading(
    tmp_path: Path, title: str, name: str, section: str
) -> None:
    path = tmp_path / "policy.md"
    path.write_text(POLICY.replace(TITLE, title), encoding="utf-8")
    service = PolicyService(load_policies(path))

    found = service.find_section(name)

    assert found is not None and found.title == section


def test_find_section_finds_nothing_for_nothing(service: PolicyService) -> None:
    assert service.find_section("") is None
    assert service.find_section("   ") is None
    assert service.find_section("wifi") is None


def test_a_long_question_is_cut_at_a_word_and_says_so(service: PolicyService) -> None:
    question = "can i follow a pupil from my own account " * 20  # about 800 characters

    asked = service.ask(question)

    assert asked.truncated is True
    assert len(asked.answer.question) <= MAX_QUESTION_CHARS
    assert question.startswith(asked.answer.question)
    assert question[len(asked.answer.question)] == " "  # no word cut in half
    assert best_title(asked.answer) == "Contact with pupils"


def test_a_question_of_ordinary_length_is_read_whole(service: PolicyService) -> None:
    asked = service.ask("  can i   follow a pupil? ")

    assert asked.truncated is False
    assert asked.answer.question == "can i follow a pupil?"


# A policy whose rules mention the working day and the holidays, as most do.
SCHOOL_LIFE_POLICY = dedent(
    """\
    # Brookfield Primary Social Media Guidance

    ## During the working day

    Staff do not use personal social media during lessons, break duty or any other part of the
    working day, except in the staff room at lunchtime.

    ## Holidays

    Over the holidays the office will keep an eye on the school page and reply to messages once a
    week.

    ## Parents

    Staff do not accept friend requests from parents on personal accounts.

    ## Personal details

    Leave your date of birth and home address off every profile.
    """
)


@pytest.fixture
def school_life(tmp_path: Path) -> PolicyService:
    path = tmp_path / "guidance.md"
    path.write_text(SCHOOL_LIFE_POLICY, encoding="utf-8")
    return PolicyService(load_policies(path))


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("when is half term", id="half-term"),
        pytest.param("can i swap my break duty with someone", id="break-duty"),
        pytest.param("what's for lunch today", id="lunch"),
        pytest.param("is there a staff meeting this week", id="staff-meeting"),
    ],
)
def test_a_question_matching_only_school_life_words_is_not_confident(
    school_life: PolicyService, question: str
) -> None:
    answer = school_life.ask(question).answer

    assert answer.confident is False
    assert answer.hits, "the closest sections are still shown"


@pytest.mark.parametrize(
    ("question", "title"),
    [
        pytest.param(
            "can i go on facebook on my lunch break", "During the working day", id="lunch"
        ),
        pytest.param("does anyone check the page in the holidays", "Holidays", id="holidays"),
        pytest.param("facebook?", "During the working day", id="one-word"),
        pytest.param("friend requests from parents", "Parents", id="no-verb"),
    ],
)
def test_a_question_about_the_policy_in_school_life_words_finds_its_passage(
    school_life: PolicyService, question: str, title: str
) -> None:
    answer = school_life.ask(question).answer

    assert best_title(answer) == title


def test_a_phrase_in_the_policy_answers_the_word_it_means(school_life: PolicyService) -> None:
    # The policy says "keep an eye on", which is indexed as "monitor" only as a whole phrase.
    answer = school_life.ask("who monitors it over summer").answer

    assert answer.confident
    assert best_title(answer) == "Holidays"


def test_a_word_finds_the_phrase_the_policy_uses_for_it(school_life: PolicyService) -> None:
    answer = school_life.ask("can i show my birthday on insta").answer

    assert best_title(answer) == "Personal details"


# Short rules whose questions often carry a word the policy never uses ("jokey", "nickname").
RIVERSIDE_POLICY = dedent(
    """\
    # Riverside Academy Social Media Guidance

    ## Your own profiles

    Use your real name on personal profiles and keep them set to private.

    ## Replying on the school page

    Replies to comments on the school page are short, friendly and polite.

    ## Passwords

    The office keeps the password for every school account.
    """
)


@pytest.fixture
def riverside(tmp_path: Path) -> PolicyService:
    path = tmp_path / "riverside.md"
    path.write_text(RIVERSIDE_POLICY, encoding="utf-8")
    return PolicyService(load_policies(path))


@pytest.mark.parametrize(
    ("question", "title"),
    [
        pytest.param(
            "can our replies on the school page be a bit jokey",
            "Replying on the school page",
            id="jokey",
        ),
        pytest.param("can i use a nickname on my profile", "Your own profiles", id="nickname"),
    ],
)
def test_two_of_the_questions_words_in_the_passage_outweigh_one_it_never_uses(
    riverside: PolicyService, question: str, title: str
) -> None:
    answer = riverside.ask(question).answer

    assert best_title(answer) == title


def test_one_word_in_the_passage_beside_one_it_never_uses_is_not_confident(
    riverside: PolicyService,
) -> None:
    # "password" is in the policy, "wifi" is not: the office's account passwords are no answer.
    answer = riverside.ask("whats the wifi password").answer

    assert answer.confident is False
    assert best_title(answer) == "Passwords"


AGREEMENTS = dedent(
    """\
    # Acceptable Use Agreements

    ## Pupils' agreement

    I will only use my mobile phone in lessons when my teacher allows it.

    ## Staff agreement

    I will only use my mobile phone in lessons for school purposes, away from pupils.
    """
)


@pytest.fixture
def agreements(tmp_path: Path) -> PolicyService:
    path = tmp_path / "agreements.md"
    path.write_text(AGREEMENTS, encoding="utf-8")
    return PolicyService(load_policies(path))


@pytest.mark.parametrize(
    ("question", "title"),
    [
        pytest.param("can i use my mobile phone in lessons", "Staff agreement", id="staff"),
        pytest.param(
            "can students use a mobile phone in lessons", "Pupils' agreement", id="pupils"
        ),
    ],
)
def test_a_question_from_staff_prefers_the_passage_addressed_to_staff(
    agreements: PolicyService, question: str, title: str
) -> None:
    """The pupils' agreement uses the same words; staff asking about themselves get theirs,
    a question about pupils gets the pupils' one."""
    assert best_title(agreements.ask(question).answer) == title

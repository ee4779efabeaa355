"""`socialpolicy-bot ask`: the policy answered offline, as text or JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from bot.app.cli import main
from bot.policy.loader import default_policy_path, load_policies

# Nested headings, with "Staff" under two different parents.
SMALL_POLICY = dedent(
    """\
    # Brookfield Primary Online Conduct

    ## Staff accounts

    ### Privacy

    Keep personal profiles private and check the privacy settings every term.

    ### Staff

    Do not name the school as your employer on a public profile.

    ## Complaints

    ### Staff

    A complaint about a colleague goes to the headteacher in person, never onto social media.

    ### Parents

    Parents who complain online are invited to meet the headteacher instead.
    """
)


@pytest.fixture
def small_policy(tmp_path: Path) -> Path:
    path = tmp_path / "brookfield.md"
    path.write_text(SMALL_POLICY, encoding="utf-8")
    return path


def ask_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["ask", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def assert_answer_shape(answer: dict[str, object], question: str) -> None:
    assert set(answer) == {"question", "confident", "results"}
    assert answer["question"] == question
    assert isinstance(answer["confident"], bool)
    results = answer["results"]
    assert isinstance(results, list) and results
    for result in results:
        assert set(result) == {"heading_path", "text", "score"}
        assert isinstance(result["heading_path"], list)
        assert all(isinstance(heading, str) for heading in result["heading_path"])
        assert isinstance(result["text"], str) and result["text"]
        assert isinstance(result["score"], float)
    scores = [result["score"] for result in results]
    assert scores == sorted(scores, reverse=True)


def test_json_answer_from_the_default_policy(capsys: pytest.CaptureFixture[str]) -> None:
    question = "can i follow an ex pupil on instagram"

    answer = ask_json(capsys, question)

    assert_answer_shape(answer, question)
    best = answer["results"][0]
    assert best["heading_path"] == [
        "Social Networking Policy",
        "Personal use",
        "Pupils and former pupils",
    ]
    assert "former pupils" in best["text"]
    # Every result's path ends with the heading the quoted passage sits under.
    sections = load_policies(default_policy_path()).sections
    for result in answer["results"]:
        under = [s for s in sections if list(s.path) == result["heading_path"]]
        assert len(under) == 1
        assert result["text"] in [passage.text for passage in under[0].passages]


def test_policy_option_answers_from_that_document(
    small_policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "how do i complain about a colleague"

    answer = ask_json(capsys, "--policy", str(small_policy), question)

    assert_answer_shape(answer, question)
    assert answer["results"][0]["heading_path"] == [
        "Brookfield Primary Online Conduct",
        "Complaints",
        "Staff",
    ]
    assert "headteacher in person" in answer["results"][0]["text"]
    assert all(
        r["heading_path"][0] == "Brookfield Primary Online Conduct" for r in answer["results"]
    )


def test_the_other_staff_section_is_found_by_its_own_words(
    small_policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = ask_json(capsys, "--policy", str(small_policy), "can i say where i work on my profile")

    assert answer["results"][0]["heading_path"] == [
        "Brookfield Primary Online Conduct",
        "Staff accounts",
        "Staff",
    ]


def test_plain_text_answer_names_the_section(
    small_policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Unquoted, as typed at a shell: each word its own argument.
    words = ["how", "often", "should", "i", "check", "my", "privacy", "settings"]

    status = main(["ask", "--policy", str(small_policy), *words])

    out = capsys.readouterr().out
    assert status == 0
    assert "[Brookfield Primary Online Conduct › Staff accounts › Privacy]" in out
    assert "check the privacy settings every term" in out


def test_policy_path_setting_is_used_without_the_option(
    small_policy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POLICY_PATH", str(small_policy))

    answer = ask_json(capsys, "what happens if a parent complains on facebook")

    assert answer["results"][0]["heading_path"] == [
        "Brookfield Primary Online Conduct",
        "Complaints",
        "Parents",
    ]


def test_missing_policy_file_exits_2_with_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "policies" / "online-safety.md"

    status = main(["ask", "--policy", str(missing), "can i follow a pupil"])

    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1
    assert str(missing) in lines[0]
    assert "no such file or folder" in lines[0]


def test_python_m_bot_ask_json_from_a_cold_start(tmp_path: Path) -> None:
    question = "can i post photos of the school play"
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", question],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert_answer_shape(answer, question)
    assert answer["results"][0]["heading_path"][0] == "Social Networking Policy"

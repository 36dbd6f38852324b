"""Every input the `fanous` command takes is checked before work starts: empty and absurd
questions, paths that are not there (never saved), an empty index, a saved folder that
has gone. Real processes, as a user runs them."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from agent.engines.ollama import estimate_tokens
from agent.question import MAX_QUERY_CHARS, check_query, check_question, question_budget
from contracts.errors import InputError
from tests.test_cli import run


def _saved(home: Path) -> dict[str, object]:
    settings = home / "config" / "settings.toml"
    return tomllib.loads(settings.read_text()) if settings.exists() else {}


def _clean_error(result: object, words: str) -> None:
    assert result.returncode == 1
    assert f"error: {words}" in result.stderr and "fix: " in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("question", ["", "   ", "\x07\x1b", "???", "…  !"])
def test_an_empty_question_is_an_error_and_runs_nothing(tmp_path: Path, question: str) -> None:
    home = tmp_path / "home"
    asked = run(["ask", question, "--json"], home)
    _clean_error(asked, "The question")
    assert asked.stdout == ""
    assert not (home / "data" / "fanous.db").exists()  # no work started: not even the index
    _clean_error(run(["search", question], home), "The search query")


def test_a_long_question_is_cut_to_what_the_model_reads() -> None:
    budget = question_budget(4096, passages=3, answer_tokens=256)
    assert 1024 <= budget < 4096
    question = "Where is the ferry? " * 6_379 + "Where is it?"  # 127,592 characters
    checked = check_question(question, max_tokens=budget)
    assert len(checked.text) < len(question) and checked.note
    assert "127,592 characters" in checked.note and question.startswith(checked.text)
    assert question[len(checked.text)] == " "  # cut between words
    assert check_question("When?", max_tokens=budget).note is None
    arabic = "متى يغادر العبّارة؟ " * 2_000
    cut = check_question(arabic, max_tokens=budget).text
    assert budget - 10 <= estimate_tokens([{"role": "user", "content": cut}]) - 8 <= budget
    with pytest.raises(InputError):
        check_query("  \t ")
    assert check_query("x" * (MAX_QUERY_CHARS + 5)).text == "x" * MAX_QUERY_CHARS


def test_search_says_a_long_query_was_cut_and_answers(tmp_path: Path, notes_dir: Path) -> None:
    query = "ferry ticket " * 9_815 + "pier"  # 127,599 characters
    found = run(["search", query, "--notes", str(notes_dir), "--json"], tmp_path / "home")
    assert found.returncode == 0, found.stderr
    assert "warning: the query is 127,599 characters" in found.stderr
    data = json.loads(found.stdout)
    assert len(data["query"]) <= MAX_QUERY_CHARS
    assert data["results"][0]["path"].endswith("ferry.md")


def test_an_empty_index_says_how_to_fill_it(tmp_path: Path) -> None:
    for args in (["search", "ferry ticket"], ["search", "ferry", "--json"], ["ask", "Ferry?"]):
        result = run(args, tmp_path / "home")
        _clean_error(result, "Nothing is indexed yet")
        assert "fanous index --notes" in result.stderr and result.stdout == ""


def test_a_path_that_is_not_there_is_never_saved(tmp_path: Path, notes_dir: Path) -> None:
    home = tmp_path / "home"
    typo = str(notes_dir.parent / "Nots")
    _clean_error(run(["index", "--notes", typo], home), f"The notes folder {typo} does not exist")
    assert _saved(home).get("notes_folders", []) == []
    again = run(["index"], home)  # nothing was saved: nothing fails later either
    assert again.returncode == 1 and "No notes folders yet" in again.stderr
    a_file = notes_dir / "home" / "wifi.md"
    _clean_error(run(["index", "--notes", str(a_file)], home), "The notes folder")
    missing = str(tmp_path / "Mail" / "inbx.mbox")
    _clean_error(run(["index", "--mail", missing], home), f"The mail path {missing} does not")
    _clean_error(run(["index", "--mail", str(a_file)], home), f"{a_file} is neither an mbox")
    assert _saved(home).get("mail_paths", []) == []


def test_a_saved_folder_that_is_gone_fails_alone_with_a_fix(
    tmp_path: Path, notes_dir: Path
) -> None:
    home, other = tmp_path / "home", tmp_path / "other"
    shutil.copytree(notes_dir, other)
    first = run(["index", "--notes", str(notes_dir), "--notes", str(other), "--no-embed"], home)
    assert first.returncode == 0, first.stderr
    shutil.rmtree(other)
    again = run(["index", "--json", "--no-embed"], home)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    reports = json.loads(again.stdout)
    assert reports[0]["root"] == str(notes_dir) and reports[0]["unchanged"] == 4
    assert reports[1]["root"] == str(other) and "does not exist" in reports[1]["failed"]
    assert f"fanous sources remove {other}" in again.stderr
    doctor = run(["doctor", "--json"], home)
    checks = json.loads(doctor.stdout)["checks"]
    gone = next(c for c in checks if c["name"] == "notes folder" and c["verdict"] == "fail")
    assert str(other) in gone["detail"] and f"fanous sources remove {other}" in gone["fix"]
    assert any(c["name"] == "notes folder" and c["detail"] == str(notes_dir) for c in checks)

"""Loading rule files: the examples load; every broken file or field is named, others load."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.alerts import RuleError, load_rules
from pipeline.settings import PROJECT_ROOT

EXAMPLES = PROJECT_ROOT / "fixtures" / "rules"

GOOD = """\
name: Good rule
recipients: [analista@example.org]
condition:
  places: [Reynosa]
"""


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def _only_error(folder: Path) -> RuleError:
    ruleset = load_rules(folder)
    assert [rule.name for rule in ruleset.rules] == ["Good rule"]
    assert len(ruleset.errors) == 1, ruleset.errors
    return ruleset.errors[0]


def test_the_example_rules_load_without_errors() -> None:
    ruleset = load_rules(EXAMPLES)
    assert ruleset.errors == []
    names = {rule.name for rule in ruleset.rules}
    assert {
        "Reynosa crossings under $6,000", "Watchlist numbers", "Watchlist aliases",
        "Routes to Houston", "New accounts advertising the Darién",
        "Channel boat ads (raw query)",
    } == names
    assert ruleset.not_evaluable_embedded == ["Channel boat ads (raw query)"]
    houston = next(rule for rule in ruleset.rules if rule.name == "Routes to Houston")
    assert houston.digest_minutes == 1440
    assert houston.condition.places[0].role == "destination"


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (  # wrong type, nested
            "name: Bad\nrecipients: [a@example.org]\ncondition:\n  places: [Reynosa]\n"
            "  max_price_usd: seis mil\n",
            5, "condition.max_price_usd", "valid number",
        ),
        (  # unknown field (a typo)
            "name: Bad\nrecipients: [a@example.org]\nthrotle_minutes: 5\n",
            3, "throtle_minutes", "Extra inputs",
        ),
        (  # bad role inside a list item
            "name: Bad\nrecipients: [a@example.org]\ncondition:\n  places:\n"
            "    - Houston\n    - name: Reynosa\n      role: cruce\n",
            7, "condition.places.1.role", "'origin'",
        ),
        (  # bad recipient
            "name: Bad\nrecipients:\n  - analista@example.org\n  - 'x@y.org\\nBcc: z@w.org'\n",
            2, "recipients", "not an email address",
        ),
        (  # missing field: the line of the rule mapping
            "name: Bad\ncondition: {}\n",
            1, "recipients", "Field required",
        ),
        (  # both pacings
            "name: Bad\nrecipients: [a@example.org]\nthrottle_minutes: 5\ndigest_minutes: 60\n",
            1, None, "not both",
        ),
        (  # a text term with nothing to match
            "name: Bad\nrecipients: [a@example.org]\ncondition:\n  text_any: ['!!']\n",
            4, "condition.text_any", "no letters or digits",
        ),
    ],
)
def test_a_broken_field_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, message: str
) -> None:
    _write(tmp_path, "a_good.yaml", GOOD)
    _write(tmp_path, "b_bad.yaml", text)
    error = _only_error(tmp_path)
    assert error.file == tmp_path / "b_bad.yaml"
    assert (error.line, error.field) == (line, field)
    assert message in error.message
    assert str(error).startswith(f"{tmp_path / 'b_bad.yaml'}:{line}: ")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("name: Bad\nrecipients: [a@example.org\ncondition: {}\n", 3, "invalid YAML"),
        ("name: Bad\n\tenabled: true\n", 2, "invalid YAML"),
        ("", 1, "empty file"),
        ("just a sentence\n", 1, "must be a mapping"),
    ],
)
def test_a_broken_file_is_an_error_and_the_others_still_load(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    _write(tmp_path, "a_good.yaml", GOOD)
    _write(tmp_path, "b_bad.yml", text)
    _write(tmp_path, "notes.txt", "not a rule file: ignored")
    error = _only_error(tmp_path)
    assert (error.file.name, error.line) == ("b_bad.yml", line)
    assert message in error.message


def test_undecodable_file_and_duplicate_names(tmp_path: Path) -> None:
    _write(tmp_path, "a_good.yaml", GOOD)
    _write(tmp_path, "b_same.yaml", "# again\n" + GOOD)
    (tmp_path / "c_latin1.yaml").write_bytes("name: Güero\n".encode("latin-1"))
    ruleset = load_rules(tmp_path)
    assert [rule.name for rule in ruleset.rules] == ["Good rule"]
    by_file = {error.file.name: error for error in ruleset.errors}
    assert by_file["b_same.yaml"].line == 2
    assert by_file["b_same.yaml"].field == "name"
    assert "duplicate rule name" in by_file["b_same.yaml"].message
    assert "cannot read" in by_file["c_latin1.yaml"].message


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    ruleset = load_rules(tmp_path / "nowhere")
    assert ruleset.rules == []
    assert "does not exist" in str(ruleset.errors[0])


def test_one_file_may_hold_several_rules_and_errors_point_into_the_list(tmp_path: Path) -> None:
    _write(
        tmp_path, "many.yaml",
        "- name: One\n  recipients: [a@example.org]\n"
        "- name: Two\n  recipients: [a@example.org]\n  condition:\n    min_score: 2\n",
    )
    ruleset = load_rules(tmp_path)
    assert [rule.name for rule in ruleset.rules] == ["One"]
    error = ruleset.errors[0]
    assert (error.line, error.field) == (6, "condition.min_score")

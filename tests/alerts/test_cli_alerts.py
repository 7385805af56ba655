"""``centinela alerts validate|list|test`` and ``alert --help``, on a typer app of their own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from pipeline.cli_alerts import register
from pipeline.settings import PROJECT_ROOT
from tests.alerts.corpus import CORPUS
from tests.alerts.streaming_support import BROKEN_YAML, POSTS
from tests.real_services import ElasticsearchService

RULES = PROJECT_ROOT / "fixtures" / "rules"

app = typer.Typer(rich_markup_mode=None)


@app.callback()
def _root() -> None:
    """Centinela (test root)."""


register(app)


@pytest.fixture
def posts_file(tmp_path: Path) -> Path:
    """The corpus as EnrichedPost JSON Lines, plus one line that is not a post."""
    path = tmp_path / "posts.jsonl"
    lines = [post.model_dump_json() for post in CORPUS] + ['{"doc_id": 3}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_reports_broken_files_with_line_and_exits_1(tmp_path: Path) -> None:
    assert _run("alerts", "validate", str(RULES))[0] == 0
    (tmp_path / "ok.yaml").write_text("name: Ok\nrecipients: [a@example.org]\n", "utf-8")
    (tmp_path / "broken.yaml").write_text(BROKEN_YAML, "utf-8")
    (tmp_path / "price.yaml").write_text(
        "name: P\nrecipients: [a@example.org]\ncondition:\n  max_price_usd: cheap\n", "utf-8"
    )
    code, out, err = _run("alerts", "validate", str(tmp_path))
    assert code == 1
    assert "broken.yaml:4: invalid YAML" in err
    assert "price.yaml:4: condition.max_price_usd:" in err
    assert "1 rule(s) valid, 2 problem(s)" in out


def test_list_shows_pacing_recipients_and_conditions() -> None:
    code, out, _ = _run("alerts", "list", str(RULES))
    assert code == 0
    assert ("Reynosa crossings under $6,000\n"
            "  to: analista.norte@example.org · throttle 30 min") in out
    assert "place=Reynosa/crossing, max_price_usd=6000.0, min_score=0.5, ads only" in out
    assert "raw_query (Elasticsearch only)" in out


def test_test_shows_which_posts_fire_and_why(posts_file: Path) -> None:
    code, out, err = _run("alerts", "test", "reynosa crossings under $6,000",
                          "--data", str(posts_file), "--rules-dir", str(RULES))
    assert code == 1  # one bad line, reported
    assert "posts.jsonl:17: doc_id: Input should be a valid string" in err
    assert out.count("FIRES ") == 2
    assert f"FIRES {POSTS['c01'].doc_id} {POSTS['c01'].url}" in out
    assert "  - place Reynosa = Reynosa, Tamaulipas, MX (crossing)\n  - price 5,999 USD" in out
    assert POSTS["c02"].doc_id not in out  # Reynosa as transit, not a crossing
    assert "2 of 16 post(s) would fire, 1 bad line(s)" in out


def test_test_json_output_and_rule_file(posts_file: Path, tmp_path: Path) -> None:
    rule = tmp_path / "mine.yaml"
    rule.write_text("name: Aliases\nrecipients: [a@example.org]\n"
                    "condition: {aliases: [el guero], only_ads: false}\n", "utf-8")
    code, out, _ = _run("alerts", "test", str(rule), "--data", str(posts_file), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert {row["doc_id"] for row in rows} == {POSTS["c06"].doc_id, POSTS["c07"].doc_id}
    assert rows[0]["reasons"] == ["watchlisted alias El Güero"]


def test_raw_query_needs_elasticsearch(
    posts_file: Path, elasticsearch_service: ElasticsearchService, es_client: Elasticsearch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "Channel boat ads (raw query)"
    code, _, err = _run("alerts", "test", name, "--data", str(posts_file),
                        "--rules-dir", str(RULES))
    assert code == 2 and "add --elasticsearch" in err
    monkeypatch.setenv("CENTINELA_ELASTICSEARCH__URL", elasticsearch_service.url)
    code, out, _ = _run("alerts", "test", name, "--data", str(posts_file),
                        "--rules-dir", str(RULES), "--elasticsearch")
    assert f"FIRES {POSTS['c13'].doc_id}" in out
    assert "matched its raw Elasticsearch query" in out
    assert es_client.indices.get(index="centinela-dry-run-*") == {}  # scratch index removed


def test_unknown_rule_lists_the_known_ones(posts_file: Path) -> None:
    code, _, err = _run("alerts", "test", "nope", "--data", str(posts_file),
                        "--rules-dir", str(RULES))
    assert code == 2
    assert "no rule named 'nope'; known: 'Channel boat ads (raw query)'" in err


@pytest.mark.parametrize("path", [["alert"], ["alerts"], ["alerts", "validate"],
                                  ["alerts", "list"], ["alerts", "test"]])
def test_every_command_help_has_an_example(path: list[str]) -> None:
    code, out, _ = _run(*path, "--help")
    assert code == 0
    assert "Example:  centinela " in out

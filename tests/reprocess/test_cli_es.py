"""``centinela reprocess`` as an operator runs it: a real process, real Elasticsearch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from elasticsearch import Elasticsearch

from indexer.elastic import live_index
from pipeline.cli_reprocess import register
from pipeline.records import RawPost
from pipeline.settings import ElasticsearchSettings
from tests.reprocess.conftest import PROJECT, V2

APP = (
    "import typer\n"
    "from pipeline.cli_reprocess import register\n"
    "app = typer.Typer()\n"
    "register(app)\n"
    "app.command('noop')(lambda: None)\n"
    "app()\n"
)


def _run(
    settings: ElasticsearchSettings, tmp: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CENTINELA_ELASTICSEARCH__URL": settings.url,
           "CENTINELA_ELASTICSEARCH__INDEX_PREFIX": settings.index_prefix,
           "CENTINELA_CONFIG": str(tmp / "none.toml"), "COLUMNS": "160"}
    return subprocess.run(
        [sys.executable, "-c", APP, "reprocess", "--checkpoint", str(tmp / "cp.json"),
         "--dead-letters", str(tmp / "dl.jsonl"), *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_help_has_examples() -> None:
    app = typer.Typer()
    register(app)
    command = app.registered_commands[0]
    assert command.name == "reprocess"
    assert command.help is not None and "\b\nExample:" in command.help


@pytest.mark.integration
def test_dry_run_then_run_through_the_command_line(
    es: Elasticsearch, es_settings: ElasticsearchSettings, archive: Path,
    archived_posts: dict[str, RawPost], v1_index: str, tmp_path: Path,
) -> None:
    dry = _run(es_settings, tmp_path, "--archive", str(archive), "--platform", "facebook",
               "--dry-run")
    assert dry.returncode == 0, dry.stderr[-3000:]
    facebook = sum(1 for p in archived_posts.values() if p.platform == "facebook")
    totals = [line for line in dry.stderr.splitlines() if " total " in line]
    assert len(totals) == 1 and f" {facebook:,} " in totals[0], dry.stderr
    assert "dry run: nothing was created" in dry.stderr
    assert not (tmp_path / "dl.jsonl").exists() and not (tmp_path / "cp.json").exists()
    assert live_index(es, es_settings.index_prefix) == v1_index

    run = _run(es_settings, tmp_path, "--archive", str(archive), "--workers", "2",
               "--nlp-version", V2)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "posts/s" in run.stderr and "alias now points at" in run.stderr
    new = live_index(es, es_settings.index_prefix)
    assert new is not None and new != v1_index
    assert es.count(index=new, q=f'nlp_version:"{V2}"')["count"] == len(archived_posts)

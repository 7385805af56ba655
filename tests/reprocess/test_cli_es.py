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
from tests.alerts.conftest import SmtpServer, smtp_server  # noqa: F401 - the fixture
from tests.alerts.streaming_support import sent
from tests.real_services import KafkaService
from tests.reprocess.conftest import PROJECT, V2
from tests.reprocess.kafka_support import Topic

APP = (
    "import typer\n"
    "from pipeline.cli_reprocess import register\n"
    "app = typer.Typer()\n"
    "register(app)\n"
    "app.command('noop')(lambda: None)\n"
    "app()\n"
)


def _run(
    settings: ElasticsearchSettings, tmp: Path, *args: str, **env_vars: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CENTINELA_ELASTICSEARCH__URL": settings.url,
           "CENTINELA_ELASTICSEARCH__INDEX_PREFIX": settings.index_prefix,
           "CENTINELA_CONFIG": str(tmp / "none.toml"), "COLUMNS": "160", **env_vars}
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
    examples = command.help.split("Example:")[1]
    for option in ("--from-warc", ".warc.gz", "--from-kafka --kafka-since",
                   "--kafka-offset 0:1200", "--alert"):
        assert option in examples, option


@pytest.mark.parametrize(("args", "message"), [
    (("--from-kafka", "--kafka-since", "2026-01-01T00:00:00+00:00", "--kafka-offset", "3"),
     "give --kafka-since or --kafka-offset, not both"),
    (("--kafka-offset", "3"), "--kafka-since and --kafka-offset need --from-kafka"),
    (("--from-kafka", "--archive", "x"), "drop --archive/--from-warc"),
    (("--from-kafka", "--kafka-offset", "a:b"), "give N or PARTITION:N"),
    (("--from-kafka", "--kafka-since", "2026-01-01T00:00:00"), "has no timezone"),
    (("--alert", "--no-swap"), "--alert runs after the alias swap"),
])
def test_bad_option_combinations_are_clear_errors(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    run = _run(ElasticsearchSettings(url="http://127.0.0.1:9"), tmp_path, *args)
    assert run.returncode == 2, run.stderr
    assert message in " ".join(run.stderr.split()), run.stderr


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


@pytest.mark.integration
def test_unreadable_warc_and_missing_topic_exit_2(
    es: Elasticsearch, es_settings: ElasticsearchSettings, kafka_service: KafkaService,
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    run = _run(es_settings, tmp_path, "--archive", str(broken))
    assert run.returncode == 2 and "error: cannot read WARC" in run.stderr, run.stderr
    run = _run(es_settings, tmp_path, "--from-kafka",
               CENTINELA_KAFKA__BOOTSTRAP=kafka_service.bootstrap,
               CENTINELA_KAFKA__TOPIC_PREFIX=f"{kafka_service.topic_prefix}absent.")
    assert run.returncode == 2, run.stderr
    assert "does not exist" in run.stderr and "absent.centinela.raw.v1" in run.stderr


@pytest.mark.integration
def test_kafka_replay_with_alert_through_the_command_line(
    es: Elasticsearch, es_settings: ElasticsearchSettings, topic: Topic,
    smtp_server: SmtpServer,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "all.yaml").write_text(
        "name: Every re-processed post\nrecipients: [analista@example.org]\n"
        "condition: {only_ads: false}\n", encoding="utf-8")
    env = {"CENTINELA_KAFKA__BOOTSTRAP": topic.settings.bootstrap,
           "CENTINELA_KAFKA__TOPIC_PREFIX": topic.settings.topic_prefix,
           "CENTINELA_SMTP__HOST": smtp_server.host, "CENTINELA_SMTP__PORT": str(smtp_server.port),
           "CENTINELA_PATHS__DATA_DIR": str(tmp_path / "var"),
           "CENTINELA_PATHS__RULES_DIR": str(rules)}
    run = _run(es_settings, tmp_path, "--from-kafka", "--kafka-offset", "8", "--nlp-version",
               V2, "--alert", **env)
    assert run.returncode == 0, run.stderr[-3000:]
    expected = {d for d, (_p, offset) in topic.where.items() if offset >= 8}
    assert len(expected) == 6
    text = " ".join(run.stderr.split())
    assert "messages/s" in text and "posts/s" in text
    assert "2 dead letters" in text and "alias now points at" in text
    assert f"alerts: {len(expected)} re-processed posts checked" in text
    assert f"{len(expected)} email(s) sent" in text
    assert sent([r.message for r in smtp_server.inbox.messages]) == {
        ("Every re-processed post", (doc_id,)) for doc_id in expected}

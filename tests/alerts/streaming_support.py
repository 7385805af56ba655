"""Shared set-up of the streaming alert tests: a rules folder with broken files, settings."""

from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path

from pipeline.settings import (
    PROJECT_ROOT,
    ElasticsearchSettings,
    KafkaSettings,
    PathsSettings,
    Settings,
)
from tests.alerts.conftest import SmtpServer
from tests.alerts.corpus import CORPUS

BROKEN_YAML = "name: Broken\nrecipients: [a@example.org]\ncondition: {text_any: [unclosed\n"
BAD_QUERY = """\
name: Refused raw query
recipients: [a@example.org]
condition:
  raw_query: {no_such_query: {text: boat}}
"""
POSTS = {post.native_id: post for post in CORPUS}


def rules_folder(tmp_path: Path) -> Path:
    """Copy the example rules and add a file with broken YAML and one with a refused query."""
    folder = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "fixtures" / "rules", folder)
    (folder / "broken.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    (folder / "bad_query.yaml").write_text(BAD_QUERY, encoding="utf-8")
    return folder


def streaming_settings(
    smtp: SmtpServer, tmp_path: Path, *, es_url: str, prefix: str,
    kafka: KafkaSettings | None = None,
) -> Settings:
    """Settings for one test: its SMTP server, its index prefix, its state and rules."""
    base = smtp.settings()
    return Settings(
        smtp=base.smtp, kibana=base.kibana,
        elasticsearch=ElasticsearchSettings(url=es_url, index_prefix=prefix),
        paths=PathsSettings(data_dir=tmp_path / "var", rules_dir=rules_folder(tmp_path)),
        kafka=kafka or KafkaSettings(),
    )


EXPECTED = {
    ("Channel boat ads (raw query)", (POSTS["c13"].doc_id,)),
    ("Reynosa crossings under $6,000", (POSTS["c01"].doc_id,)),
    ("Watchlist numbers", (POSTS["c06"].doc_id,)),
    ("Watchlist numbers", (POSTS["c07"].doc_id,)),
    ("Watchlist aliases", (POSTS["c07"].doc_id,)),
}
"""(rule, doc_ids) of the emails the example rules send for ``BATCH`` (Houston is a digest)."""
BATCH = [POSTS[name] for name in ("c01", "c03", "c06", "c07", "c13", "c15")]


def sent(messages: list[EmailMessage]) -> set[tuple[str, tuple[str, ...]]]:
    """Return (rule, doc_ids) of each received email, from its X-Centinela headers."""
    return {
        (str(m["X-Centinela-Rule"]), tuple(str(m["X-Centinela-Doc-Ids"]).split()))
        for m in messages
    }

"""``--alert``: opt-in re-alerting after the swap, to a real SMTP server, once per post."""

from __future__ import annotations

from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer.elastic import live_index
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import RawPost
from pipeline.reprocess import ReprocessOptions, run_reprocess
from pipeline.reprocess_alerts import AlertOutcome, ReprocessAlerter
from pipeline.reprocess_plan import Selection
from pipeline.reprocess_work import Checkpoint
from pipeline.settings import ElasticsearchSettings, PathsSettings, Settings
from tests.alerts.conftest import SmtpServer, smtp_server  # noqa: F401 - the fixture
from tests.alerts.streaming_support import sent
from tests.reprocess.conftest import v2_factory

pytestmark = pytest.mark.integration

SOURCE = "elguero.rutas"
RULES = """\
- name: Re-processed TikTok
  recipients: [analista.tiktok@example.org]
  condition: {platforms: [tiktok], only_ads: false}
- name: TikTok digest
  recipients: [jefa@example.org]
  digest_minutes: 60
  condition: {platforms: [tiktok], only_ads: false}
"""


def _settings(smtp: SmtpServer, es_settings: ElasticsearchSettings, tmp_path: Path) -> Settings:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "tiktok.yaml").write_text(RULES, encoding="utf-8")
    base = smtp.settings()
    return Settings(smtp=base.smtp, kibana=base.kibana, elasticsearch=es_settings,
                    paths=PathsSettings(data_dir=tmp_path / "var", rules_dir=rules))


def test_alerts_only_when_asked_and_once_per_rule_and_post(
    es: Elasticsearch, es_settings: ElasticsearchSettings, archive: Path,
    archived_posts: dict[str, RawPost], v1_index: str, dead_letters: DeadLetterFile,
    smtp_server: SmtpServer,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    settings = _settings(smtp_server, es_settings, tmp_path)
    chosen = sorted(d for d, p in archived_posts.items() if p.source == SOURCE)
    assert chosen and len(chosen) < sum(p.platform == "tiktok" for p in archived_posts.values())
    options = ReprocessOptions(archive=archive, checkpoint=tmp_path / "cp.json",
                               selection=Selection(sources=(SOURCE,)), sample_size=3)

    quiet = run_reprocess(es, es_settings, options, v2_factory(), dead_letters)
    assert quiet.swapped and quiet.alerts is None
    assert smtp_server.inbox.messages == []  # the default: no alert for old posts

    loud = run_reprocess(es, es_settings, options, v2_factory(), dead_letters,
                         alerter=ReprocessAlerter(settings))
    assert loud.swapped and loud.alerts is not None
    assert loud.alerts.posts == len(chosen) and loud.alerts.problems == []
    # One email per re-processed post of the source (the other TikTok posts were only
    # copied from the live index), and the digest with all of them at the end of the run.
    expected = {("Re-processed TikTok", (doc_id,)) for doc_id in chosen}
    received = sent([r.message for r in smtp_server.inbox.messages])
    digest = [item for item in received if item[0] == "TikTok digest"]
    assert received - set(digest) == expected
    assert len(digest) == 1 and sorted(digest[0][1]) == chosen
    assert len(smtp_server.inbox.messages) == len(chosen) + 1 == loud.alerts.sent

    again = run_reprocess(es, es_settings, options, v2_factory(), dead_letters,
                          alerter=ReprocessAlerter(settings))
    assert again.alerts is not None and again.alerts.posts == len(chosen)
    assert again.alerts.sent == 0  # the alert state: never twice per (rule, doc_id)
    assert len(smtp_server.inbox.messages) == len(chosen) + 1



class AlertingFailed(Exception):
    """Raised by the first alerter, as a crash after the swap would stop the run."""


def test_interrupted_alerting_is_resumed_without_reprocessing(
    es: Elasticsearch, es_settings: ElasticsearchSettings, archive: Path, v1_index: str,
    dead_letters: DeadLetterFile, tmp_path: Path,
) -> None:
    options = ReprocessOptions(archive=archive, checkpoint=tmp_path / "cp.json",
                               selection=Selection(sources=(SOURCE,)), sample_size=3)
    calls: list[tuple[str, str]] = []

    def crashing(client: Elasticsearch, index: str, started_at: str) -> AlertOutcome:
        calls.append((index, started_at))
        raise AlertingFailed

    with pytest.raises(AlertingFailed):
        run_reprocess(es, es_settings, options, v2_factory(), dead_letters, alerter=crashing)
    saved = Checkpoint.load(options.checkpoint)
    assert saved.swapped and calls == [(saved.target_index, saved.started_at)]
    assert live_index(es, es_settings.index_prefix) == saved.target_index

    def recording(client: Elasticsearch, index: str, started_at: str) -> AlertOutcome:
        calls.append((index, started_at))
        return AlertOutcome(posts=1)

    resumed = ReprocessOptions(**{**options.__dict__, "resume": True})
    report = run_reprocess(es, es_settings, resumed, v2_factory(), dead_letters,
                           alerter=recording)
    assert calls[1] == calls[0]  # the same posts: those enriched by the interrupted run
    assert report.swapped and report.verification is None and report.indexed == 0
    assert report.alerts == AlertOutcome(posts=1)
    assert not options.checkpoint.exists()

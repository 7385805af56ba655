"""Re-processing the crawled archive into a new index version, against real Elasticsearch."""

from __future__ import annotations

from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer.elastic import alias_name, live_index
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import RawPost
from pipeline.reprocess import ReprocessOptions, run_reprocess
from pipeline.reprocess_plan import Selection
from pipeline.settings import ElasticsearchSettings
from tests.reprocess.conftest import V1, V2, v2_factory

pytestmark = pytest.mark.integration


def _versions(es: Elasticsearch, alias: str) -> dict[str, int]:
    aggs = {"v": {"terms": {"field": "nlp_version"}}}
    buckets = es.search(index=alias, size=0, aggs=aggs)["aggregations"]["v"]["buckets"]
    return {b["key"]: b["doc_count"] for b in buckets}


def test_reprocess_into_v2_and_swap(
    es: Elasticsearch, es_settings: ElasticsearchSettings, archive: Path,
    archived_posts: dict[str, RawPost], v1_index: str, dead_letters: DeadLetterFile,
    tmp_path: Path,
) -> None:
    alias = alias_name(es_settings.index_prefix)
    before = es.count(index=alias)["count"]
    options = ReprocessOptions(archive=archive, checkpoint=tmp_path / "cp.json", workers=2,
                               sample_size=10)
    report = run_reprocess(es, es_settings, options, v2_factory(), dead_letters)

    assert report.verification is not None
    assert report.verification.ok, report.verification.problems
    assert report.verification.sampled == 10
    assert report.swapped
    assert live_index(es, es_settings.index_prefix) == report.target_index != v1_index
    assert before == len(archived_posts)
    assert es.count(index=alias)["count"] == before
    assert _versions(es, alias) == {V2: before}
    assert _versions(es, v1_index) == {V1: before}  # the old index is kept, untouched
    assert not options.checkpoint.exists()
    assert dead_letters.count == 0


def test_dry_run_touches_nothing(
    es: Elasticsearch, es_settings: ElasticsearchSettings, archive: Path,
    archived_posts: dict[str, RawPost], v1_index: str, dead_letters: DeadLetterFile,
    tmp_path: Path,
) -> None:
    indices_before = set(es.indices.get(index=f"{es_settings.index_prefix}*"))
    options = ReprocessOptions(archive=archive, checkpoint=tmp_path / "cp.json",
                               selection=Selection(platforms=("tiktok",)), dry_run=True)
    report = run_reprocess(es, es_settings, options, v2_factory(), dead_letters)

    tiktok = sum(1 for p in archived_posts.values() if p.platform == "tiktok")
    assert 0 < report.plan.selected == tiktok
    assert sum(report.plan.by_source().values()) == tiktok
    assert report.verification is None and not report.swapped
    assert set(es.indices.get(index=f"{es_settings.index_prefix}*")) == indices_before
    assert report.target_index not in indices_before
    assert not options.checkpoint.exists()
    assert live_index(es, es_settings.index_prefix) == v1_index


def test_filtered_reprocess_keeps_unselected_posts(
    es: Elasticsearch, es_settings: ElasticsearchSettings, archive: Path,
    archived_posts: dict[str, RawPost], v1_index: str, dead_letters: DeadLetterFile,
    tmp_path: Path,
) -> None:
    telegram = sum(1 for p in archived_posts.values() if p.platform == "telegram")
    selection = Selection(platforms=("telegram",), nlp_version_not=V2)
    options = ReprocessOptions(archive=archive, checkpoint=tmp_path / "cp.json",
                               selection=selection, workers=2, sample_size=5)
    report = run_reprocess(es, es_settings, options, v2_factory(), dead_letters)

    assert report.verification is not None and report.verification.ok
    alias = alias_name(es_settings.index_prefix)
    assert report.plan.selected == telegram
    assert _versions(es, alias) == {V2: telegram, V1: len(archived_posts) - telegram}

    again = run_reprocess(es, es_settings, options, v2_factory(), dead_letters)
    assert again.plan.selected == 0  # every telegram post is at V2 now
    assert again.verification is not None and again.verification.ok
    assert es.count(index=alias)["count"] == len(archived_posts)

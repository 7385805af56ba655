"""Contact privacy and retention on the real Elasticsearch node: _source, search, purge."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer.elastic import ElasticsearchSink
from indexer.elastic.search import search
from indexer.embedded import EmbeddedStore
from indexer.errors import PrivacyError
from indexer.privacy import REDACTED, ContactPrivacy
from indexer.query import SearchQuery
from indexer.retention import purge_elasticsearch
from pipeline.dead_letters import DeadLetterFile
from pipeline.records import EnrichedPost
from pipeline.settings import PROJECT_ROOT, ElasticsearchSettings
from tests.indexer.privacy_posts import HANDLE, KEY, PHONE, PHONE_DIGITS, PHONE_WRITTEN, phone_ad
from tests.indexer.test_retention import CUTOFF, aged_corpus

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

HASH = ContactPrivacy("hash", KEY)


def _index(es: Elasticsearch, settings: ElasticsearchSettings, letters: DeadLetterFile,
           posts: list[EnrichedPost], privacy: ContactPrivacy) -> str:
    sink = ElasticsearchSink(es, letters, settings, privacy=privacy)
    sink.add(posts)
    sink.flush()
    es.indices.refresh(index=sink.index)
    assert sink.stats.indexed == len(posts) and letters.count == 0
    return sink.index


def _native_ids(es: Elasticsearch, alias: str) -> list[str]:
    hits = es.search(index=alias, query={"match_all": {}}, size=100)["hits"]["hits"]
    return sorted(hit["_source"]["native_id"] for hit in hits)


def test_hash_mode_source_holds_no_number_yet_search_finds_it(
    es: Elasticsearch, es_settings: ElasticsearchSettings, live_alias: str,
    dead_letters: DeadLetterFile, tmp_path: Path,
) -> None:
    others = aged_corpus()
    alias = _index(es, es_settings, dead_letters, [phone_ad(), *others], HASH)
    source = es.get(index=alias, id=phone_ad().doc_id)["_source"]
    raw = json.dumps(source, ensure_ascii=False)
    for leak in (PHONE_DIGITS, "555-0142", "555 0142", HANDLE):
        assert leak not in raw, leak
    assert source["facets"]["contact_keys"] == [HASH.token(PHONE), HASH.token(HANDLE)]
    assert source["nlp"]["contacts"][0]["value"] == HASH.token(PHONE)
    for written in (PHONE_WRITTEN, PHONE, HASH.token(PHONE), f"@{HANDLE}"):
        found = search(es, alias, SearchQuery(contact=written), HASH)
        assert [post.native_id for post in found] == ["phone-ad"], written
    assert search(es, alias, SearchQuery(contact=PHONE), ContactPrivacy()) == []
    # the embedded store answers the same question the same way
    with EmbeddedStore(tmp_path / "store.sqlite3", HASH) as store:
        store.add([phone_ad(), *others])
        for number in ("+1 202 555 0101", PHONE_WRITTEN):
            query = SearchQuery(contact=number)
            assert [h.post.doc_id for h in store.search(query)] == \
                [p.doc_id for p in search(es, alias, query, HASH)]


def test_redact_mode_keeps_types_and_refuses_contact_search(
    es: Elasticsearch, es_settings: ElasticsearchSettings, live_alias: str,
    dead_letters: DeadLetterFile,
) -> None:
    redact = ContactPrivacy("redact")
    alias = _index(es, es_settings, dead_letters, [phone_ad()], redact)
    facets = es.get(index=alias, id=phone_ad().doc_id)["_source"]["facets"]
    assert facets["contact_values"] == [REDACTED] and facets["contact_keys"] == []
    assert facets["contact_types"] == ["whatsapp", "telegram"]
    with pytest.raises(PrivacyError):
        search(es, alias, SearchQuery(contact=PHONE), redact)
    assert [p.native_id for p in search(es, alias, SearchQuery(text="reynosa"), redact)] == [
        "phone-ad"]


def test_purge_deletes_exactly_the_old_posts(
    es: Elasticsearch, es_settings: ElasticsearchSettings, live_alias: str,
    dead_letters: DeadLetterFile,
) -> None:
    alias = _index(es, es_settings, dead_letters, aged_corpus(), ContactPrivacy())
    dry = purge_elasticsearch(es, alias, CUTOFF, dry_run=True)
    assert (dry.matched, dry.deleted) == (2, 0)
    assert len(_native_ids(es, alias)) == 5
    done = purge_elasticsearch(es, alias, CUTOFF, expunge=True)
    assert (done.matched, done.deleted, done.failures) == (2, 2, 0)
    assert _native_ids(es, alias) == ["justo", "nuevo", "recrawled"]


def test_purge_command_with_elasticsearch(
    es: Elasticsearch, es_settings: ElasticsearchSettings, live_alias: str, prefix: str,
    dead_letters: DeadLetterFile, tmp_path: Path,
) -> None:
    """`centinela purge --elasticsearch` as a user runs it; 30 days before *now*."""
    from datetime import timedelta

    from pipeline.records import utc_now
    from tests.indexer.privacy_posts import spanned

    now = utc_now()
    posts = [spanned(name, f"Cruce por Reynosa {name}", published=now - timedelta(days=days),
                     collected=now - timedelta(days=days))
             for name, days in (("antiguo", 400), ("reciente", 5))]
    alias = _index(es, es_settings, dead_letters, posts, ContactPrivacy())
    env = {**os.environ, "CENTINELA_PATHS__DATA_DIR": str(tmp_path),
           "CENTINELA_ELASTICSEARCH__URL": es_settings.url,
           "CENTINELA_ELASTICSEARCH__INDEX_PREFIX": prefix,
           "CENTINELA_PRIVACY__RETENTION_DAYS": "30"}
    command = [sys.executable, "-m", "pipeline.cli", "purge", "--elasticsearch"]
    dry = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, env=env,
                         cwd=PROJECT_ROOT, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert f"elasticsearch {alias} at {es_settings.url}: would delete 1 of 1" in dry.stdout
    assert "embedded store" in dry.stdout and "none, skipped" in dry.stdout
    assert len(_native_ids(es, alias)) == 2
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "deleted 1 of 1 matching post(s)" in done.stdout
    assert _native_ids(es, alias) == ["reciente"]


def test_search_command_on_elasticsearch_hashes_and_audits(
    es: Elasticsearch, es_settings: ElasticsearchSettings, live_alias: str, prefix: str,
    dead_letters: DeadLetterFile, tmp_path: Path,
) -> None:
    """`centinela search --elasticsearch --contact …` in hash mode, as a user runs it."""
    alias = _index(es, es_settings, dead_letters, [phone_ad(), *aged_corpus()], HASH)
    env = {**os.environ, "CENTINELA_PATHS__DATA_DIR": str(tmp_path),
           "CENTINELA_ELASTICSEARCH__URL": es_settings.url,
           "CENTINELA_ELASTICSEARCH__INDEX_PREFIX": prefix,
           "CENTINELA_PRIVACY__CONTACTS": "hash", "CENTINELA_PRIVACY__HASH_KEY": KEY.decode()}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "search", "--elasticsearch", "--contact",
         PHONE_WRITTEN, "--json"],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = [EnrichedPost.model_validate_json(line) for line in done.stdout.splitlines()]
    assert [post.native_id for post in found] == ["phone-ad"]
    assert PHONE_DIGITS not in done.stdout
    (line,) = [json.loads(x) for x in (tmp_path / "audit" / "exports.jsonl").read_text()
               .splitlines()]
    assert line["store"] == f"elasticsearch:{es_settings.url}/{alias}"
    assert line["query"] == {"contact": HASH.token(PHONE), "limit": 20} and line["results"] == 1

"""Conformance: the Python matcher and the real Elasticsearch percolator fire identically.

One corpus (``corpus.CORPUS``), hand-written rules for each condition and 400 generated
ones; both matchers must give the same (rule, doc_id) pairs, with the same reasons.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from indexer.alerts import Match, MatchContext, Rule
from indexer.alerts.errors import AlertError
from indexer.alerts.matchers import PercolatorMatcher, PythonMatcher
from indexer.alerts.rules_index import percolate, rules_index_name, sync_rules
from tests.alerts.corpus import CORPUS, generate_rules
from tests.real_services import ElasticsearchService

ids = {post.native_id: post.doc_id for post in CORPUS}


def _rule(name: str, **condition: object) -> Rule:
    return Rule.model_validate(
        {"name": name, "recipients": ["a@example.org"], "condition": condition}
    )


HAND = {
    "reynosa crossing ≤ 6000": (
        _rule("reynosa crossing ≤ 6000", places=[{"name": "Reynosa", "role": "crossing"}],
              max_price_usd=6000),
        {"c01", "c10"},
    ),
    "word not prefix": (_rule("word not prefix", text_any=["reynosa"]), {"c01", "c10", "c12"}),
    "phrase": (_rule("phrase", text_all=["cruce por"], only_ads=False), {"c02", "c10"}),
    "accents folded": (_rule("accents folded", text_any=["darien"], only_ads=False),
                       {"c05", "c10", "c15"}),
    "underscore splits": (_rule("underscore splits", text_all=["el guero"]), {"c07", "c16"}),
    "usd range on one price": (
        _rule("usd range on one price", currency="USD", max_price_usd=6000),
        {"c01", "c02", "c10", "c12"},
    ),
    "mxn only": (_rule("mxn only", currency="MXN", min_price_usd=1000), {"c03", "c11"}),
    "phone suffix": (_rule("phone suffix", contacts=["899 555 0142"]), {"c14"}),
    "short suffix": (_rule("short suffix", contacts=["555 0142"]), {"c08", "c14"}),
    "handle": (_rule("handle", contacts=["@ElGuero.Rutas"]), {"c07"}),
    "aliases": (_rule("aliases", aliases=["EL GÜERO"], only_ads=False), {"c06", "c07"}),
    "score bound": (_rule("score bound", min_score=0.7), {"c01", "c03", "c04", "c07", "c08", "c10",
                                                          "c11", "c12", "c13", "c14", "c16"}),
    "first post": (_rule("first post", first_post_by_author=True, platforms=["tiktok"]),
                   {"c07"}),
}


@pytest.fixture(scope="module")
def rules_prefix(
    es_client: Elasticsearch, elasticsearch_service: ElasticsearchService
) -> Iterator[str]:
    """A rules index private to this module, deleted at its end."""
    prefix = elasticsearch_service.index("conformance-")
    yield prefix
    es_client.indices.delete(index=rules_index_name(prefix), ignore=404)


def _contexts() -> dict[str, MatchContext]:
    return {p.doc_id: MatchContext(first_post_by_author=n % 2 == 0) for n, p in enumerate(CORPUS)}


def _pairs(matches: list[Match]) -> set[tuple[str, str]]:
    return {(m.rule, m.doc_id) for m in matches}


def test_hand_written_rules_fire_as_documented(
    es_client: Elasticsearch, rules_prefix: str
) -> None:
    rules = [rule for rule, _ in HAND.values()]
    report = sync_rules(es_client, rules, prefix=rules_prefix)
    assert report.errors == {}
    assert sorted(report.indexed) == sorted(HAND)
    for matcher in (PythonMatcher(), PercolatorMatcher(es_client, prefix=rules_prefix)):
        found = _pairs(matcher.match(rules, CORPUS, _contexts()))
        for name, (_, expected) in HAND.items():
            got = {doc for rule, doc in found if rule == name}
            assert got == {ids[n] for n in expected}, (type(matcher).__name__, name)


def test_generated_rules_agree_with_reasons(es_client: Elasticsearch, rules_prefix: str) -> None:
    rules = generate_rules(400, seed=11)
    report = sync_rules(es_client, rules, prefix=rules_prefix)
    assert report.errors == {}
    assert len(report.indexed) == 400
    assert len(report.deleted) == len(HAND)  # the previous test's rules were removed
    python = PythonMatcher().match(rules, CORPUS, _contexts())
    percolator = PercolatorMatcher(es_client, prefix=rules_prefix)
    streamed = percolator.match(rules, CORPUS, _contexts())
    assert len(python) > 300  # the corpus exercises the rules, not only their misses
    assert _pairs(streamed) == _pairs(python)
    assert sorted(streamed, key=lambda m: (m.rule, m.doc_id)) == sorted(
        python, key=lambda m: (m.rule, m.doc_id)
    )
    assert percolator.disagreements == 0


def test_more_matching_rules_than_max_rules_is_an_error_not_a_truncation(
    es_client: Elasticsearch, rules_prefix: str
) -> None:
    rules = [_rule("all one", only_ads=False), _rule("all two", only_ads=False)]
    sync_rules(es_client, rules, prefix=rules_prefix)
    with pytest.raises(AlertError, match="2 rules matched a batch of 1 posts"):
        percolate(es_client, CORPUS[:1], prefix=rules_prefix, max_rules=1)
    assert len(percolate(es_client, CORPUS[:1], prefix=rules_prefix, max_rules=2)) == 2

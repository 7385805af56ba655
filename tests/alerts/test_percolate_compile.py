"""The rule → percolator query compiler and the rules index body, without a server."""

from __future__ import annotations

from indexer.alerts import Rule
from indexer.alerts.percolate import compile_rule, percolator_document
from indexer.alerts.rules_index import rules_index_body
from tests.alerts.corpus import CORPUS


def _rule(**condition: object) -> Rule:
    return Rule.model_validate(
        {"name": "r", "recipients": ["a@example.org"], "condition": condition}
    )


def test_an_empty_condition_matches_everything_and_ads_only_filters() -> None:
    assert compile_rule(_rule(only_ads=False)) == {"match_all": {}}
    assert compile_rule(_rule()) == {"bool": {"filter": [{"term": {"nlp.is_smuggling_ad": True}}]}}


def test_place_and_role_are_one_nested_clause_with_folded_keys() -> None:
    query = compile_rule(_rule(places=[{"name": "QUERÉTARO", "role": "origin"}], only_ads=False))
    assert query == {"bool": {"filter": [{"nested": {"path": "nlp.places", "query": {
        "bool": {"filter": [{"term": {"nlp.places.keys": "queretaro"}},
                            {"term": {"nlp.places.role": "origin"}}]}}}}]}}


def test_a_phone_without_plus_also_matches_as_a_suffix_of_digit_keys() -> None:
    query = compile_rule(_rule(contacts=["899 555 0142"], only_ads=False))
    assert query["bool"]["filter"][0]["bool"]["should"] == [
        {"term": {"facets.contact_keys": "8995550142"}},
        {"wildcard": {"alert.phone_keys": {"value": "*8995550142"}}},
    ]
    assert compile_rule(_rule(contacts=["+52 899 555 0142"], only_ads=False)) == {
        "bool": {"filter": [{"term": {"facets.contact_keys": "528995550142"}}]}
    }


def test_first_post_by_author_is_left_to_after_percolation() -> None:
    assert compile_rule(_rule(first_post_by_author=True, only_ads=False)) == {"match_all": {}}


def test_raw_query_is_used_as_written() -> None:
    raw = {"match_phrase": {"text": "boat game"}}
    assert compile_rule(_rule(raw_query=raw)) == raw


def test_percolator_document_adds_digit_only_phone_keys() -> None:
    post = next(p for p in CORPUS if p.native_id == "c08")
    assert percolator_document(post)["alert"] == {"phone_keys": ["15555550142"]}


def test_rules_index_mirrors_posts_with_the_alert_differences() -> None:
    body = rules_index_body()
    properties = body["mappings"]["properties"]
    assert properties["query"] == {"type": "percolator"}
    assert properties["text"]["analyzer"] == "alert_words"
    assert properties["nlp"]["properties"]["score"] == {"type": "double"}
    assert properties["nlp"]["properties"]["places"]["type"] == "nested"
    assert body["mappings"]["dynamic"] is False
    assert "alert_words" in body["settings"]["analysis"]["analyzer"]

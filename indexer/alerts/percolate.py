"""Compile a rule's ``Condition`` into an Elasticsearch query for the percolator.

The query must fire on exactly the posts ``Rule.matches`` accepts (``_evaluate.py``); the
conformance test runs both on one corpus. How each condition keeps the Python semantics:

- text terms: ``match_phrase`` on ``text``, which the rules index analyses with
  ``alert_words`` (letters/digits runs, lowercase, ASCII-folded), the tokens of
  ``indexer.normalise.words``; a one-word term is a one-token phrase, so whole words only;
- places: one ``nested`` query on ``nlp.places`` so name/canonical (``keys``, folded in
  Python by ``to_document``) and role hold for the SAME place;
- price: one ``nested`` query on ``nlp.prices``: currency and the USD range on one mention;
- contacts: ``facets.contact_keys`` holds ``contact_key`` of every contact, so a watchlist
  entry is a ``term`` on its own key; an entry without ``+`` and with 7+ digits also matches
  as a suffix of a digits-only key (``alert.phone_keys``, added by ``percolator_document``);
- aliases: ``term`` on ``facets.alias_keys`` with the folded alias;
- countries, platforms, ``only_ads``, ``min_score``: ``terms``/``term``/``range`` filters.

``first_post_by_author`` cannot be a percolator query: whether a post is its author's first
is not in the post but in what the alerter saw before (the SQLite alert state). The compiled
query leaves it out; ``PercolatorMatcher`` applies it after percolation from the
``MatchContext`` the engine computed from its state, exactly as the Python matcher does.
A rule with ``raw_query`` is used as written.
"""

from __future__ import annotations

from typing import Any

from indexer.alerts.rules import Condition, Rule
from indexer.elastic.document import to_document
from indexer.normalise import contact_key, fold, phone_suffix
from pipeline.records import EnrichedPost

Query = dict[str, Any]


def compile_rule(rule: Rule) -> Query:
    """Return the percolator query of ``rule``: its ``raw_query`` or its compiled condition."""
    if rule.condition.raw_query is not None:
        return rule.condition.raw_query
    return compile_condition(rule.condition)


def compile_condition(condition: Condition) -> Query:
    """Return a ``bool`` query whose filters are the conditions (all must hold)."""
    filters: list[Query] = []
    if condition.only_ads:
        filters.append({"term": {"nlp.is_smuggling_ad": True}})
    if condition.min_score is not None:
        filters.append({"range": {"nlp.score": {"gte": condition.min_score}}})
    if condition.platforms:
        filters.append({"terms": {"platform": list(condition.platforms)}})
    filters += [_phrase(term) for term in condition.text_all]
    if condition.text_any:
        filters.append(_any([_phrase(term) for term in condition.text_any]))
    if condition.places:
        filters.append(_places(condition))
    if condition.countries:
        filters.append({"terms": {"facets.countries": list(condition.countries)}})
    price = _price(condition)
    if price is not None:
        filters.append(price)
    if condition.contacts:
        filters.append(_any([_contact(entry) for entry in condition.contacts]))
    if condition.aliases:
        keys = sorted({fold(alias) for alias in condition.aliases})
        filters.append({"terms": {"facets.alias_keys": keys}})
    if not filters:
        return {"match_all": {}}
    return {"bool": {"filter": filters}}


def percolator_document(post: EnrichedPost) -> dict[str, Any]:
    """Return the document percolated for ``post``: ``to_document`` plus ``alert.phone_keys``.

    ``phone_keys`` are the digits-only contact keys, the only ones a phone suffix may match
    (``indexer.normalise.contact_matches`` requires ``stored.isdigit()``).
    """
    document = to_document(post)
    keys = [contact_key(contact.value) for contact in post.nlp.contacts]
    document["alert"] = {"phone_keys": sorted({key for key in keys if key.isdigit()})}
    return document


def _any(queries: list[Query]) -> Query:
    if len(queries) == 1:
        return queries[0]
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _phrase(term: str) -> Query:
    return {"match_phrase": {"text": {"query": fold(term)}}}


def _places(condition: Condition) -> Query:
    wanted: list[Query] = []
    for place in condition.places:
        must: list[Query] = [{"term": {"nlp.places.keys": fold(place.name)}}]
        if place.role is not None:
            must.append({"term": {"nlp.places.role": place.role}})
        wanted.append({"bool": {"filter": must}})
    return {"nested": {"path": "nlp.places", "query": _any(wanted)}}


def _price(condition: Condition) -> Query | None:
    low, high, currency = condition.min_price_usd, condition.max_price_usd, condition.currency
    if low is None and high is None and currency is None:
        return None
    must: list[Query] = []
    if currency is not None:
        must.append({"term": {"nlp.prices.currency": currency}})
    if low is not None or high is not None:
        bounds = {"gte": low, "lte": high}
        must.append({"range": {"nlp.prices.amount_usd": {
            key: value for key, value in bounds.items() if value is not None
        }}})
    return {"nested": {"path": "nlp.prices", "query": {"bool": {"filter": must}}}}


def _contact(entry: str) -> Query:
    exact: Query = {"term": {"facets.contact_keys": contact_key(entry)}}
    suffix = phone_suffix(entry)
    if suffix is None:
        return exact
    return _any([exact, {"wildcard": {"alert.phone_keys": {"value": f"*{suffix}"}}}])

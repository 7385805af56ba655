"""Answer a SearchQuery from Elasticsearch with the same meaning as the embedded store.

Each SearchQuery field becomes one ``filter`` clause of a ``bool`` query; the text clauses are
``must`` (they score). Place, price and contact semantics follow ``indexer/query.py``:
place + country + role constrain one nested place, the price bounds + currency one nested
price; contacts and aliases compare the keys of ``indexer.normalise`` stored in ``facets``.
A contact filter is first put in the stored form of the deployment's ``ContactPrivacy`` (the
token in ``hash`` mode; refused in ``redact`` mode), as ``to_document`` stored it.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from indexer.elastic.document import from_document
from indexer.normalise import contact_key, fold, phone_suffix, words
from indexer.privacy import ContactPrivacy, deployment_privacy
from indexer.query import SearchQuery
from pipeline.records import EnrichedPost


def _nested(path: str, clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return {"nested": {"path": path, "query": {"bool": {"filter": clauses}}}}


def _place_clause(query: SearchQuery) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if query.place:
        clauses.append({"term": {"nlp.places.keys": fold(query.place)}})
    if query.country:
        clauses.append({"term": {"nlp.places.country": query.country}})
    if query.role:
        clauses.append({"term": {"nlp.places.role": query.role}})
    return _nested("nlp.places", clauses) if clauses else None


def _price_clause(query: SearchQuery) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    bounds: dict[str, float] = {}
    if query.min_price_usd is not None:
        bounds["gte"] = query.min_price_usd
    if query.max_price_usd is not None:
        bounds["lte"] = query.max_price_usd
    if bounds:
        clauses.append({"range": {"nlp.prices.amount_usd": bounds}})
    if query.currency:
        clauses.append({"term": {"nlp.prices.currency": query.currency}})
    return _nested("nlp.prices", clauses) if clauses else None


def _contact_clause(contact: str) -> dict[str, Any]:
    options: list[dict[str, Any]] = [{"term": {"facets.contact_keys": contact_key(contact)}}]
    suffix = phone_suffix(contact)
    if suffix is not None:
        # a stored phone (digits only) ending in the typed digits, whatever its country code
        options.append({"regexp": {"facets.contact_keys": {"value": f"[0-9]*{suffix}"}}})
    return {"bool": {"should": options, "minimum_should_match": 1}}


def text_clauses(query: SearchQuery) -> list[str]:
    """Return the text clauses that hold a word; like the embedded store, ignore the rest.

    A clause of only emoji or punctuation analyses to no term, which Elasticsearch would
    answer with no post at all; the embedded store treats it as no text constraint.
    """
    return [clause for clause in query.text_clauses() if words(clause)]


def build_query(query: SearchQuery) -> dict[str, Any]:
    """Return the Elasticsearch ``bool`` query for ``query`` (without size or sort)."""
    must = [{"match_phrase": {"text": {"query": clause}}} for clause in text_clauses(query)]
    filters: list[dict[str, Any]] = []
    if query.platform:
        filters.append({"term": {"platform": query.platform}})
    if query.source:
        filters.append({"term": {"source": query.source}})
    if query.only_ads:
        filters.append({"term": {"nlp.is_smuggling_ad": True}})
    dates: dict[str, str] = {}
    if query.since:
        dates["gte"] = query.since.isoformat()
    if query.until:
        dates["lte"] = query.until.isoformat()
    if dates:
        filters.append({"range": {"published_at": dates}})
    if query.alias:
        filters.append({"term": {"facets.alias_keys": fold(query.alias)}})
    if query.contact:
        filters.append(_contact_clause(query.contact))
    for clause in (_place_clause(query), _price_clause(query)):
        if clause is not None:
            filters.append(clause)
    return {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}


def search(
    client: Elasticsearch, alias: str, query: SearchQuery, privacy: ContactPrivacy | None = None
) -> list[EnrichedPost]:
    """Return up to ``query.limit`` posts matching ``query``: best text match, then newest.

    ``privacy`` (default: the deployment's) says how the alias stores contacts.
    """
    query = (privacy or deployment_privacy()).protect_query(query)
    sort: list[Any] = [{"published_at": "desc"}, {"doc_id": "asc"}]
    if text_clauses(query):
        sort.insert(0, "_score")
    response = client.search(index=alias, query=build_query(query), sort=sort, size=query.limit)
    return [from_document(hit["_source"]) for hit in response["hits"]["hits"]]

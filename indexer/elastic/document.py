"""EnrichedPost ⇄ Elasticsearch document: the record's own shape plus what Kibana needs.

The document keeps the EnrichedPost exactly (so ``from_document`` rebuilds the record) and adds:

- ``nlp.places[].location``: a ``geo_point`` built from ``lat``/``lon`` when both are known;
- ``nlp.places[].keys``: the folded name, canonical and city (``indexer.normalise.place_keys``)
  so a nested place filter matches the way the embedded store does;
- ``facets``: flat, denormalised arrays (contacts, aliases, places by role, the route, the
  price range) that Kibana can aggregate on without nested queries.

``to_document`` takes the deployment's ``ContactPrivacy`` (``indexer/privacy.py``): with
``hash`` or ``redact`` the stored contacts (``nlp.contacts``, ``facets.contact_values``,
``facets.contact_keys``) and the contacts inside ``text`` are tokens or ``[redacted]``, and a
redacted contact has no key. The default, ``CLEAR``, stores the post as extracted.

Both functions are pure: no client, no clock.
"""

from __future__ import annotations

import json
from typing import Any

from indexer.normalise import fold, place_keys
from indexer.privacy import CLEAR, ContactPrivacy
from pipeline.records import EnrichedPost

_ROLE_FACETS = {
    "origin": "origins",
    "transit": "transits",
    "crossing": "crossings",
    "destination": "destinations",
}
_PLACE_EXTRAS = ("location", "keys")


def _unique(values: list[str]) -> list[str]:
    """Return ``values`` without empties and repeats, first occurrence order kept."""
    return list(dict.fromkeys(value for value in values if value))


def _facets(post: EnrichedPost, privacy: ContactPrivacy) -> dict[str, Any]:
    nlp = post.nlp
    usd = [price.amount_usd for price in nlp.prices if price.amount_usd is not None]
    facets: dict[str, Any] = {
        "contact_values": _unique([contact.value for contact in nlp.contacts]),
        "contact_keys": _unique([privacy.index_key(c.value) or "" for c in nlp.contacts]),
        "contact_types": _unique([contact.type for contact in nlp.contacts]),
        "alias_values": _unique([alias.value for alias in nlp.aliases]),
        "alias_keys": _unique([fold(alias.value) for alias in nlp.aliases]),
        "place_names": _unique([place.name for place in nlp.places]),
        "place_canonicals": _unique([place.canonical for place in nlp.places]),
        "place_keys": _unique([key for p in nlp.places for key in place_keys(p.name, p.canonical)]),
        "countries": _unique([place.country for place in nlp.places]),
        "roles": _unique([place.role for place in nlp.places]),
        "place_locations": [
            {"lat": place.lat, "lon": place.lon}
            for place in nlp.places
            if place.lat is not None and place.lon is not None
        ],
        "currencies": _unique([price.currency for price in nlp.prices]),
        "min_price_usd": min(usd) if usd else None,
        "max_price_usd": max(usd) if usd else None,
        "price_count": len(nlp.prices),
    }
    for role, facet in _ROLE_FACETS.items():
        facets[facet] = _unique([p.canonical for p in nlp.places if p.role == role])
    facets["route"] = _route(post)
    return facets


def _route(post: EnrichedPost) -> str | None:
    """Return the route as one Kibana term, ``Tapachula > Mexico City > Reynosa > Houston``.

    Cities (the canonical's first part) ordered by role (origin, transit, crossing,
    destination), mention order within a role; None unless two places have a known role.
    """
    ranked = sorted(
        (list(_ROLE_FACETS).index(p.role), n, p.canonical.split(",")[0].strip())
        for n, p in enumerate(post.nlp.places)
        if p.role in _ROLE_FACETS
    )
    cities = _unique([city for _rank, _n, city in ranked])
    return " > ".join(cities) if len(cities) >= 2 else None


def to_document(post: EnrichedPost, privacy: ContactPrivacy = CLEAR) -> dict[str, Any]:
    """Return the Elasticsearch ``_source`` of ``post`` (mapping ``posts.v1.json``).

    With a ``privacy`` other than ``CLEAR`` the post is stored as ``privacy.protect`` makes it.
    """
    post = privacy.protect(post)
    document = post.model_dump(mode="json")
    for place, record in zip(document["nlp"]["places"], post.nlp.places, strict=True):
        if record.lat is not None and record.lon is not None:
            place["location"] = {"lat": record.lat, "lon": record.lon}
        place["keys"] = _unique(list(place_keys(record.name, record.canonical)))
    document["facets"] = _facets(post, privacy)
    return document


def document_bytes(document: dict[str, Any]) -> bytes:
    """Return the exact bytes sent to Elasticsearch for ``document`` (compact UTF-8 JSON)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def from_document(source: dict[str, Any]) -> EnrichedPost:
    """Rebuild the EnrichedPost a document was made from (drops ``facets`` and place extras)."""
    record = {key: value for key, value in source.items() if key != "facets"}
    nlp = dict(record.get("nlp") or {})
    nlp["places"] = [
        {key: value for key, value in place.items() if key not in _PLACE_EXTRAS}
        for place in nlp.get("places", [])
    ]
    record["nlp"] = nlp
    return EnrichedPost.model_validate(record)

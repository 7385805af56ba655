"""to_document / from_document and the mapping file, without a cluster (pure)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.elastic import (
    document_bytes,
    from_document,
    full_jitter_delay,
    is_retryable,
    to_document,
)
from indexer.mappings import MAPPING_VERSION, load_index_body
from pipeline.records import NlpAnnotations
from tests.elastic.factories import full_post, place, post, price


def _mapped_paths(properties: dict[str, Any], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        paths.add(path)
        if "properties" in spec:
            paths |= _mapped_paths(spec["properties"], f"{path}.")
    return paths


def _document_paths(value: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(value, list):
        for item in value:
            paths |= _document_paths(item, prefix)
    elif isinstance(value, dict) and set(value) != {"lat", "lon"}:  # a geo_point is a leaf
        for key, item in value.items():
            paths.add(f"{prefix}{key}")
            paths |= _document_paths(item, f"{prefix}{key}.")
    return paths


def test_every_field_of_a_full_document_is_in_the_strict_mapping() -> None:
    body = load_index_body()
    mapped = _mapped_paths(body["mappings"]["properties"])
    produced = _document_paths(to_document(full_post()))
    assert body["mappings"]["dynamic"] == "strict"
    assert produced - mapped == set()
    assert {"facets.contact_keys", "nlp.places.location", "text"} <= produced


def test_mapping_declares_folding_analyzers_and_nested_mentions() -> None:
    body = load_index_body(MAPPING_VERSION)
    analyzers = body["settings"]["analysis"]["analyzer"]
    assert analyzers["folded"]["filter"] == ["lowercase", "asciifolding"]
    text = body["mappings"]["properties"]["text"]
    assert set(text["fields"]) == {"es", "en"}
    nlp = body["mappings"]["properties"]["nlp"]["properties"]
    assert {nlp[name]["type"] for name in ("prices", "places", "contacts", "aliases")} == {"nested"}
    assert nlp["places"]["properties"]["location"]["type"] == "geo_point"


def test_unknown_mapping_version_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="posts.v99.json"):
        load_index_body(99)


def test_full_document_round_trips_to_the_same_post() -> None:
    original = full_post()
    assert from_document(json.loads(document_bytes(to_document(original)))) == original


def test_facets_denormalise_places_prices_contacts_and_aliases() -> None:
    facets = to_document(full_post())["facets"]
    assert facets["origins"] == ["Tapachula, Chiapas, MX"]
    assert facets["crossings"] == ["Reynosa, Tamaulipas, MX"]
    assert facets["destinations"] == ["Houston, Texas, US"]
    assert facets["roles"] == ["origin", "transit", "crossing", "destination"]
    assert facets["countries"] == ["MX", "US"]
    assert facets["min_price_usd"] == 1820.5
    assert facets["max_price_usd"] == 8500
    assert facets["currencies"] == ["USD", "MXN"]
    assert facets["contact_keys"] == ["528995550142", "viajes_guero_demo"]
    assert facets["alias_values"] == ["El Güero"]
    assert facets["alias_keys"] == ["el guero"]
    assert "reynosa" in facets["place_keys"]
    assert len(facets["place_locations"]) == 3  # Houston has no coordinates
    assert facets["route"] == "Tapachula > Mexico City > Reynosa > Houston"


def test_location_only_when_both_coordinates_are_known() -> None:
    places = to_document(full_post())["nlp"]["places"]
    assert places[0]["location"] == {"lat": 14.90, "lon": -92.26}
    assert "location" not in places[3]
    assert places[2]["keys"] == ["reynosa", "reynosa, tamaulipas, mx"]


def test_post_without_annotations_has_empty_facets() -> None:
    facets = to_document(post("bare", ""))["facets"]
    assert facets["min_price_usd"] is None and facets["max_price_usd"] is None
    assert facets["price_count"] == 0
    assert all(facets[key] == [] for key in ("contact_values", "place_names", "alias_keys"))


def test_price_without_usd_is_not_a_price_facet() -> None:
    nlp = NlpAnnotations(
        lang="es",
        is_smuggling_ad=True,
        score=0.9,
        prices=(price(90000, "HNL"),),
        places=(place("Reynosa", "crossing"), place("Reynosa", "crossing")),
    )
    facets = to_document(post("hnl", nlp=nlp))["facets"]
    assert facets["min_price_usd"] is None and facets["price_count"] == 1
    assert facets["place_names"] == ["Reynosa"]  # repeated mentions, one facet value
    assert facets["route"] is None  # one city is not a route


def test_large_and_non_latin_texts_are_kept_byte_exact() -> None:
    text = "🚐✅ Стамбул → Αθήνα 伊斯坦布尔 " + "cruce seguro " * 8000
    encoded = document_bytes(to_document(post("big", text)))
    assert len(encoded) > 100_000
    assert json.loads(encoded)["text"] == text


@given(
    attempt=st.integers(min_value=0, max_value=60),
    initial=st.floats(min_value=0.001, max_value=5),
    cap=st.floats(min_value=0.001, max_value=60),
)
def test_full_jitter_delay_stays_within_the_capped_exponential(
    attempt: int, initial: float, cap: float
) -> None:
    delay = full_jitter_delay(attempt, initial, cap, random.Random(attempt))
    assert 0.0 <= delay <= min(cap, initial * 2.0**attempt)


@pytest.mark.parametrize(
    ("status", "retry"),
    [(429, True), (500, True), (503, True), (400, False), (404, False), ("N/A", False)],
)
def test_busy_and_server_errors_are_retryable_document_errors_are_not(
    status: object, retry: bool
) -> None:
    assert is_retryable(status) is retry

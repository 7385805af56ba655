"""Shared fixtures: one loaded Extractor and the extractors of each component."""

from __future__ import annotations

import pytest

from nlp import Extractor
from nlp.contacts import ContactExtractor
from nlp.places import PlaceExtractor
from nlp.prices import PriceExtractor
from nlp.resources import data_path


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor.load()


@pytest.fixture(scope="session")
def prices() -> PriceExtractor:
    return PriceExtractor(data_path("currencies.json"))


@pytest.fixture(scope="session")
def places() -> PlaceExtractor:
    return PlaceExtractor(data_path("gazetteer.tsv"), data_path("route_cues.json"))


@pytest.fixture(scope="session")
def contacts() -> ContactExtractor:
    return ContactExtractor(data_path("contacts.json"))

"""The relevance model: features, the structural floor rule, and deterministic training."""

from __future__ import annotations

import numpy as np
import pytest

from nlp import Extractor
from nlp.relevance import Evidence, FeatureBuilder
from nlp.resources import data_path
from nlp.train import fit
from pipeline.records import ExtractRequest

NOTHING = Evidence(0, 0, 0, 0, 0, 0, 0, 0, 0)
SHORT_AD = Evidence(
    prices=1,
    contacts=1,
    aliases=0,
    places=2,
    us_places=1,
    role_places=2,
    services=0,
    modes=0,
    payments=0,
)


def builder() -> FeatureBuilder:
    return FeatureBuilder(data_path("relevance_cues.json"))


def test_features_are_sparse_and_bounded() -> None:
    b = builder()
    vec = b.features("Viajes seguros, info por inbox " * 50, NOTHING)
    assert all(0 <= i < b.size for i in vec) and vec[0] == 1.0


def test_floor_lifts_a_short_ad() -> None:
    assert builder().floor("Guate - Hou 🚐 Q 40,000 📲 wa.me/50233445566", SHORT_AD) >= 0.5


def test_floor_ignores_warnings_and_posts_without_route() -> None:
    b = builder()
    assert b.floor("CUIDADO: estafa, cobran $5,000 hasta Houston, denuncie", SHORT_AD) == 0.0
    assert b.floor("Guate 📲 Q 40,000", NOTHING) == 0.0


def test_floor_ignores_testimonies() -> None:
    """A migrant telling what they paid has a price, a route and often a number; it is not
    an offer, so the structure alone must not lift it."""
    text = "Les cuento mi historia: pagué $9,000 de Huehue hasta Houston, me dejaron en el monte"
    assert builder().floor(text, SHORT_AD) == 0.0
    assert builder().floor("pagas $9,000 de Huehue hasta Houston, info 📲", SHORT_AD) > 0.0


def test_fit_is_deterministic_and_separates() -> None:
    x = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]] * 10)
    y = np.array([1.0, 0.0] * 10)
    w1, w2 = fit(x, y, dense=2), fit(x, y, dense=2)
    assert np.array_equal(w1, w2)
    p = 1 / (1 + np.exp(-(x @ w1)))
    assert ((p > 0.5) == (y == 1)).all()


@pytest.mark.parametrize("text", ["precio?", "Info al privado", "cuánto cobran?? 🙏", "info x dm"])
def test_talk_around_an_ad_is_not_an_ad(extractor: Extractor, text: str) -> None:
    """No place, price or contact: a comment under an ad, however ad-like its words."""
    (ann,) = extractor.annotate([ExtractRequest(id="1", text=text)])
    assert not ann.is_smuggling_ad and ann.score <= 0.3


def test_a_bare_offer_with_a_route_is_still_an_ad(extractor: Extractor) -> None:
    (ann,) = extractor.annotate([ExtractRequest(id="1", text="Guate ➡️ LA 🌴 $9,800 todo incluido")])
    assert ann.is_smuggling_ad

"""Rule semantics in Python: the same answers the Elasticsearch percolator must give."""

from __future__ import annotations

from typing import Any

import pytest

from indexer.alerts import Match, MatchContext, Rule, RuleNotEvaluable
from pipeline.records import EnrichedPost
from tests.indexer.posts import alias, contact, enriched, place, price

POST = enriched(
    "1",
    "VIAJES SEGUROS 🇺🇸 Cruce por REYNOSA, entrega en Houston. $5,500 dlls o 90 mil pesos. "
    "Pregunta por El Güero",
    score=0.8,
    prices=(price(5500), price(90000, "MXN", usd=5000)),
    places=(place("Reynosa", "crossing"), place("Houston", "destination")),
    contacts=(contact("+528990107323"), contact("@el_guero.rutas", "tiktok")),
    aliases=(alias("El Güero"),),
)
NOT_AD = enriched("2", "Noticia: detienen a coyote en Reynosa", is_ad=False, score=0.2,
                  places=(place("Reynosa", "unknown"),))


def _rule(**condition: Any) -> Rule:
    return Rule(name="r", recipients=("a@example.org",), condition=condition)


def _match(post: EnrichedPost = POST, first: bool = False, **condition: Any) -> Match | None:
    return _rule(**condition).matches(post, MatchContext(first_post_by_author=first))


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        ({}, True),                                             # empty: every ad
        ({"text_any": ["reynosa"]}, True),                      # case-insensitive
        ({"text_any": ["guero"]}, True),                        # accent-insensitive
        ({"text_any": ["GÜERO"]}, True),
        ({"text_any": ["reynos"]}, False),                      # whole words only
        ({"text_any": ["reynosas", "houston"]}, True),          # any
        ({"text_any": ["cruce por reynosa"]}, True),            # phrase
        ({"text_any": ["reynosa por cruce"]}, False),
        ({"text_all": ["cruce", "el guero"]}, True),            # all
        ({"text_all": ["cruce", "tijuana"]}, False),
        ({"platforms": ["telegram"]}, True),
        ({"platforms": ["tiktok", "facebook"]}, False),
        ({"places": ["reynosa"]}, True),
        ({"places": ["Reynosa, Tamaulipas, MX"]}, True),
        ({"places": [{"name": "Reynosa", "role": "crossing"}]}, True),
        ({"places": [{"name": "Reynosa", "role": "destination"}]}, False),
        ({"places": [{"name": "Tijuana"}, {"name": "houston", "role": "destination"}]}, True),
        ({"countries": ["US"]}, True),
        ({"countries": ["GT", "HN"]}, False),
        ({"max_price_usd": 6000}, True),
        ({"max_price_usd": 4000}, False),
        ({"min_price_usd": 5200, "max_price_usd": 6000}, True),
        ({"currency": "MXN", "max_price_usd": 5000}, True),      # the same mention
        ({"currency": "MXN", "min_price_usd": 5200}, False),     # USD 5,500 is another one
        ({"contacts": ["+52 899 010 7323"]}, True),
        ({"contacts": ["899-010-7323"]}, True),                  # national number: suffix
        ({"contacts": ["@EL_GUERO.RUTAS"]}, True),
        ({"contacts": ["+1 555 010 7323"]}, False),
        ({"aliases": ["el güero"]}, True),
        ({"aliases": ["Güero"]}, False),                         # whole alias
        ({"min_score": 0.8}, True),
        ({"min_score": 0.81}, False),
        ({"places": ["Reynosa"], "max_price_usd": 4000}, False), # every condition must hold
    ],
)
def test_conditions(condition: dict[str, Any], fires: bool) -> None:
    assert (_match(**condition) is not None) is fires


def test_only_ads_is_the_default_and_can_be_lifted() -> None:
    assert _match(NOT_AD, places=["Reynosa"]) is None
    match = _match(NOT_AD, places=["Reynosa"], only_ads=False)
    assert match is not None and match.doc_id == NOT_AD.doc_id


def test_first_post_by_author_depends_on_the_context() -> None:
    assert _match(first_post_by_author=True) is None
    match = _match(first=True, first_post_by_author=True)
    assert match is not None
    assert any("first post" in reason for reason in match.reasons)


def test_a_match_says_why() -> None:
    match = _match(
        text_any=["reynosa", "tijuana"], places=[{"name": "Reynosa", "role": "crossing"}],
        max_price_usd=6000, contacts=["899 010 7323"], aliases=["El Guero"],
    )
    assert match is not None
    assert match.rule == "r" and match.doc_id == POST.doc_id
    reasons = "\n".join(match.reasons)
    assert "classified as an ad (score 0.80)" in reasons
    assert "text has 'reynosa'" in reasons and "tijuana" not in reasons
    assert "place Reynosa = Reynosa, Tamaulipas, MX (crossing)" in reasons
    assert "price 5,500 USD" in reasons and "90,000 MXN" in reasons
    assert "+528990107323" in reasons
    assert "watchlisted alias El Güero" in reasons


def test_a_raw_query_rule_is_not_evaluable_embedded() -> None:
    rule = _rule(raw_query={"match": {"text": "boat"}})
    assert not rule.evaluable_embedded
    with pytest.raises(RuleNotEvaluable, match="not evaluable embedded"):
        rule.matches(POST, MatchContext())

"""Tags belong to offers: rejected posts carry none, accepted ones get what their route implies."""

from __future__ import annotations

from nlp.pipeline import build_pipeline
from nlp.tags import NO_TAGS, TagSets, offer_tags


def test_a_crossing_place_and_a_destination_imply_crossing_and_transport() -> None:
    tags = offer_tags(TagSets(("lodging",), (), ("staged",)), {"origin", "crossing"})
    assert tags.services == ("crossing", "lodging")
    tags = offer_tags(TagSets((), ("boat",), ()), {"unknown"})
    assert tags.services == ("transport",)
    assert offer_tags(TagSets(("guide",), (), ()), {"destination"}).services == (
        "guide", "transport")
    assert offer_tags(NO_TAGS, {"origin", "unknown"}) == NO_TAGS


def test_a_bus_company_post_has_no_tags_and_an_offer_has_its_route_services() -> None:
    nlp = build_pipeline()
    company = nlp("Autobuses del Norte: salidas diarias de Monterrey a Nuevo Laredo en autobús, "
                  "$450 pesos por persona, mitad de precio para niños. Taquilla 81 5550 0142.")
    assert not company._.is_smuggling_ad
    assert company._.tags == NO_TAGS
    offer = nlp("Salimos de Tapachula, cruce por Reynosa y te dejamos en Houston. $9,000 dlls, "
                "mitad al salir. WhatsApp +1 555 0142 pregunta por El Güero")
    assert offer._.is_smuggling_ad
    assert {"crossing", "transport"} <= set(offer._.tags.services)
    assert "staged" in offer._.tags.payment_terms

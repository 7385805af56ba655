"""Places resolve to the gazetteer's canonical names and get route roles from context."""

from __future__ import annotations

import pytest

from nlp.places import PlaceExtractor


def roles(places: PlaceExtractor, text: str) -> list[tuple[str, str, str]]:
    return [(text[p.start : p.end], p.entry.canonical, p.role) for p in places.extract(text, [])]


def test_full_route_with_cues(places: PlaceExtractor) -> None:
    text = "salida de Tapachula, pasando por CDMX, cruce por Reynosa, entrega en Houston"
    assert roles(places, text) == [
        ("Tapachula", "Tapachula, Chiapas, MX", "origin"),
        ("CDMX", "Mexico City, Ciudad de México, MX", "transit"),
        ("Reynosa", "Reynosa, Tamaulipas, MX", "crossing"),
        ("Houston", "Houston, Texas, US", "destination"),
    ]


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("DF", "Mexico City, Ciudad de México, MX"),
        ("Mty", "Monterrey, Nuevo León, MX"),
        ("Tijuas", "Tijuana, Baja California, MX"),
        ("Hou", "Houston, Texas, US"),
        ("Xela", "Quetzaltenango, Quetzaltenango, GT"),
        ("Guate", "Guatemala City, Guatemala, GT"),
        ("el otro lado", "United States, US"),
        ("la Yuma", "United States, US"),
        ("el norte", "United States, US"),
        ("Ciudad Juarez", "Ciudad Juárez, Chihuahua, MX"),
    ],
)
def test_informal_names(places: PlaceExtractor, name: str, canonical: str) -> None:
    found = places.extract(f"viajes a {name} esta semana", [])
    assert [p.entry.canonical for p in found] == [canonical]


def test_case_sensitive_codes_do_not_match_words(places: PlaceExtractor) -> None:
    assert places.extract("un df no, la mty tampoco; altar de muertos", []) == []


def test_arrow_chain(places: PlaceExtractor) -> None:
    got = [r for *_, r in roles(places, "Tapachula → DF → Tijuas → LA")]
    assert got == ["origin", "transit", "crossing", "destination"]


def test_border_city_defaults_to_crossing(places: PlaceExtractor) -> None:
    assert roles(places, "Noticias de Nuevo Laredo")[0][2] == "crossing"


def test_channel_route(places: PlaceExtractor) -> None:
    assert roles(places, "Boat from Dunkirk to the UK") == [
        ("Dunkirk", "Dunkirk, Hauts-de-France, FR", "origin"),
        ("UK", "United Kingdom, GB", "destination"),
    ]


def test_el_norte_de_is_not_the_us(places: PlaceExtractor) -> None:
    assert [p.entry.country for p in places.extract("en el norte de México", [])] == ["MX"]


def test_blocked_spans(places: PlaceExtractor) -> None:
    (place,) = places.extract("US$ 500 hasta Houston", [(0, 7)])
    assert place.entry.canonical.startswith("Houston")


def test_coordinates_present(places: PlaceExtractor) -> None:
    (place,) = places.extract("Reynosa", [])
    assert place.entry.lat == pytest.approx(26.08) and place.entry.lon == pytest.approx(-98.29)


SANTIAGO = ("Santiago", "Santyago")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("salida desde Santiago rumbo a USA por Perú", "Santiago, Santiago Metropolitan, CL"),
        ("de Santiago a Arica en bus", "Santiago, Santiago Metropolitan, CL"),
        ("Wanament → Dajabón → Santiago → Sendomeng", "Santiago de los Caballeros, Santiago, DO"),
        ("moto jusqu'à Santiago depuis Ouanaminthe", "Santiago de los Caballeros, Santiago, DO"),
        ("de La Habana a Santiago en guagua", "Santiago de Cuba, Santiago de Cuba, CU"),
        ("vòl Santyago → Kankoun, viza Chili", "Santiago, Santiago Metropolitan, CL"),
        ("nos vemos en Santiago", "Santiago, Santiago Metropolitan, CL"),
    ],
)
def test_ambiguous_names_follow_the_other_places(
    places: PlaceExtractor, text: str, canonical: str
) -> None:
    """"Santiago" is Chile's capital unless the post's other places are Dominican, Haitian
    (near the Dominican one) or Cuban."""
    found = [p for p in places.extract(text, []) if text[p.start : p.end] in SANTIAGO]
    assert [p.entry.canonical for p in found] == [canonical]

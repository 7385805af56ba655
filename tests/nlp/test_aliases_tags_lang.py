"""Aliases with precision, tags from cue lists, and language identification."""

from __future__ import annotations

import pytest

from nlp.aliases import AliasExtractor
from nlp.langid import LanguageScorer
from nlp.places import PlaceExtractor
from nlp.resources import data_path
from nlp.tags import TagExtractor


@pytest.fixture(scope="module")
def aliases(places: PlaceExtractor) -> AliasExtractor:
    return AliasExtractor(data_path("aliases.json"), set(places.folded))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pregunta por La Flaca. Atte. El Primo", ["La Flaca", "El Primo"]),
        ("Con Don Beto y Coyote Chuy todo seguro", ["Don Beto", "Coyote Chuy"]),
        ("“El Tigre” te cruza", ["El Tigre"]),
        ("Ask for Big Tony on WhatsApp", ["Big Tony"]),
        ("info con el Güero", ["el Güero"]),
    ],
)
def test_aliases(aliases: AliasExtractor, text: str, expected: list[str]) -> None:
    assert [a.value for a in aliases.extract(text, [])] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Cruce por El Paso",
        "en La Bestia no",
        "Soy de Honduras",
        "La Ceiba hasta Houston",
        "El Salvador y Guatemala",
        "Pregunta por WhatsApp",
        "El Viaje incluye comida",
    ],
)
def test_not_aliases(aliases: AliasExtractor, text: str) -> None:
    assert aliases.extract(text, []) == []


def test_tags() -> None:
    tags = TagExtractor(data_path("tags.json")).extract(
        "Cruce con guía, en camioneta o lancha, casa de seguridad, mitad al salir y mitad al "
        "llegar, 8 mil por persona, dejas escrituras en garantía"
    )
    assert {"crossing", "guide", "lodging"} <= set(tags.services)
    assert set(tags.transport_modes) == {"car", "boat"}
    assert {"staged", "per_person", "collateral"} <= set(tags.payment_terms)


def test_no_tags_on_unrelated_text() -> None:
    tags = TagExtractor(data_path("tags.json")).extract("Feliz cumpleaños mamá 🎂")
    assert (tags.services, tags.transport_modes, tags.payment_terms) == ((), (), ())


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Viajes seguros hasta Houston, pregunta por el precio", "es"),
        ("Safe trips to the USA, price per person, contact us", "en"),
        ("Viagem segura para os EUA, pagamento na chegada, você não paga antes", "pt"),
        ("Passage garanti vers l'Angleterre, départ chaque nuit, contactez-nous", "fr"),
        ("Nou gen vwayaj pou Miami, rele nou pou plis enfòmasyon sou lajan an", "ht"),
        ("🚐🇺🇸✅", "und"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert LanguageScorer.from_file(data_path("langid.json")).identify(text) == lang


def test_language_hint_wins() -> None:
    assert LanguageScorer.from_file(data_path("langid.json")).identify("hola amigos", "pt") == "pt"

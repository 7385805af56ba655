"""Rules added for posts written independently of the rules (rules2): one test per cause."""

from __future__ import annotations

from typing import Any

import pytest

from nlp import Extractor
from nlp.contacts import ContactExtractor
from nlp.prices import PriceExtractor
from nlp.relevance import dominant_quote
from nlp.textmap import normalise
from pipeline.records import ExtractRequest


def contact_values(
    contacts: ContactExtractor, text: str, countries: tuple[str, ...] = (), lang: str = "es"
) -> list[tuple[str, str]]:
    norm = normalise(text)
    return [(c.type, c.value) for c in contacts.extract(norm.text, countries, lang, None)]


@pytest.mark.parametrize(
    ("text", "countries", "lang", "expected"),
    [
        ("Citas al (555) 010-0163", ("US",), "es", [("phone", "+15550100163")]),
        ("Call 555-010-6634", (), "en", [("phone", "+15550106634")]),
        ("Denuncia al 1-800-555-0142.", ("GT",), "es", [("phone", "+18005550142")]),
        ("info 📲 899.301.66.42", ("MX",), "es", [("phone", "+528993016642")]),
        ("escribir al wa.me/52 664 905 3318", (), "es", [("whatsapp", "+526649053318")]),
        ("Kontakte 4O 11 22 9O", ("HT",), "ht", [("phone", "+50940112290")]),
        ("WhatsApp: 555 010 4471 (+1)", ("MX",), "es", [("whatsapp", "+15550104471")]),
    ],
)
def test_contact_formats(
    contacts: ContactExtractor,
    text: str,
    countries: tuple[str, ...],
    lang: str,
    expected: list[tuple[str, str]],
) -> None:
    assert contact_values(contacts, text, countries, lang) == expected


def test_letter_o_alone_is_not_a_digit() -> None:
    assert normalise("el 2O de mayo").text == "el 2O de mayo"


def annotate(extractor: Extractor, text: str) -> dict[str, Any]:
    result = extractor.annotate([ExtractRequest(id="t", text=text)])[0]
    return result.model_dump()


@pytest.mark.parametrize(
    ("text", "alias"),
    [
        ("Viaje a Houston $9,000. Escribir a Yunior +52 899 123 4567", "Yunior"),
        ("Cruce por Reynosa $8,000 llamar al Güero Mendoza 899 123 4567", "Güero Mendoza"),
        ("Travessia até os EUA US$ 15 mil, falar com o Mineiro (33) 99104-0000", "o Mineiro"),
        ("Pase Chili pou Meksik 4 000 dola. Rele Ti Jan +56 9 5520 0000", "Ti Jan"),
        ("PASE NAN FWONTYÈ 3 000 DOLA. RELE MADAN JO +509 4711 0000", "MADAN JO"),
        ("Passage UK 1800€. Un passeur appelé Le Grand, tel 06 12 34 00 00", "Le Grand"),
    ],
)
def test_alias_cues(extractor: Extractor, text: str, alias: str) -> None:
    values = [a["value"] for a in annotate(extractor, text)["aliases"]]
    assert alias in values


def test_organisations_are_not_aliases(extractor: Extractor) -> None:
    text = "Trámite gratuito. Contacto Consulado General de Honduras 555 010 0000"
    assert list(annotate(extractor, text)["aliases"]) == []


def roles(extractor: Extractor, text: str) -> list[tuple[str, str]]:
    places = annotate(extractor, text)["places"]
    return [(p["raw"], p["role"]) for p in places]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Salimos de Villahermosa, en camión hasta Saltillo y cruce por Acuña. $8,200 USD",
            [("Villahermosa", "origin"), ("Saltillo", "transit"), ("Acuña", "crossing")],
        ),
        (
            "Vendo bici 650 €, à récupérer à Dunkerque. Tél 06 22 90 00 00",
            [("Dunkerque", "unknown")],
        ),
        (
            "Moun ki nan Tapachula, nou ka mennen w Tijuana. 1 800 dola. Rele +52 962 410 0000",
            [("Tapachula", "origin"), ("Tijuana", "crossing")],
        ),
        (
            "Brinco en Tijuana $4500, entrega en San Diego o LA. wa.me/526649050000",
            [("Tijuana", "crossing"), ("San Diego", "destination"), ("LA", "destination")],
        ),
        ("Viajes al norte 🇺🇸 garantizado $7,000 wa.me/528991230000", [("norte", "destination")]),
    ],
)
def test_route_roles(extractor: Extractor, text: str, expected: list[tuple[str, str]]) -> None:
    assert roles(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("Sin guía 1500 con guía 4 mil verdes", [1500.0, 4000.0]),
        ("$1,200-1,500 depending on city", [1200.0, 1500.0]),
        ("2 000 euros, 1 000 tout de suite", [2000.0, 1000.0]),
        ("4 500 dola US pou granmoun, timoun 2 000.", [4500.0, 2000.0]),
        ("Nacido en 2000, cobra 3 mil dólares", [3000.0]),
    ],
)
def test_bare_fees_in_priced_posts(prices: PriceExtractor, text: str, amounts: list[float]) -> None:
    assert [p.amount for p in prices.extract(text, [])] == amounts


@pytest.mark.parametrize(
    "text",
    [
        "Remesas sin comisión de Charlotte a Honduras, envía $200 y recibe L 4,900. (555) 010-0000",
        "Greyhound special: El Paso to Dallas $59. Book online or call (555) 010-0000.",
        "Mon frère a payé 2 000 € à un passeur à Calais et le bateau a coulé. 07 45 00 00 00",
    ],
)
def test_look_alike_negatives(extractor: Extractor, text: str) -> None:
    assert annotate(extractor, text)["is_smuggling_ad"] is False


def test_dominant_quote_is_the_quotation_only_when_it_is_most_of_the_post() -> None:
    framed = '«Salidas martes desde Tapachula hasta Reynosa, 3 mil verdes», citó la Fiscalía.'
    assert dominant_quote(framed) == "Salidas martes desde Tapachula hasta Reynosa, 3 mil verdes"
    warning = (
        'ALERTA: si ves anuncios como "viaje seguro a Houston" no caigas, es un engaño de '
        "quienes secuestran y extorsionan a las familias. Denuncia al consulado más cercano."
    )
    assert dominant_quote(warning) is None
    assert dominant_quote("sin comillas aquí") is None
    assert dominant_quote("") is None


@pytest.mark.parametrize(
    "text",
    [
        "Según el parte policial, el aviso decía: «Pasos por Colchane saliendo de Pisiga, "
        "traslado hasta Iquique. 200 mil pesos chilenos, info +56 9 5501 0155».",
        'Dapre lapolis, anons lan te di konsa: "Vwayaj pou Miyami, depa Pòdepè, bato a ap '
        'kite samdi swa. 4 000 dola ameriken, peye mwatye avan."',
    ],
)
def test_a_quoted_ad_framed_by_a_report_is_an_ad(extractor: Extractor, text: str) -> None:
    assert annotate(extractor, text)["is_smuggling_ad"] is True


def test_a_warning_quoting_a_short_ad_is_not_an_ad(extractor: Extractor) -> None:
    text = (
        "PSA 📣 \"Cheap trip from Guatemala to Houston, pay when you get there.\" If you hear "
        "this, it's a trap. Smugglers abandon people in the desert and lock them in trucks. "
        "Learn the facts before you risk your life and talk to the legal aid office first."
    )
    assert annotate(extractor, text)["is_smuggling_ad"] is False

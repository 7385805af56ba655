"""Contacts come out in E.164 or lowercase handles, obfuscated or not."""

from __future__ import annotations

import pytest

from nlp.contacts import ContactExtractor
from nlp.textmap import normalise


def found(
    contacts: ContactExtractor,
    text: str,
    countries: tuple[str, ...] = (),
    lang: str = "es",
    platform: str | None = None,
) -> list[tuple[str, str]]:
    norm = normalise(text)
    return [(c.type, c.value) for c in contacts.extract(norm.text, countries, lang, platform)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WhatsApp: +52 899 123 4567", [("whatsapp", "+528991234567")]),
        ("wa.me/5218991234567", [("whatsapp", "+528991234567")]),
        ("https://api.whatsapp.com/send?phone=50233445566", [("whatsapp", "+50233445566")]),
        ("Tel 899-123-4567", [("phone", "+528991234567")]),
        ("cel 55 1O23 4567", [("phone", "+525510234567")]),
        (
            "WhatsApp cinco cinco uno dos tres cuatro cinco seis siete ocho",
            [("whatsapp", "+525512345678")],
        ),
        ("Telegram: @Coyote_Norte", [("telegram", "coyote_norte")]),
        ("t.me/s/ViajesUK", [("telegram", "viajesuk")]),
        ("https://www.tiktok.com/@Pollero.MX", [("tiktok", "pollero.mx")]),
        ("IG: @viajes.seguros", [("instagram", "viajes.seguros")]),
        ("Escribe a ViajeSeguro@Example.com", [("email", "viajeseguro@example.com")]),
        ("Contact +44 7700 900123", [("phone", "+447700900123")]),
        ("llamar al +1 (212) 555-0142", [("phone", "+12125550142")]),
    ],
)
def test_contacts(contacts: ContactExtractor, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(contacts, text) == expected


def test_region_from_places(contacts: ContactExtractor) -> None:
    assert found(contacts, "Tel 5123-4567", ("GT",)) == [("phone", "+50251234567")]
    assert found(contacts, "rele 3456 7890", (), "ht") == [("phone", "+50934567890")]


def test_whatsapp_label_after_number(contacts: ContactExtractor) -> None:
    assert found(contacts, "Escriban al +52 633 101 2288 por WhatsApp")[0][0] == "whatsapp"


@pytest.mark.parametrize(
    "text",
    [
        "info por inbox",
        "Info x inbox 📩",
        "$12,000 - 15,000 dólares",
        "salida 14.03.2023",
        "máximo 25 personas",
        "cruce por Reynosa",
    ],
)
def test_not_contacts(contacts: ContactExtractor, text: str) -> None:
    assert found(contacts, text) == []


def test_handle_platform_from_post_context(contacts: ContactExtractor) -> None:
    assert found(contacts, "info @guia_norte", platform="tiktok") == [("tiktok", "guia_norte")]
    assert found(contacts, "info @guia_norte", platform="facebook") == []

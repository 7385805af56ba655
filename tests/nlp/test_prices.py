"""Money mentions in every written form, and the numbers that are not prices."""

from __future__ import annotations

import pytest

from nlp.prices import PriceExtractor, parse_number


def found(prices: PriceExtractor, text: str) -> list[tuple[float, str]]:
    return [(p.amount, p.currency) for p in prices.extract(text, [])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cuesta 8 mil dólares", [(8000, "USD")]),
        ("solo 8k", [(8000, "USD")]),
        ("8.500 USD por persona", [(8500, "USD")]),
        ("cobran mil 900 dólares", [(1900, "USD")]),
        ("de 6 a 8 mil dólares", [(6000, "USD"), (8000, "USD")]),
        ("Q55 mil hasta Houston", [(55000, "GTQ")]),
        ("L 90,000 por persona", [(90000, "HNL")]),
        ("R$ 3.000 por pessoa", [(3000, "BRL")]),
        ("apenas 14K€", [(14000, "EUR")]),
        ("$12-15K según la ruta", [(12000, "USD"), (15000, "USD")]),
        ("adultos 9 mil dólares, niños 5 mil", [(9000, "USD"), (5000, "USD")]),
        ("el viaje $15,000 pesos y el cruce $3,500", [(15000, "MXN"), (3500, "MXN")]),
        ("31 mil 200 pesos", [(31200, "MXN")]),
        ("£2,500 each, £900 children", [(2500, "GBP"), (900, "GBP")]),
        ("$6,900.00 dlls", [(6900, "USD")]),
        ("6.200 dólares o 3 500 dólares", [(6200, "USD"), (3500, "USD")]),
        ("guía de confianza, dos mil quinientos dólares", [(2500, "USD")]),
        ("only five thousand dollars", [(5000, "USD")]),
        ("veinte mil quetzales", [(20000, "GTQ")]),
    ],
)
def test_prices(prices: PriceExtractor, text: str, expected: list[tuple[float, str]]) -> None:
    assert found(prices, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "máximo 25 personas por grupo",
        "menores de 12 años gratis",
        "100% seguro y garantizado",
        "incluye 3 intentos",
        "salida 14.03.2023 a las 10:30",
        "salimos el 8 de abril",
        "desde 2019 trabajando",
        "más de 20 mil migrantes",
        "mil gracias a todos",
        "dos personas y tres niños",
    ],
)
def test_not_prices(prices: PriceExtractor, text: str) -> None:
    assert found(prices, text) == []


def test_blocked_spans_are_skipped(prices: PriceExtractor) -> None:
    text = "precio 8500 USD"
    assert found(prices, text) == [(8500, "USD")]
    assert prices.extract(text, [(7, 11)]) == []


@pytest.mark.parametrize(
    ("raw", "value"), [("8.500", 8500), ("6,900.00", 6900), ("3 500", 3500), ("7.5", 7.5)]
)
def test_parse_number(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_amount_usd_uses_the_rate_table(prices: PriceExtractor) -> None:
    assert prices.amount_usd(100, "USD") == 100
    assert 0 < (prices.amount_usd(10000, "MXN") or 0) < 10000
    assert prices.amount_usd(1, "XXX") is None

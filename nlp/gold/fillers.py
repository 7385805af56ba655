"""Slot fillers for the dev-set generator: invented prices, places, contacts and aliases,
each rendered in one of the surface forms seen in real ads, as gold markup."""

from __future__ import annotations

import random

PLACES: dict[str, list[tuple[str, str]]] = {
    "origin": [
        ("Guatemala", "Guatemala, GT"),
        ("Guate", "Guatemala, GT"),
        ("Xela", "Quetzaltenango, Quetzaltenango, GT"),
        ("Huehuetenango", "Huehuetenango, Huehuetenango, GT"),
        ("San Pedro Sula", "San Pedro Sula, Cortés, HN"),
        ("Tegucigalpa", "Tegucigalpa, Francisco Morazán, HN"),
        ("Honduras", "Honduras, HN"),
        ("El Salvador", "El Salvador, SV"),
        ("San Salvador", "San Salvador, San Salvador, SV"),
        ("Nicaragua", "Nicaragua, NI"),
        ("Managua", "Managua, Managua, NI"),
        ("Cuba", "Cuba, CU"),
        ("La Habana", "Havana, La Habana, CU"),
        ("Venezuela", "Venezuela, VE"),
        ("Ecuador", "Ecuador, EC"),
        ("Quito", "Quito, Pichincha, EC"),
        ("Colombia", "Colombia, CO"),
        ("Ciudad de Guatemala", "Guatemala City, Guatemala, GT"),
        ("Tapachula", "Tapachula, Chiapas, MX"),
        ("Haití", "Haiti, HT"),
    ],
    "transit": [
        ("CDMX", "Mexico City, Ciudad de México, MX"),
        ("el DF", "Mexico City, Ciudad de México, MX"),
        ("Ciudad de México", "Mexico City, Ciudad de México, MX"),
        ("Mty", "Monterrey, Nuevo León, MX"),
        ("Monterrey", "Monterrey, Nuevo León, MX"),
        ("Puebla", "Puebla, Puebla, MX"),
        ("Veracruz", "Veracruz, Veracruz, MX"),
        ("Oaxaca", "Oaxaca, Oaxaca, MX"),
        ("Chiapas", "Chiapas, MX"),
        ("Tuxtla", "Tuxtla Gutiérrez, Chiapas, MX"),
        ("Necoclí", "Necoclí, Antioquia, CO"),
        ("Panamá", "Panama, PA"),
        ("Costa Rica", "Costa Rica, CR"),
        ("Guadalajara", "Guadalajara, Jalisco, MX"),
        ("Querétaro", "Querétaro, Querétaro, MX"),
    ],
    "crossing": [
        ("Tijuana", "Tijuana, Baja California, MX"),
        ("Tijuas", "Tijuana, Baja California, MX"),
        ("Mexicali", "Mexicali, Baja California, MX"),
        ("Nogales", "Nogales, Sonora, MX"),
        ("Altar", "Altar, Sonora, MX"),
        ("Sonoyta", "Sonoyta, Sonora, MX"),
        ("Agua Prieta", "Agua Prieta, Sonora, MX"),
        ("Ciudad Juárez", "Ciudad Juárez, Chihuahua, MX"),
        ("Juárez", "Ciudad Juárez, Chihuahua, MX"),
        ("Ojinaga", "Ojinaga, Chihuahua, MX"),
        ("Piedras Negras", "Piedras Negras, Coahuila, MX"),
        ("Nuevo Laredo", "Nuevo Laredo, Tamaulipas, MX"),
        ("Reynosa", "Reynosa, Tamaulipas, MX"),
        ("Matamoros", "Matamoros, Tamaulipas, MX"),
        ("El Paso", "El Paso, Texas, US"),
    ],
    "destination": [
        ("Houston", "Houston, Texas, US"),
        ("Hou", "Houston, Texas, US"),
        ("Dallas", "Dallas, Texas, US"),
        ("San Antonio", "San Antonio, Texas, US"),
        ("Phoenix", "Phoenix, Arizona, US"),
        ("Los Angeles", "Los Angeles, California, US"),
        ("Atlanta", "Atlanta, Georgia, US"),
        ("Charlotte", "Charlotte, North Carolina, US"),
        ("Chicago", "Chicago, Illinois, US"),
        ("Nueva York", "New York, New York, US"),
        ("Miami", "Miami, Florida, US"),
        ("el otro lado", "United States, US"),
        ("el norte", "United States, US"),
        ("la Yuma", "United States, US"),
        ("USA", "United States, US"),
        ("Estados Unidos", "United States, US"),
    ],
}
EUROPE: dict[str, list[tuple[str, str]]] = {
    "origin": [
        ("Libya", "Libya, LY"),
        ("Sfax", "Sfax, Sfax, TN"),
        ("Izmir", "Izmir, Izmir, TR"),
        ("Turkey", "Turkey, TR"),
        ("Tunisia", "Tunisia, TN"),
    ],
    "crossing": [
        ("Calais", "Calais, Hauts-de-France, FR"),
        ("Dunkirk", "Dunkirk, Hauts-de-France, FR"),
        ("Dunkerque", "Dunkirk, Hauts-de-France, FR"),
        ("Lampedusa", "Lampedusa, Sicily, IT"),
    ],
    "destination": [
        ("UK", "United Kingdom, GB"),
        ("London", "London, England, GB"),
        ("Italy", "Italy, IT"),
        ("Greece", "Greece, GR"),
        ("England", "United Kingdom, GB"),
        ("Angleterre", "United Kingdom, GB"),
        ("Londres", "London, England, GB"),
    ],
}
ALIASES = [
    "El Güero",
    "Don Beto",
    "Coyote Chuy",
    "La Flaca",
    "El Primo",
    "El Tigre",
    "Don Chema",
    "Tío Lalo",
    "La Güera",
    "El Chino",
    "Doña Mary",
    "El Gallo",
    "Don Rigo",
    "El Chaparro",
    "Tía Rosa",
    "El Flaco",
    "Coyote Memo",
    "El Negro",
    "Don Tavo",
    "La Morena",
]
HANDLE_WORDS = [
    "viajes",
    "cruces",
    "guia",
    "norte",
    "seguro",
    "rutas",
    "express",
    "frontera",
    "travel",
    "vip",
    "pase",
    "camino",
    "sueño",
    "libre",
    "rapido",
]
SPELL = {
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve".split(),
    "en": "zero one two three four five six seven eight nine".split(),
    "pt": "zero um dois três quatro cinco seis sete oito nove".split(),
}
KEYCAP = "\ufe0f\u20e3"


def mark(raw: str, *parts: object) -> str:
    """Return the gold markup for ``raw`` with the given kind and arguments."""
    return "[[" + "|".join([raw, *(str(p) for p in parts)]) + "]]"


def place(rng: random.Random, role: str, europe: bool = False) -> str:
    """Return a marked place for ``role`` (its gold role is the one asked for)."""
    raw, canonical = rng.choice((EUROPE if europe else PLACES)[role])
    return mark(raw, "l", canonical, role)


def _thousands(amount: int, sep: str) -> str:
    return f"{amount:,}".replace(",", sep)


def price(rng: random.Random, amount: int, currency: str) -> str:
    """Return a marked price for ``amount`` in ``currency`` in a random written form."""
    forms: list[str] = []
    if currency == "USD":
        forms += [
            f"${_thousands(amount, ',')} dólares",
            f"{_thousands(amount, '.')} dlls",
            f"US${_thousands(amount, ',')}",
            f"{_thousands(amount, ',')} USD",
            f"$ {_thousands(amount, ',')}",
            f"${_thousands(amount, ',')}.00",
            f"{_thousands(amount, ' ')} dólares",
            f"${amount} dls",
        ]
        if amount % 1000 == 0:
            forms += [
                f"{amount // 1000} mil dólares",
                f"{amount // 1000}k",
                f"${amount // 1000}K",
                f"{amount // 1000} mil verdes",
            ]
        elif amount % 500 == 0 and amount > 1000:
            forms += [f"{amount / 1000:g}k usd", f"{amount // 1000} mil {amount % 1000} dólares"]
        if 1000 < amount < 2000:
            forms.append(f"mil {amount - 1000} dólares")
    elif currency == "MXN":
        forms += [
            f"${_thousands(amount, ',')} pesos",
            f"{amount // 1000} mil pesos"
            if amount % 1000 == 0
            else f"${_thousands(amount, ',')} MXN",
        ]
    elif currency == "GTQ":
        forms += [
            f"Q{amount // 1000} mil" if amount % 1000 == 0 else f"Q{_thousands(amount, ',')}",
            f"Q {_thousands(amount, ',')}",
            f"{_thousands(amount, ',')} quetzales",
        ]
    elif currency == "HNL":
        forms += [
            f"L {_thousands(amount, ',')}",
            f"{_thousands(amount, ',')} lempiras",
            f"L.{_thousands(amount, ',')}",
        ]
    elif currency == "BRL":
        forms += [
            f"R$ {_thousands(amount, '.')}",
            f"R${_thousands(amount, '.')}",
            f"{_thousands(amount, '.')} reais",
        ]
    elif currency == "EUR":
        forms += [
            f"{_thousands(amount, '.')} €",
            f"€{_thousands(amount, ',')}",
            f"{_thousands(amount, ' ')} euros",
        ]
        if amount % 1000 == 0:
            forms.append(f"{amount // 1000}K€")
    elif currency == "GBP":
        forms += [f"£{_thousands(amount, ',')}", f"£{amount}", f"{_thousands(amount, ',')} pounds"]
        if amount % 1000 == 0:
            forms.append(f"£{amount // 1000}k")
    return mark(rng.choice(forms), "p", amount, currency)


def usd_amount(rng: random.Random, low: int = 500, high: int = 15000) -> int:
    """Return a plausible fee in dollars, rounded like real ads."""
    return rng.choice(
        [
            rng.randrange(low, high, 500),
            rng.randrange(low, high, 1000),
            rng.randrange(low, high, 100),
        ]
    )


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def phone_number(rng: random.Random, country: str) -> tuple[str, str]:
    """Return (national digits, E.164) of an invented mobile number in ``country``."""
    if country == "MX":
        area = rng.choice(["55", "81", "33", "899", "868", "962", "664", "656", "867", "222"])
        national = area + _digits(rng, 10 - len(area))
        return national, "+52" + national
    lead = {"GT": "345", "HN": "389", "SV": "67", "HT": "34", "NI": "58"}
    if country in lead:
        national = rng.choice(lead[country]) + _digits(rng, 7)
        code = {"GT": "502", "HN": "504", "SV": "503", "HT": "509", "NI": "505"}[country]
        return national, f"+{code}{national}"
    if country == "US":
        national = rng.choice(["212", "713", "214", "305", "404"]) + "55501" + _digits(rng, 2)
        return national, "+1" + national
    if country == "GB":
        national = "7700900" + _digits(rng, 3)
        return national, "+44" + national
    national = "6" + _digits(rng, 8)  # FR
    return national, "+33" + national

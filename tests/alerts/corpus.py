"""A shared corpus of EnrichedPosts and rules for the Python ⇄ percolator conformance test.

The posts cover accents (precomposed and combining), case, whole-word edges, place roles on
the same or another place, price edges (exact bounds, other currencies, no USD value) and
phone formats. ``generate_rules`` draws random rules from pools of the same values (seeded),
also used by ``bench/alert_bench.py``. Every person, handle and number is invented.
"""

from __future__ import annotations

import random
from typing import Any

from indexer.alerts import Rule
from pipeline.records import EnrichedPost
from tests.indexer.posts import alias, contact, enriched, place, price

CORPUS: tuple[EnrichedPost, ...] = (
    enriched("c01", "Cruce seguro por REYNOSA, Tamaulipas. Precio $5,999 dlls",
             places=(place("Reynosa", "crossing"),), prices=(price(5999),), score=0.92),
    enriched("c02", "cruce por reynosas y más, 6 mil verdes", score=0.5,
             places=(place("Reynosa", "transit"),), prices=(price(6000),)),
    enriched("c03", "Salida de Querétaro a Houston, 90 mil pesos", platform="facebook",
             places=(place("Querétaro", "origin"), place("Houston", "destination")),
             prices=(price(90000, "MXN", 5000),), score=0.81),
    enriched("c04", "Viaje a Necocli y Capurgana por la trocha", score=0.7,
             places=(place("Necoclí", "transit"),), prices=(price(6000.01),)),
    enriched("c05", "Darién: cruce en lancha, info wa.me/528990107323", score=0.69999,
             contacts=(contact("+528990107323"),)),
    enriched("c06", "Noticia: detienen a El Güero en Tapachula", is_ad=False, score=0.1,
             places=(place("Tapachula"),), aliases=(alias("El Güero"),),
             contacts=(contact("+50250922097", "phone"),)),
    enriched("c07", "El_Guero rutas, escribe a @elguero.rutas", platform="tiktok",
             contacts=(contact("elguero.rutas", "telegram"),), aliases=(alias("el guero"),)),
    enriched("c08", "Viajes seguros a USA desde Guate, 8,500 USD, pregunta por Coyote Chuy",
             places=(place("Guate", "origin"),), prices=(price(8500),),
             aliases=(alias("Coyote Chuy"),),
             contacts=(contact("+15555550142", "phone"), contact("viajes.demo@example.org",
                                                                 "email"))),
    enriched("c09", "Salimos de CDMX, 5 mil quetzales el paso", score=0.6,
             places=(place("CDMX", "transit"),), prices=(price(5000, "GTQ"),)),
    enriched("c10", "Cruce por Reyno\u0301sa y Darie\u0301n, ÚLTIMOS LUGARES", platform="tiktok",
             score=1.0, places=(place("Reynosa", "crossing"),), prices=(price(0),)),
    enriched("c11", "Houston, TX: entrega garantizada; 12 mil o 200 mil pesos",
             places=(place("Houston", "destination"),),
             prices=(price(12000), price(200000, "MXN", 11000))),
    enriched("c12", "Paso por Reynosa y Tapachula, 4 mil", score=0.95,
             places=(place("Reynosa", "unknown"), place("Tapachula", "crossing")),
             prices=(price(4000),)),
    enriched("c13", "Pago 3 mil pesos o 9 mil dólares, boat game", platform="facebook",
             prices=(price(3000, "MXN", 170), price(9000))),
    enriched("c14", "Llama al 899 555 0142 o 555 0142 — Don Beto",
             contacts=(contact("+528995550142", "phone"), contact("5550142", "phone")),
             aliases=(alias("Don Beto"),)),
    enriched("c15", "darien darién DARIEN trocha-segura necocli", is_ad=False, score=0.3),
    enriched("c16", "Straße a Houston: el güero te espera", platform="facebook",
             handle="nuevo_guero", places=(place("Houston", "crossing"),)),
)

TEXTS = ("reynosa", "REYNOSA", "Reynósa", "reynosas", "cruce", "cruce por", "cruce seguro",
         "darién", "darien", "trocha", "necoclí", "capurganá", "el güero", "el guero",
         "guero", "8,500", "8 500", "500", "wa.me", "wa", "strasse", "boat game", "ultimos",
         "pregunta por coyote chuy", "mil pesos", "houston tx")
PLACES = ("Reynosa", "reynosa", "Reynosa, Tamaulipas, MX", "Houston", "Houston, Texas, US",
          "Querétaro", "queretaro", "Necocli", "Necoclí", "Guate", "Guatemala City", "CDMX",
          "Mexico City", "mexico city, ciudad de mexico, mx", "Tapachula", "Tamaulipas")
ROLES = (None, None, "origin", "transit", "crossing", "destination", "unknown")
PRICES = (None, 0, 170, 4000, 5000, 5999, 6000, 6000.01, 8500, 9000, 11000, 12000)
CURRENCIES = ("USD", "MXN", "GTQ", "EUR")
CONTACTS = ("+52 899 010 7323", "528990107323", "899 010 7323", "8990107323", "+528995550142",
            "899 555 0142", "+52 (899) 555-0142", "555 0142", "5550142", "@elguero.rutas",
            "ElGuero.Rutas", "+1 555 555 0142", "555-555-0142", "VIAJES.DEMO@example.org",
            "502 5092 2097", "+50250922097", "0107323")
ALIASES = ("El Güero", "el guero", "EL GUERO", "Coyote Chuy", "Don Beto", "Güero", "La Flaca")
PLATFORMS = ("telegram", "facebook", "tiktok")
COUNTRIES = ("MX", "US", "GT", "CO", "BR")
SCORES = (0.1, 0.5, 0.69999, 0.7, 0.81, 0.92, 1.0)


def _condition(rng: random.Random) -> dict[str, Any]:
    condition: dict[str, Any] = {"only_ads": rng.random() < 0.5}
    kinds = rng.sample(
        ["text_any", "text_all", "places", "countries", "price", "contacts", "aliases",
         "platforms", "min_score", "first_post_by_author"], k=rng.randint(1, 3),
    )
    for kind in kinds:
        if kind in {"text_any", "text_all"}:
            condition[kind] = rng.sample(TEXTS, k=rng.randint(1, 3))
        elif kind == "places":
            condition[kind] = [
                {"name": rng.choice(PLACES), "role": rng.choice(ROLES)}
                for _ in range(rng.randint(1, 2))
            ]
        elif kind == "price":
            low, high = sorted(rng.sample(PRICES[1:], k=2))
            condition["min_price_usd"] = rng.choice([None, low])
            condition["max_price_usd"] = rng.choice([None, high])
            condition["currency"] = rng.choice([None, *CURRENCIES])
        elif kind in {"countries", "contacts", "aliases", "platforms"}:
            pool = {"countries": COUNTRIES, "contacts": CONTACTS, "aliases": ALIASES,
                    "platforms": PLATFORMS}[kind]
            condition[kind] = rng.sample(pool, k=rng.randint(1, 2))
        elif kind == "min_score":
            condition[kind] = rng.choice(SCORES)
        else:
            condition[kind] = True
    return condition


def generate_rules(count: int, *, seed: int = 7, prefix: str = "generated") -> list[Rule]:
    """Return ``count`` random, valid rules (seeded) combining 1–3 condition kinds each."""
    rng = random.Random(seed)
    return [
        Rule.model_validate({
            "name": f"{prefix} {number:04d}",
            "recipients": [f"analyst{number % 17}@example.org"],
            "condition": _condition(rng),
        })
        for number in range(count)
    ]

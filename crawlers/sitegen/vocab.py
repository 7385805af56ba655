"""Word pools for invented posts: prices, places, contacts, aliases, hashtags.

Every name, handle and number here is invented. Phone numbers use reserved-looking
blocks (``555-01xx`` in North America, ``010`` exchanges elsewhere) so that none belongs to
a real person. Prices follow the written forms listed in DOMAIN.md.
"""

from __future__ import annotations

import random

ALIASES = (
    "El Güero", "Don Beto", "La Flaca", "El Primo", "Coyote Chuy", "El Tío Nacho",
    "Doña Licha", "El Compa Rigo", "El Chaparro", "La Güera", "Don Lalo", "El Flaco Memo",
)
ALIAS_FORMS_ES = ("pregunta por {a}", "atte. {a}", "con {a}", "habla con {a}", "{a} al habla")

ORIGINS = ("Guatemala", "Huehuetenango", "Xela", "San Pedro Sula", "Tegucigalpa",
           "El Salvador", "Honduras", "Guate")
TRANSIT = ("Tapachula", "CDMX", "el DF", "Monterrey", "Mty", "Tuxtla", "Veracruz",
           "Puebla", "Oaxaca")
CROSSINGS = ("Reynosa", "Nuevo Laredo", "Tijuana", "Tijuas", "Piedras Negras", "Matamoros",
             "Ciudad Juárez", "Nogales", "Mexicali", "Agua Prieta", "Sonoyta")
DESTINATIONS = ("Houston", "Dallas", "San Antonio", "Atlanta", "Chicago", "Los Angeles",
                "Phoenix", "Charlotte", "New York", "Miami", "Hou")
CHANNEL_FROM = ("Calais", "Dunkirk", "Dunkerque", "Boulogne")
CHANNEL_TO = ("Dover", "London", "Birmingham", "Manchester")

HASHTAGS_ES = ("#viajesusa", "#cruce", "#pollero", "#viajesseguros", "#elnorte", "#usa",
               "#migrantes", "#guiadeconfianza", "#sinmiedo", "#houston", "#dallas")
EMOJIS = ("🇺🇸", "✈️", "🚐", "📲", "✅", "🙏", "🔥", "💯", "🇲🇽", "🇬🇹", "🇭🇳", "⚠️")


def pick(rng: random.Random, pool: tuple[str, ...]) -> str:
    """Return one item of ``pool`` chosen by ``rng``."""
    return pool[rng.randrange(len(pool))]


def price_usd(rng: random.Random, low: int, high: int) -> str:
    """Return a US-dollar price between ``low`` and ``high`` in one of many written forms."""
    amount = rng.randrange(low // 100, high // 100 + 1) * 100
    thousands, rest = divmod(amount, 1000)
    if thousands == 0:
        return pick(rng, (f"${amount} dólares", f"{amount} dls", f"{amount} USD",
                          f"$ {amount} Dlls", f"{amount} verdes"))
    forms = [
        f"${amount:,} dólares",
        f"{thousands} mil dlls" if rest == 0 else f"{thousands} mil {rest} dólares",
        f"{amount / 1000:g}k",
        f"$ {amount:,} Dlls",
        f"{amount:,}".replace(",", ".") + " dólares",
        f"{amount:,}".replace(",", " ") + " USD",
        f"{thousands} mil verdes" if rest == 0 else f"${amount:,} USD",
        f"mil {rest} dólares" if thousands == 1 and rest else f"{thousands} mil dólares",
        f"${thousands}-{thousands + 2}K",
        f"de {thousands} a {thousands + 2} mil dólares",
        f"{amount} dls",
    ]
    return pick(rng, tuple(forms))


def price_local(rng: random.Random) -> str:
    """Return a price in a Central American, Brazilian or Mexican currency."""
    forms = (
        f"Q{rng.randrange(40, 90)} mil",
        f"L {rng.randrange(60, 200) * 1000:,}",
        f"R$ {rng.randrange(20, 60)}.000",
        f"{rng.randrange(20, 40)} mil {rng.randrange(1, 9)}00 pesos",
        f"{rng.randrange(8, 30)} mil pesos",
    )
    return pick(rng, forms)


def price_channel(rng: random.Random) -> str:
    """Return a Channel-crossing price (EUR or GBP)."""
    low = rng.randrange(15, 40) * 100
    forms = (f"{low:,}€", f"£{low:,}", f"{low // 100 / 10:g}K€", f"{low} euros",
             f"{low:,} GBP")
    return pick(rng, forms)


def phone(rng: random.Random) -> str:
    """Return an invented phone number written in one of the usual styles."""
    n = rng.randrange(100)
    style = rng.randrange(8)
    if style == 0:
        return f"+1 210 555-01{n:02d}"
    if style == 1:
        return f"(713) 555-01{n:02d}"
    if style == 2:
        return f"+52 899 010 {n:04d}"
    if style == 3:
        return f"+52 1 867 010 {n:02d}{n:02d}"
    if style == 4:
        return f"+502 5010 {n:04d}"
    if style == 5:
        return f"+504 9010-{n:04d}"
    if style == 6:  # obfuscated: letters for digits, spaces
        return f"55 5o1 0{n // 10} {n % 10}O {n:02d}"
    return f"899.010.{n:04d}"


def whatsapp(rng: random.Random) -> str:
    """Return an invented wa.me link."""
    return pick(rng, (
        f"wa.me/52899010{rng.randrange(10000):04d}",
        f"https://wa.me/1832555{rng.randrange(100, 200):04d}",
        f"wa.me/50250{rng.randrange(100000, 999999)}",
    ))


def telegram_handle(rng: random.Random) -> str:
    """Return an invented Telegram handle."""
    return "@" + pick(rng, ("viajes_norte", "guia_confianza", "el_primo_mx", "rutas_seguras",
                            "donbeto_viajes", "la_flaca_tours", "passage_uk",
                            "chemen_ayiti")) + f"{rng.randrange(10, 99)}"


def contact(rng: random.Random) -> str:
    """Return one contact: phone, WhatsApp link or Telegram handle."""
    kind = rng.randrange(3)
    if kind == 0:
        return phone(rng)
    if kind == 1:
        return whatsapp(rng)
    return telegram_handle(rng)


def alias_phrase(rng: random.Random) -> str:
    """Return an alias in a signing form ("pregunta por La Flaca", "atte. El Primo")."""
    return pick(rng, ALIAS_FORMS_ES).format(a=pick(rng, ALIASES))


def hashtags(rng: random.Random, k: int) -> str:
    """Return ``k`` distinct hashtags joined by spaces."""
    return " ".join(rng.sample(HASHTAGS_ES, k))


def emojis(rng: random.Random, k: int) -> str:
    """Return ``k`` emojis."""
    return "".join(pick(rng, EMOJIS) for _ in range(k))

"""Invented post texts: smuggling ads and their look-alikes (warnings, news, bus lines, pleas).

``make_text`` draws one text for a language, a kind (``ad`` or ``negative``) and a platform
style (long Facebook posts, all-caps Telegram lists, short TikTok captions). Nothing here is
copied from a real ad; names, handles and numbers come from :mod:`crawlers.sitegen.vocab`.
"""

from __future__ import annotations

import random
from typing import Literal

from crawlers.sitegen import vocab as v

Kind = Literal["ad", "negative"]
Style = Literal["long", "list", "caption"]


def _route(rng: random.Random) -> dict[str, str]:
    return {
        "o": v.pick(rng, v.ORIGINS), "t": v.pick(rng, v.TRANSIT),
        "x": v.pick(rng, v.CROSSINGS), "d": v.pick(rng, v.DESTINATIONS),
        "p": v.price_usd(rng, 5000, 13000), "p2": v.price_usd(rng, 500, 2000),
        "pl": v.price_local(rng), "c": v.contact(rng), "c2": v.whatsapp(rng),
        "a": v.alias_phrase(rng), "h": v.hashtags(rng, rng.randrange(2, 5)),
        "e": v.emojis(rng, rng.randrange(1, 4)), "n": str(rng.randrange(2, 4)),
        "cf": v.pick(rng, v.CHANNEL_FROM), "ct": v.pick(rng, v.CHANNEL_TO),
        "pc": v.price_channel(rng), "k": str(rng.randrange(8, 30)),
        "pct": str(rng.choice((95, 100))), "date": f"{rng.randrange(1, 28)} de marzo",
    }


AD_ES_LONG = (
    "{e} VIAJES SEGUROS A USA {e}\nSalida de {o}, pasando por {t} y cruce por {x}, entrega en "
    "{d}.\nPrecio {p} viaje completo, {n} intentos.\nMitad al salir, mitad al llegar.\n"
    "Info al {c} {a}\n{h}",
    "Buenas familia, tenemos salida este fin de semana de {o} hasta {d}. Cruce por {x} con "
    "guía de confianza. Solo permiso para cruzar {p2}, con transporte hasta {d} {p}. Se cobra "
    "al llegar. Escríbenos {c2} {a} 🙏 con la ayuda de Dios {e}",
    "¿Quieres llegar al norte? Viaje {pct}% seguro {o} - {t} - {x} - {d}. Casa de seguridad y "
    "comida incluida. Menores de 12 años descuento. {pl} o {p}. WhatsApp {c} {h}",
    "Ya van a cerrar la frontera, aprovecha!! Salidas diarias de {t} por la línea, en carro, "
    "hasta {d}. Costo {p}, {n} intentos garantizados. Pregunta sin compromiso {c}. {a}",
)
AD_ES_LIST = (
    "🚨 SALIDAS {date} 🚨\n✅ {o} → {x} → {d}\n✅ PRECIO: {p}\n✅ {n} INTENTOS\n✅ SE PAGA AL "
    "LLEGAR\n📲 {c}\n{a}",
    "RUTA {t} - {x} - {d}\nSIN GUÍA: {p2}\nCON GUÍA Y TRANSPORTE: {p}\nMÁXIMO {k} PERSONAS\n"
    "INFO {c} / {c2}",
)
AD_ES_CAPTION = (
    "Viajes a {d} desde {t} {e} info x inbox {h}",
    "Cruce por {x} {p} {e} {c} {h}",
    "{d} te espera {e} guía de confianza, {a} {h}",
    "Salida hoy de {o} 🚐 {pl} {h}",
)
AD_EN = (
    "Safe trips to {d} from {t}, crossing at {x}. Full trip {p}, {n} attempts, pay on "
    "arrival. Contact {c} {e}",
    "BOAT GAME from {cf} to {ct} this week. {pc} per person, life jackets included. "
    "Telegram {c} ✅",
    "Taxi + second driver from {cf}, truck to {ct}. Price {pc}. Only serious people. {c}",
)
AD_PT = (
    "Viagem segura para os EUA 🇺🇸 saindo de {t}, travessia por {x} até {d}. Valor {pc} ou "
    "{p}. Chama no zap {c2} {e}",
    "Rumo à América: {o} até {d} com guia de confiança, pagamento na chegada. {c} #viagemeua",
)
AD_FR = (
    "Passage {cf} → {ct} en bateau ce week-end, {pc} par personne, places limitées. "
    "Contact {c} {e}",
    "Voyage sûr vers les USA depuis {t}, traversée à {x}, arrivée {d}. Prix {p}. Écrire à {c}",
)
AD_HT = (
    "Vwayaj an sekirite pou Etazini {e} soti {t} rive {d}, travèse nan {x}. Pri {p}, peye lè "
    "ou rive. Rele {c}",
    "Nou gen plas pou {d} semèn sa a, gid konfyans, {p}. WhatsApp {c2} {a}",
)
NEG_ES = (
    "⚠️ AVISO: no confíes en quien ofrece cruzar por {x} por {p}. Son estafadores que "
    "abandonan a las personas. Denuncia al 911. #NoAlTráfico",
    "Noticia: rescatan a {k} migrantes en una casa de seguridad en {x}; los captores pedían "
    "{p} a sus familias en {d}.",
    "Autobuses Estrella del Golfo (ficticio): salidas diarias {t} - {x}, boleto desde "
    "{pl}. Facturamos. Tel {c}",
    "Agencia Viajes Horizonte: vuelos {o} - {d} con visa vigente, desde {p2}. Trámites "
    "legales solamente.",
    "Hola, alguien sabe de mi hermano? salió de {o} hace 3 semanas, la última vez estaba en "
    "{x}. Cualquier info al {c} 🙏",
    "Albergue en {t}: comida y asesoría legal gratuita para migrantes. No pagues a coyotes, "
    "el trámite de asilo es gratis.",
    "La policía de {x} advierte de páginas falsas de 'viajes seguros'. En 2025 se "
    "denunciaron {k} fraudes de hasta {p}.",
)
NEG_EN = (
    "WARNING from police: smugglers in {cf} are charging {pc} for boat places. These "
    "crossings kill. Report to 999.",
    "News: {k} people found in a truck near {x}, driver arrested. Families had paid {p}.",
    "Looking for my cousin, last seen in {t} on March {k}. Please call {c}.",
)
NEG_PT = ("Alerta: golpistas pedem {pc} para travessia por {x}. Não caia! Denuncie.",)
NEG_FR = ("Attention : les passeurs de {cf} demandent {pc}. Des gens meurent en mer. "
          "Association d'aide aux exilés, maraude chaque soir.",)
NEG_HT = ("Atansyon: pa peye moun ki di yo ka fè ou travèse nan {x} pou {p}. Se vòlè yo ye.",)

_POOLS: dict[tuple[str, Kind], tuple[str, ...]] = {
    ("en", "ad"): AD_EN, ("pt", "ad"): AD_PT, ("fr", "ad"): AD_FR, ("ht", "ad"): AD_HT,
    ("es", "negative"): NEG_ES, ("en", "negative"): NEG_EN, ("pt", "negative"): NEG_PT,
    ("fr", "negative"): NEG_FR, ("ht", "negative"): NEG_HT,
}

COMMENTS = (
    "precio?", "Info al privado", "cuánto hasta {d}?", "{p} hasta {d}, escribe al {c}",
    "Cuidado, es estafa! a mi primo le cobraron {p} y lo dejaron en {x}", "Interesado 🙏",
    "yo pagué {pl} y sí llegué, recomendado {a}", "cuantos intentos?", "mándame info {c}",
)


def make_text(rng: random.Random, lang: str, kind: Kind, style: Style) -> str:
    """Return one invented post text of the given language, kind and platform style."""
    if lang == "es" and kind == "ad":
        pool = {"long": AD_ES_LONG, "list": AD_ES_LIST, "caption": AD_ES_CAPTION}[style]
    else:
        pool = _POOLS[(lang, kind)]
    text = v.pick(rng, pool).format(**_route(rng))
    if style == "caption" and len(text) > 150:
        text = text[:140].rsplit(" ", 1)[0] + " " + v.hashtags(rng, 2)
    return text


def make_comment(rng: random.Random) -> str:
    """Return one invented Facebook comment (often carrying a price or a number)."""
    return v.pick(rng, COMMENTS).format(**_route(rng))


def near_duplicate(rng: random.Random, text: str) -> str:
    """Return a repost of ``text`` with a small edit: new contact, emoji or suffix."""
    edit = rng.randrange(3)
    if edit == 0:
        return f"{text}\nNuevo número: {v.contact(rng)}"
    if edit == 1:
        return f"{v.emojis(rng, 2)} {text}"
    return f"{text} (repost)"

"""Generate the dev (or training) set: templated ads and look-alikes plus hand-written cases.

    python -m nlp.gold.generate --seed 7 --n 420 --out fixtures/gold/dev.jsonl
    python -m nlp.gold.generate --seed 1001 --n 1200 --out var/nlp-train.jsonl --no-handwritten

Each line is an ExtractResult-shaped gold record plus ``text``, ``platform`` and ``origin``
("template" or "handwritten"). Hand-written cases come from
``fixtures/gold/handwritten.jsonl`` (also used to train the
relevance model) and ``handwritten_blind.jsonl`` (never trained on; written after the rules).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Any

from nlp.gold.contactgen import messenger, phone
from nlp.gold.fillers import ALIASES, mark, place, price, usd_amount
from nlp.gold.markup import render
from nlp.gold.templates import ADS, BUS_PLACES, CUES, EU_NEUTRAL, NEGATIVES, NEUTRAL_PLACES
from pipeline.settings import PROJECT_ROOT

HANDWRITTEN = PROJECT_ROOT / "fixtures" / "gold" / "handwritten.jsonl"
BLIND = PROJECT_ROOT / "fixtures" / "gold" / "handwritten_blind.jsonl"
LANG_SHARE = {"es": 0.5, "en": 0.15, "pt": 0.12, "fr": 0.12, "ht": 0.11}
_WA = re.compile(r"(whatsapp|zap|wsp)[^{]{0,6}$", re.I)
_BORDER = {"Reynosa", "Ciudad Juárez", "Tijuana", "Nuevo Laredo", "Matamoros", "Piedras Negras"}


def _currency(rng: random.Random, lang: str) -> str:
    if lang == "es":
        return rng.choices(["USD", "MXN", "GTQ", "HNL"], [0.76, 0.08, 0.08, 0.08])[0]
    if lang == "pt":
        return rng.choice(["USD", "USD", "BRL"])
    return "USD"


def _amount(rng: random.Random, currency: str) -> int:
    scale = {"USD": 1, "MXN": 20, "GTQ": 8, "HNL": 25, "BRL": 5}[currency]
    return usd_amount(rng) * scale


def _range(rng: random.Random, lang: str) -> str:
    low = rng.randrange(3, 10)
    high = low + rng.randrange(1, 5)
    word = {"es": "mil dólares", "pt": "mil dólares", "en": "thousand dollars"}.get(
        lang, "mil dólares"
    )
    lo_bare = mark(str(low), "p", low * 1000, "USD")
    hi_word = mark(f"{high} {word}", "p", high * 1000, "USD")
    hi_mil = mark(f"{high} mil dólares", "p", high * 1000, "USD")
    lo_sym = mark(f"${low}", "p", low * 1000, "USD")
    hi_k = mark(f"{high}K", "p", high * 1000, "USD")
    return rng.choice(
        [f"de {lo_bare} a {hi_word}", f"{lo_sym}-{hi_k}", f"entre {lo_bare} y {hi_mil}"]
    )


def _cued(rng: random.Random, lang: str, slot: str, role: str) -> str:
    filled = place(rng, role)
    if rng.random() < 0.2:
        return filled
    return rng.choice(CUES[lang][slot]).format(filled)


def _neutral(rng: random.Random, pool: list[tuple[str, str]], role: str | None = None) -> str:
    raw, canonical = rng.choice(pool)
    return mark(raw, "l", canonical, role or ("crossing" if raw in _BORDER else "unknown"))


def fill(template: str, rng: random.Random, lang: str, platform: str) -> str:
    """Return ``template`` with every slot replaced by gold markup."""
    currency = _currency(rng, lang)
    amount = _amount(rng, currency)
    country = (
        "MX" if lang == "es" and rng.random() < 0.7 else rng.choice(["GT", "HN", "US", "MX", "SV"])
    )
    if lang == "ht":
        country = rng.choice(["HT", "US"])
    elif lang == "fr" and "{EX}" in template:
        country = rng.choice(["GB", "FR"])
    obfuscate = rng.random() < 0.25

    def contact(prefix: str) -> str:
        kind = "whatsapp" if _WA.search(prefix) else "phone"
        bare = (lang == "es" and country == "MX") or (lang == "ht" and country == "HT")
        return phone(rng, country, lang, kind, obfuscate, bare)

    second = amount // 2 if amount >= 2000 else amount
    second -= second % 1000 if second > 1000 else 0
    slots: dict[str, Any] = {
        "O": lambda: _cued(rng, lang, "O", "origin"),
        "T": lambda: _cued(rng, lang, "T", "transit"),
        "X": lambda: _cued(rng, lang, "X", "crossing"),
        "D": lambda: _cued(rng, lang, "D", "destination"),
        "O2": lambda: place(rng, "origin"),
        "O3": lambda: place(rng, "origin"),
        "D2": lambda: place(rng, "destination"),
        "P": lambda: price(rng, amount, currency),
        "P2": lambda: price(rng, max(second, 500), currency),
        "R": lambda: _range(rng, lang),
        "M": lambda: messenger(rng, platform),
        "A": lambda: rng.choice(CUES[lang]["A"]).format(mark(rng.choice(ALIASES), "a")),
        "AN": lambda: mark(rng.choice(ALIASES), "a"),
        "EX": lambda: place(rng, "crossing", europe=True).replace("|crossing]]", "|origin]]"),
        "ED": lambda: place(rng, "destination", europe=True),
        "ELO": lambda: mark("Londres", "l", "London, England, GB", "destination"),
        "EO": lambda: place(rng, "origin", europe=True),
        "EI": lambda: mark(
            *rng.choice(
                [("Lampedusa", "l", "Lampedusa, Sicily, IT"), ("Italie", "l", "Italy, IT")]
            ),
            "destination",
        ),
        "EP": lambda: price(
            rng, rng.choice([1500, 2000, 2500, 3000, 4000]), rng.choice(["EUR", "GBP"])
        ),
        "EN": lambda: _neutral(rng, EU_NEUTRAL, "crossing"),
        "BRL": lambda: price(rng, rng.randrange(5, 40) * 1000, "BRL"),
        "PM": lambda: price(rng, rng.choice([950, 1200, 1850, 2400, 180000, 95000]), "MXN"),
        "N": lambda: _neutral(rng, NEUTRAL_PLACES),
        "NO": lambda: _neutral(rng, NEUTRAL_PLACES, "origin"),
        "N1": lambda: _neutral(rng, BUS_PLACES[:4], "origin"),
        "N2": lambda: _neutral(rng, BUS_PLACES[4:], "destination"),
    }
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(template[pos : m.start()])
        name = m.group(1)
        out.append(contact(template[: m.start()]) if name == "C" else slots[name]())
        pos = m.end()
    out.append(template[pos:])
    return "".join(out)


def record(
    markup: str, lang: str, platform: str, is_ad: bool, origin: str, rid: str
) -> dict[str, Any]:
    """Return one gold line: ExtractResult fields plus text, platform and origin."""
    gold = render(markup)
    return {
        "id": rid,
        "text": gold.text,
        "platform": platform,
        "origin": origin,
        "lang": lang,
        "is_smuggling_ad": is_ad,
        "score": 1.0 if is_ad else 0.0,
        "prices": gold.prices,
        "places": gold.places,
        "contacts": gold.contacts,
        "aliases": gold.aliases,
        "services": [],
        "transport_modes": [],
        "payment_terms": [],
    }


def generate(seed: int, n: int) -> list[dict[str, Any]]:
    """Return ``n`` templated gold posts drawn with ``seed`` (60 % ads, 40 % look-alikes)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    langs, shares = zip(*LANG_SHARE.items(), strict=True)
    out = []
    for i in range(n):
        lang = rng.choices(langs, shares)[0]
        is_ad = rng.random() < 0.6
        pool = (ADS if is_ad else NEGATIVES)[lang]
        index = rng.randrange(len(pool))  # draws exactly as rng.choice(pool) did
        platform = rng.choice(["facebook", "tiktok", "telegram", "whatsapp"])
        markup = fill(pool[index], rng, lang, platform)
        row = record(markup, lang, platform, is_ad, "template", f"gen-{seed}-{i:04d}")
        row["template"] = f"{lang}/{'ad' if is_ad else 'negative'}/{index}"
        out.append(row)
    return out


def handwritten(path: Path = HANDWRITTEN, prefix: str = "") -> list[dict[str, Any]]:
    """Return the hand-written gold cases (markup lines) as gold records."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if line.strip():
            case = json.loads(line)
            out.append(
                record(
                    case["markup"],
                    case["lang"],
                    case.get("platform", "facebook"),
                    case["ad"],
                    "handwritten",
                    case.get("id", f"hw-{n:03d}"),
                )
            )
    return out


def main(argv: list[str] | None = None) -> None:
    """Write a generated gold set as JSON Lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--n", type=int, default=420)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-handwritten", action="store_true")
    args = parser.parse_args(argv)
    extra = [] if args.no_handwritten else handwritten(HANDWRITTEN) + handwritten(BLIND)
    rows = generate(args.seed, args.n) + extra
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} gold posts to {args.out}")


if __name__ == "__main__":
    main()

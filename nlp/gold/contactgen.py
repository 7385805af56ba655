"""Invented contacts for the dev-set generator, in plain and obfuscated written forms."""

from __future__ import annotations

import random

from nlp.gold.fillers import HANDLE_WORDS, KEYCAP, SPELL, mark, phone_number

_CODES = {
    "MX": "52",
    "GT": "502",
    "HN": "504",
    "SV": "503",
    "HT": "509",
    "NI": "505",
    "US": "1",
    "GB": "44",
    "FR": "33",
}


def _group(national: str) -> str:
    if len(national) == 10:
        return f"{national[:3]} {national[3:6]} {national[6:]}"
    if len(national) == 8:
        return f"{national[:4]} {national[4:]}"
    return " ".join(national[i : i + 3] for i in range(0, len(national), 3))


def phone(
    rng: random.Random, country: str, lang: str, kind: str, obfuscate: bool, bare: bool
) -> str:
    """Return a marked phone or WhatsApp number of ``country`` written in a random form.

    Numbers without a country code are only produced for ``country`` values the post's
    places or language make inferable; the caller decides that.
    """
    national, e164 = phone_number(rng, country)
    code = _CODES[country]
    forms = [f"+{code} {_group(national)}", f"+{code}{national}", f"+{code} {national}"]
    if country == "MX" and bare:
        forms += [
            _group(national),
            f"{national[:3]}-{national[3:6]}-{national[6:]}",
            f"{national[:3]}.{national[3:6]}.{national[6:]}",
            f"52 1 {_group(national)}",
            f"({national[:3]}) {national[3:6]} {national[6:]}",
        ]
    elif country in ("GT", "HN", "SV", "HT") and bare:
        forms += [f"{national[:4]}-{national[4:]}", f"({code}) {_group(national)}"]
    if obfuscate:
        digits = national if country == "MX" and bare else code + national
        prefix = "" if country == "MX" and bare else "+"
        style = rng.choice(["spaced", "spelled", "letter", "keycap"])
        if style == "spaced":
            raw = prefix + " ".join(digits)
        elif style == "spelled" and lang in SPELL:
            raw = " ".join(SPELL[lang][int(d)] for d in digits)
            if prefix:
                raw = "+" + code + " " + " ".join(SPELL[lang][int(d)] for d in national)
        elif style == "letter" and "0" in digits:
            raw = prefix + _group(digits).replace("0", "O")
        else:
            raw = prefix + "".join(d + KEYCAP for d in digits)
        forms = [raw]
    raw = rng.choice(forms)
    if kind == "whatsapp" and not obfuscate and rng.random() < 0.3:
        raw = rng.choice(
            [
                f"wa.me/{code}{national}",
                f"https://wa.me/{code}{national}",
                f"https://api.whatsapp.com/send?phone={code}{national}",
            ]
        )
    return mark(raw, "c", kind, e164)


def handle(rng: random.Random) -> str:
    """Return an invented account name."""
    words = rng.sample(HANDLE_WORDS, 2)
    sep = rng.choice(["_", ".", ""])
    return f"{words[0]}{sep}{words[1]}{rng.choice(['', str(rng.randrange(10, 99))])}"


def messenger(rng: random.Random, platform: str) -> str:
    """Return a marked handle or link for ``platform`` with its label, e.g. "Telegram: @x"."""
    name = handle(rng)
    shown = "".join(c.upper() if rng.random() < 0.2 else c for c in name)
    if platform == "telegram":
        return rng.choice(
            [
                f"Telegram: {mark('@' + shown, 'c', 'telegram', name)}",
                mark(f"t.me/{shown}", "c", "telegram", name),
                f"TG {mark('@' + shown, 'c', 'telegram', name)}",
            ]
        )
    if platform == "tiktok":
        return rng.choice(
            [
                f"TikTok {mark('@' + shown, 'c', 'tiktok', name)}",
                mark(f"tiktok.com/@{shown}", "c", "tiktok", name),
            ]
        )
    if platform == "instagram":
        return f"IG: {mark('@' + shown, 'c', 'instagram', name)}"
    email = f"{name}@example.com"
    return mark(email if rng.random() < 0.5 else email.capitalize(), "c", "email", email.lower())

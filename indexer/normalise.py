"""Keys that make matching accent-, case- and punctuation-insensitive, shared by search and alerts.

The embedded store indexes these keys and the alert rules compare them, so ``centinela search``
and an alert rule agree on what "Reynosa", "reynosa" and "REYNÓSA" mean. The Elasticsearch
mapping reproduces them with ``lowercase`` + ``asciifolding`` analyzers and normalisers.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")  # letters and digits, as FTS5 unicode61 splits them
_PHONE_LIKE = re.compile(r"^[\s+().\-/\d]+$")
_SPACES = re.compile(r"\s+")
MIN_SUFFIX_DIGITS = 7
"""A phone query without ``+`` and at least this many digits also matches as a suffix."""


def fold(text: str) -> str:
    """Return ``text`` without diacritics, case-folded, with runs of whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def words(text: str) -> list[str]:
    """Return the folded word tokens of ``text``: runs of letters and digits, Unicode-aware."""
    return _WORD.findall(fold(text))


def place_keys(name: str, canonical: str) -> tuple[str, str, str]:
    """Return the folded name as written, the folded canonical and its first (city) part."""
    canonical_key = fold(canonical)
    return fold(name), canonical_key, canonical_key.split(",")[0].strip()


def contact_key(value: str) -> str:
    """Return the comparable form of a contact: digits of a phone, else folded without ``@``.

    ``"+52 (899) 555-0142"`` → ``"528995550142"``; ``"@El_Guero"`` → ``"el_guero"``.
    """
    value = value.strip()
    if _PHONE_LIKE.match(value) and any(ch.isdigit() for ch in value):
        return "".join(ch for ch in value if ch.isdigit())
    return fold(value).lstrip("@")


def phone_suffix(value: str) -> str | None:
    """Return the digits a phone query may match as a suffix (no ``+``, ≥ 7 digits), else None.

    An investigator who types ``899 555 0142`` means the number whatever its country code.
    """
    value = value.strip()
    if value.startswith("+") or not _PHONE_LIKE.match(value):
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits if len(digits) >= MIN_SUFFIX_DIGITS else None


def contact_matches(query: str, stored_value: str) -> bool:
    """Tell whether a contact query (watchlist entry, search filter) names ``stored_value``."""
    stored = contact_key(stored_value)
    if not stored:
        return False
    if contact_key(query) == stored:
        return True
    suffix = phone_suffix(query)
    return suffix is not None and stored.isdigit() and stored.endswith(suffix)


def contains_phrase(haystack: list[str], phrase: list[str]) -> bool:
    """Tell whether the word sequence ``phrase`` occurs, consecutively, in ``haystack``."""
    if not phrase:
        return False
    width = len(phrase)
    first = phrase[0]
    return any(
        haystack[i] == first and haystack[i : i + width] == phrase
        for i in range(len(haystack) - width + 1)
    )

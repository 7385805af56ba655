"""Spelled-out amounts in prices: "dos mil quinientos dólares", "five thousand dollars".

Only a number-word phrase followed by a currency word counts, so "dos personas" or
"mil gracias" never become money. Returns spans in the text given and their values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from nlp.resources import data_path, load_json


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, int], dict[str, int], re.Pattern[str]]:
    words = load_json(data_path("numbers.json"))["price_words"]
    small: dict[str, int] = words["small"]
    hundreds: dict[str, int] = words["hundreds"]
    number = rf"(?:{_alt(list(small) + list(hundreds))})"
    joined = rf"{number}(?:\s+(?:(?:y|e|and)\s+)?{number}){{0,5}}"
    thousand = _alt(words["thousand"])
    # bounded repetitions and one whitespace run per gap keep matching linear in the text
    pattern = re.compile(
        rf"(?<!\w)(?P<head>{joined})?\s*(?P<k>{thousand})(?P<tail>(?:\s+(?:(?:y|e|and)\s+)?{number}){{0,5}})"
        rf"|(?<!\w)(?P<only>(?:{_alt(list(hundreds))})(?:\s+(?:y\s+)?{number}){{0,3}})",
        re.I,
    )
    return small, hundreds, pattern


def _sum(phrase: str, small: dict[str, int], hundreds: dict[str, int]) -> int:
    total = 0
    for word in re.findall(r"\w+", phrase.lower()):
        total += small.get(word, 0) + hundreds.get(word, 0)
    return total


def spelled_amounts(text: str, currency_after: re.Pattern[str]) -> Iterator[tuple[int, int, int]]:
    """Yield (start, end, value) of spelled-out amounts directly followed by a currency word.

    The end includes the currency word, which ``currency_after`` must match at that point.
    """
    small, hundreds, pattern = _tables()
    for m in pattern.finditer(text):
        after = currency_after.match(text, m.end())
        if after is None:
            continue
        if m.group("k"):
            head = _sum(m.group("head") or "", small, hundreds) or 1
            if m.group("head") is None and m.group("tail") == "":
                continue  # bare "mil dólares" is read by the numeric extractor
            value = head * 1000 + _sum(m.group("tail") or "", small, hundreds)
        else:
            value = _sum(m.group("only") or "", small, hundreds)
        if value >= 100:
            yield m.start(), after.end(), value

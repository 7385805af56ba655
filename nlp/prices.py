"""Money mentions: "8 mil", "$8,500 dlls", "mil 900 dólares", "de 6 a 8 mil", "Q55 mil", "14K€".

Works on the normalised text; each candidate number is read with its currency prefix or
suffix and its multiplier, ranges share their tail ("$12-15K" → 12000 and 15000), and bare
numbers need a multiplier or a price cue. Currency-less amounts take the currency the post
implies: the nearest explicit one, else pesos/MXN if the post says pesos, else USD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nlp.resources import load_json
from nlp.spelled import spelled_amounts
from nlp.textmap import Occupied

_NUM = (
    r"[0-9]{1,3}(?:(?:,[0-9]{3})+|(?:\.[0-9]{3})+|(?:[  ][0-9]{3}(?![0-9])))"
    r"(?:[.,][0-9]{1,2}(?![0-9]))?|[0-9]{1,12}(?:[.,][0-9]{1,2}(?![0-9]))?"
)
_SEP = re.compile(
    r"\s*(?:-|–|—|/|\ba\b|\bto\b|\bà\b|\by\b|\bhasta\b|\bal\b|\bou\b|\bo\b|\bor\b|\bat\b)\s*", re.I
)
_DATE = re.compile(r"\b[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}\b|\b[0-9]{1,2}:[0-9]{2}\b")
_MONTHS = re.compile(
    r"\s*(?:de\s+)?(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|"
    r"octubre|noviembre|diciembre|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
    r"octobre|novembre|décembre|janeiro|fevereiro|março|maio|junho|julho|agosto|setembro|"
    r"outubro|novembro|dezembro|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)\b",
    re.I,
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:[,. \u00a0][0-9]{3})+")


@dataclass(frozen=True)
class PriceSpan:
    """A money mention in normalised-text coordinates."""

    start: int
    end: int
    amount: float
    currency: str


@dataclass
class _Candidate:
    """A number read as money, before deciding whether it really is a price."""

    start: int
    end: int
    value: float
    currency: str | None
    has_mult: bool


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def parse_number(text: str) -> float:
    """Read "8.500", "6,900.00", "3 500", "7.5" or "1,5" as a float."""
    digits = text.replace(" ", "").replace("\u00a0", "")
    parts = re.split(r"[.,]", digits)
    if len(parts) == 1:
        return float(parts[0])
    if len(parts[-1]) == 3:
        return float("".join(parts))
    return float("".join(parts[:-1]) + "." + parts[-1])


class PriceExtractor:
    """Find money mentions with the cues in ``currencies.json``."""

    def __init__(self, path: Path) -> None:
        data = load_json(path)
        self.rates: dict[str, float] = data["usd_per_unit"]
        self.prefix: dict[str, str] = data["prefix_symbols"]
        self.suffix: dict[str, str] = data["suffix_words"]
        self.mults: dict[str, int] = data["multipliers"]
        self.units = re.compile(
            r"\s*(?:" + _alternation(data["not_price_units"]) + r")(?![^\W\d_])", re.I
        )
        self.weak_cues = re.compile(
            r"(?<![^\W_])(?:" + _alternation(data["weak_price_cues"]) + r")(?![^\W_])\W*$", re.I
        )
        self.cues = re.compile(
            r"(?<![^\W_])(?:" + _alternation(data["price_cues"]) + r")(?![^\W_])", re.I
        )
        self.dollar_words = re.compile(
            r"(?<![^\W_])(?:" + _alternation(data["dollar_words"]) + r")(?![^\W_])", re.I
        )
        self.peso_words = re.compile(
            r"(?<![^\W_])(?:" + _alternation(data["peso_words"]) + r")(?![^\W_])", re.I
        )
        pre_letters = [p for p in self.prefix if p[0].isalpha()]
        pre_symbols = [p for p in self.prefix if not p[0].isalpha()]
        letters, symbols = _alternation(pre_letters), _alternation(pre_symbols)
        pre = rf"(?:(?<![^\W_])(?:{letters})|(?:{symbols}))"
        mult_words = [m for m in self.mults if m != "k"]
        mult = rf"(?:\s?[kK](?![^\W\d_])|\s+(?:{_alternation(mult_words)})(?![^\W\d_]))"
        suf = rf"(?:{_alternation(list(self.suffix))})(?![^\W\d_])"
        self.unit_re = re.compile(
            rf"(?:(?P<pre>{pre})[  ]?)?(?<![0-9])(?<![0-9][.,])(?P<num>{_NUM})(?![0-9])"
            rf"(?P<mult>{mult})?"
            rf"(?:\s+(?P<add>[0-9]{{1,3}})(?=\s*{suf}))?(?:[  ]?(?P<suf>{suf}))?",
            re.I,
        )
        self.suffix_after = re.compile(rf"[  ]?(?P<suf>{suf})", re.I)
        self.suffix_end = re.compile(rf"(?P<suf>{suf})$", re.I)
        self.mil_re = re.compile(
            rf"(?<![0-9][  ])(?<![0-9])(?<![^\W_])(?:un\s+)?mil"
            rf"(?:\s+(?P<add>[0-9]{{1,3}}))?\s+(?P<suf>{suf})",
            re.I,
        )

    def _suffix_word(self, phrase: str) -> str | None:
        m = self.suffix_end.search(phrase)
        return m.group("suf") if m else None

    def _post_currency(self, text: str) -> str:
        if self.peso_words.search(text) and not self.dollar_words.search(text):
            return "MXN"
        return "USD"

    def _currency_of(self, pre: str | None, suf: str | None, dollar: str) -> str | None:
        if suf:
            return self.suffix.get(suf.lower(), self.suffix.get(suf))
        if pre:
            code = self.prefix.get(pre) or self.prefix.get(pre.upper())
            return dollar if code == "$" else code
        return None

    def extract(self, text: str, blocked: list[tuple[int, int]]) -> list[PriceSpan]:
        """Return the money mentions of ``text`` not overlapping the ``blocked`` spans."""
        occupied = Occupied(len(text), blocked)
        for m in _DATE.finditer(text):
            occupied.take(m.start(), m.end())
        dollar = self._post_currency(text)
        found: list[_Candidate] = []
        mil = Occupied(len(text))
        for start, end, spelled in spelled_amounts(text, self.suffix_after):
            currency = self._currency_of(None, self._suffix_word(text[start:end]), dollar)
            found.append(_Candidate(start, end, float(spelled), currency, True))
            mil.take(start, end)
        for m in self.mil_re.finditer(text):
            if mil.overlaps(m.start(), m.end()):
                continue
            value: float = 1000 + (int(m.group("add")) if m.group("add") else 0)
            currency = self._currency_of(None, m.group("suf"), dollar)
            found.append(_Candidate(m.start(), m.end(), value, currency, True))
            mil.take(m.start(), m.end())
        for m in self.unit_re.finditer(text):
            if mil.overlaps(m.start(), m.end()):
                continue
            num_start = m.start("num")
            if text[num_start - 1 : num_start] in ("+", "#", "@", "_", "/") or (
                num_start > 0 and text[num_start - 1].isalpha() and not m.group("pre")
            ):
                continue
            value = parse_number(m.group("num"))
            mult = m.group("mult")
            if mult:
                value *= self.mults.get(mult.strip().lower(), 1000)
            if m.group("add"):
                value += int(m.group("add"))
            currency = self._currency_of(m.group("pre"), m.group("suf"), dollar)
            found.append(_Candidate(m.start(), m.end(), value, currency, bool(mult)))
        found.sort(key=lambda c: c.start)
        self._share_range_tails(text, found)
        return self._decide(text, found, occupied, dollar)

    @staticmethod
    def _share_range_tails(text: str, found: list[_Candidate]) -> None:
        """Give "de 6 a 8 mil dólares" and "$12-15K" the multiplier and currency of their tail."""
        for a, b in zip(found, found[1:], strict=False):
            if not _SEP.fullmatch(text[a.end : b.start]):
                continue
            if b.currency is None and not b.has_mult and a.currency is None:
                continue
            if b.currency is None and a.currency is not None and not b.has_mult:
                b.currency = a.currency  # "$1,200-1,500": the tail takes the head's currency
                continue
            if not a.has_mult and b.has_mult and a.value < 1000:
                a.value *= 1000
                a.has_mult = True
            if a.currency is None:
                a.currency = b.currency

    def _decide(
        self, text: str, found: list[_Candidate], blocked: Occupied, dollar: str
    ) -> list[PriceSpan]:
        out: list[PriceSpan] = []
        last_currency: str | None = None
        explicit = [c.currency for c in found if c.currency is not None]
        for c in found:
            if blocked.overlaps(c.start, c.end) or not 0 < c.value < 1e12:
                continue
            tail = text[c.end : c.end + 40]
            if tail.startswith("%") or _MONTHS.match(tail):
                continue
            if self.units.match(tail) and (c.currency is None or not c.has_mult and c.value < 100):
                continue
            currency = c.currency
            if currency is None:
                if not self._bare_is_price(text, c, bool(explicit)):
                    continue
                currency = last_currency or (explicit[0] if explicit else dollar)
            elif not c.has_mult and _YEAR.fullmatch(text[c.start : c.end].strip()):
                continue
            last_currency = currency
            out.append(PriceSpan(c.start, c.end, float(c.value), currency))
        return out

    def _bare_is_price(self, text: str, c: _Candidate, priced: bool) -> bool:
        """Whether a number without currency is a fee; ``priced``: the post names money."""
        value, start = c.value, c.start
        if value <= 0:
            return False
        if c.has_mult:
            return True
        if value < 100 or _YEAR.fullmatch(text[c.start : c.end].strip()):
            return False  # "2019" is a year, "2 000" is not
        window = text[max(0, start - 30) : start]
        if self.cues.search(window) is not None:
            return True
        if not priced:
            return False
        # in a post that already names money, "1,200" / "1 000" and "por 150" are fees too
        if _GROUPED.fullmatch(text[c.start : c.end].strip()):
            return True
        return self.weak_cues.search(text[max(0, start - 16) : start]) is not None

    def amount_usd(self, amount: float, currency: str) -> float | None:
        """Convert ``amount`` to US dollars with the dated rate table, or None if unknown."""
        rate = self.rates.get(currency)
        return None if rate is None else round(amount * rate, 2)

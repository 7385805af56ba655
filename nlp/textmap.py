"""Normalised text that remembers where every character came from in the original.

Obfuscated phone digits are rewritten ("cinco cinco…" → "5 5…", "55O1" → "5501",
keycap emoji "5️⃣" → "5") so extractors can run plain regexes, and every span found in the
normalised text maps back to the exact raw substring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from nlp.resources import data_path, load_json

_KEYCAP = re.compile(r"([0-9])\uFE0F?\u20E3")
_LETTER_DIGITS = re.compile(r"(?<!\w)[0-9OoIl]*[0-9][0-9OoIl]*(?!\w)")
_LETTER_MAP = {"O": "0", "o": "0", "I": "1", "l": "1"}
_WORD = re.compile(r"[^\W\d_]+|[0-9]+")
_RUN_GAP = re.compile(r"[\s,.\-/]{0,3}")


@dataclass(frozen=True)
class NormText:
    """A normalised copy of ``raw`` with, per character, its raw start and end offsets."""

    raw: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to the raw span it came from."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.raw)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=1)
def _digit_words() -> dict[str, str]:
    table = load_json(data_path("numbers.json"))["digit_words"]
    return {word: str(value) for word, value in table.items() if value is not None}


def _spelled_digit_edits(raw: str) -> list[tuple[int, int, str]]:
    """Return edits for runs of spelled-out digits long enough to be a phone number."""
    words = _digit_words()
    edits: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []
    run_digits = 0
    last_end = -1

    def flush() -> None:
        nonlocal run, run_digits
        spelled = [
            item for item in run if not item[2].isdigit() or item[2] != raw[item[0] : item[1]]
        ]
        if run_digits >= 7 and len(spelled) >= 2:
            edits.extend(spelled)
        run, run_digits = [], 0

    for match in _WORD.finditer(raw):
        token = match.group()
        lowered = token.lower()
        digit = token if token.isdigit() and len(token) <= 4 else words.get(lowered)
        gap_ok = last_end >= 0 and _RUN_GAP.fullmatch(raw, last_end, match.start()) is not None
        if digit is None:
            flush()
            last_end = -1
            continue
        if run and not gap_ok:
            flush()
        run.append((match.start(), match.end(), digit))
        run_digits += len(digit)
        last_end = match.end()
    flush()
    return edits


def _letter_digit_edits(raw: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    matches = list(_LETTER_DIGITS.finditer(raw))
    for i, match in enumerate(matches):
        token = match.group()
        digits = sum(ch.isdigit() for ch in token)
        short = digits < 2 and len(token) < 3
        if short:  # "4O" counts only inside a run of digit groups ("4O 11 22 9O")
            near = [m for m in matches[max(0, i - 1) : i + 2] if m is not match]
            short = not any(
                sum(ch.isdigit() for ch in m.group()) >= 2
                and _RUN_GAP.fullmatch(
                    raw, min(m.end(), match.end()), max(m.start(), match.start())
                )
                for m in near
            )
        if token.isdigit() or digits < 1 or short:
            continue
        for i, ch in enumerate(token):
            if ch in _LETTER_MAP:
                pos = match.start() + i
                edits.append((pos, pos + 1, _LETTER_MAP[ch]))
    return edits


def normalise(raw: str) -> NormText:
    """Return the de-obfuscated text of ``raw`` with a character-level map back to it."""
    edits = [(m.start(), m.end(), m.group(1)) for m in _KEYCAP.finditer(raw)]
    edits += _spelled_digit_edits(raw)
    edits += _letter_digit_edits(raw)
    edits.sort()
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for start, end, replacement in edits:
        if start < pos:
            continue  # overlapping edits: the first one wins
        for i in range(pos, start):
            out.append(raw[i])
            starts.append(i)
            ends.append(i + 1)
        for ch in replacement:
            out.append(ch)
            starts.append(start)
            ends.append(end)
        pos = end
    for i in range(pos, len(raw)):
        out.append(raw[i])
        starts.append(i)
        ends.append(i + 1)
    return NormText(raw=raw, text="".join(out), starts=tuple(starts), ends=tuple(ends))


class Occupied:
    """Which characters of a text are already taken by found spans: O(span) overlap checks."""

    def __init__(self, length: int, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._taken = bytearray(length + 1)
        for start, end in spans:
            self.take(start, end)

    def take(self, start: int, end: int) -> None:
        """Mark ``[start, end)`` as taken."""
        self._taken[start:end] = b"\x01" * max(0, min(end, len(self._taken)) - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any character of ``[start, end)`` is taken."""
        return any(self._taken[start:end])


def fold(text: str) -> str:
    """Lowercase and strip accents character by character, keeping the length unchanged."""
    import unicodedata

    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base if len(base) == 1 else ch)
    return "".join(out)

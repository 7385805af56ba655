"""Aliases the smuggler goes by: "El Güero", "Don Beto", "Coyote Chuy", "atte. El Primo".

Precision first: a name counts only after a cue phrase ("pregunta por", "atte."), after a
strong title ("Don", "Coyote", "Tío"), as El/La + a known nickname word, or quoted with a
title. Place names, route words ("La Bestia", "El Norte") and platform names are rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nlp.resources import load_json
from nlp.textmap import Occupied, fold


@dataclass(frozen=True)
class AliasSpan:
    """An alias in normalised-text coordinates; ``value`` is the name as written."""

    start: int
    end: int
    value: str


def _shouting(text: str) -> bool:
    """Return whether ``text`` is written mostly in capitals (then caps say nothing)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 20 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class AliasExtractor:
    """Find aliases with the cues in ``aliases.json``; ``place_names`` are never aliases."""

    def __init__(self, path: Path, place_names: set[str]) -> None:
        data = load_json(path)
        word = data["name_word"]
        titles = _alt(data["strong_titles"])
        articles = _alt(data["articles"])
        nick = _alt(data["nickname_words"])
        self.stop = {fold(s) for s in data["stop_phrases"]}
        self.places = place_names
        name = rf"(?:(?:{titles}|{articles})\s+)?{word}(?:\s+{word})?"
        self.cue_re = re.compile(
            rf"(?<![\w])(?:{_alt(data['cue_phrases'])})(?:(?<=\W)|(?!\w))"
            rf"\s*[:\-]?\s*[\"“«']?(?P<name>{name})",
            re.I,
        )
        self.title_re = re.compile(rf"(?<![\w])(?P<name>(?:{titles})\s+{word}(?:\s+{word})?)")
        self.nick_re = re.compile(rf"(?<![\w])(?P<name>(?:{articles})\s+(?:{nick}))(?![\w])")
        self.quoted_re = re.compile(
            rf"[\"“«'](?P<name>(?:{titles}|{articles})\s+{word}(?:\s+{word})?)[\"”»']"
        )
        self.word_re = re.compile(word)
        self.article_words = {a.lower() for a in data["articles"]}
        self.org_words = {fold(w) for w in data["org_words"]}

    def extract(self, text: str, blocked: list[tuple[int, int]]) -> list[AliasSpan]:
        """Return the aliases in ``text`` not overlapping ``blocked`` spans (places, contacts)."""
        found: list[AliasSpan] = []
        occupied = Occupied(len(text), blocked)
        for pattern, needs_case in (
            (self.quoted_re, False),
            (self.cue_re, True),
            (self.title_re, False),
            (self.nick_re, False),
        ):
            for m in pattern.finditer(text):
                span = self._clean(text, m.start("name"), m.end("name"), needs_case)
                if span is None:
                    continue
                start, end = span
                if occupied.overlaps(start, end):
                    continue
                occupied.take(start, end)
                found.append(AliasSpan(start, end, text[start:end]))
        found.sort(key=lambda a: a.start)
        return found

    def _clean(self, text: str, start: int, end: int, needs_case: bool) -> tuple[int, int] | None:
        value = re.split(r"[.,;:!?]\s", text[start:end])[0].rstrip(".'’")
        words = value.split()
        # drop trailing words that are stop words or lowercase ("Don Beto Para" -> "Don Beto")
        while len(words) > 1 and (fold(words[-1]) in self.stop or not words[-1][0].isupper()):
            words = words[:-1]
        if not words:
            return None
        if needs_case and not (
            words[-1][0].isupper()
            and (words[0][0].isupper() or words[0].lower() in self.article_words)
        ):
            return None
        value = " ".join(words)
        folded = fold(value)
        if folded in self.stop or fold(words[-1]) in self.stop or folded in self.places:
            return None
        if len(words) >= 2 and fold(" ".join(words[-2:])) in self.stop:
            return None
        if any(fold(w.rstrip(".")) in self.org_words for w in words):
            return None
        if any(fold(" ".join(words[i:])) in self.places for i in range(len(words))):
            return None
        if len(value) < 3 or value.isupper() and len(value) > 4 and not _shouting(text):
            return None
        new_end = start + len(value)
        if text[start:new_end] != value:  # whitespace inside the name was not single spaces
            return None
        return start, new_end

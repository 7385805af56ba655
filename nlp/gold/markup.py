"""Inline gold markup for dev-set posts: ``[[raw|kind|...]]`` marks a gold mention in place.

    [[8 mil dólares|p|8000|USD]]           a price: amount, ISO currency
    [[Tijuas|l|Tijuana, Baja California, MX|crossing]]   a place: canonical, role
    [[wa.me/528991234567|c|whatsapp|+528991234567]]       a contact: type, value
    [[El Güero|a]]                         an alias (value = the text as written)

``render`` strips the marks and returns the plain text with gold items at exact offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from nlp.resources import data_path, load_tsv

_MARK = re.compile(r"\[\[(.+?)\]\]")


@dataclass
class Rendered:
    """A post's plain text and its gold mentions, in ExtractResult field shape."""

    text: str
    prices: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    aliases: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=1)
def gazetteer_index() -> dict[str, tuple[str, float | None, float | None]]:
    """Return canonical name -> (country, lat, lon) from the gazetteer data file."""
    return {
        row[0]: (row[1], float(row[2]), float(row[3]))
        for row in load_tsv(data_path("gazetteer.tsv"))
    }


def render(markup: str) -> Rendered:
    """Return the text of ``markup`` with the gold mentions it marks."""
    out = Rendered(text="")
    pieces: list[str] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(markup):
        before = markup[pos : m.start()]
        pieces.append(before)
        length += len(before)
        raw, kind, *args = m.group(1).split("|")
        start, end = length, length + len(raw)
        span = {"raw": raw, "start": start, "end": end}
        if kind == "p":
            out.prices.append(
                {"amount": float(args[0]), "currency": args[1], "amount_usd": None, **span}
            )
        elif kind == "l":
            # a gold place outside the gazetteer keeps its ISO code and has no coordinates
            country, lat, lon = gazetteer_index().get(args[0], (args[0][-2:], None, None))
            out.places.append(
                {
                    "name": raw,
                    "canonical": args[0],
                    "country": country,
                    "lat": lat,
                    "lon": lon,
                    "role": args[1] if len(args) > 1 else "unknown",
                    **span,
                }
            )
        elif kind == "c":
            out.contacts.append({"type": args[0], "value": args[1], **span})
        elif kind == "a":
            out.aliases.append({"value": raw, **span})
        else:
            raise ValueError(f"unknown gold mark kind {kind!r} in {m.group()!r}")
        pieces.append(raw)
        length = end
        pos = m.end()
    pieces.append(markup[pos:])
    out.text = "".join(pieces)
    return out

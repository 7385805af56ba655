"""Places against the curated gazetteer, each with its route role read from context cues.

Names match accent- and case-insensitively (a leading "=" in the gazetteer makes a name
case-sensitive, for "DF", "Mty", "Hou"). A role comes from, in order: an arrow chain
("Tapachula → CDMX → Reynosa"), the last cue phrase in the clause before the place, an
immediate preposition ("de", "a", "por"), the role of the place it is listed with, and
finally the gazetteer's default (border cities are crossings, US cities destinations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from nlp.resources import load_json, load_tsv
from nlp.textmap import Occupied, fold


@dataclass(frozen=True)
class GazetteerEntry:
    """One place: canonical name, ISO country, coordinates, kind and default route role."""

    canonical: str
    country: str
    lat: float
    lon: float
    kind: str
    default_role: str


@dataclass(frozen=True)
class PlaceSpan:
    """A place mention in normalised-text coordinates."""

    start: int
    end: int
    entry: GazetteerEntry
    role: str


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class PlaceExtractor:
    """Find places and their route roles with ``gazetteer.tsv`` and ``route_cues.json``."""

    def __init__(self, gazetteer: Path, cues: Path) -> None:
        self.folded: dict[str, GazetteerEntry] = {}
        self.exact: dict[str, GazetteerEntry] = {}
        for row in load_tsv(gazetteer):
            canonical, country, lat, lon, kind, role, names = row[:7]
            entry = GazetteerEntry(canonical, country, float(lat), float(lon), kind, role)
            for name in names.split("|"):
                if name.startswith("="):
                    self.exact[name[1:]] = entry
                else:
                    self.folded[fold(name)] = entry
        bound_l, bound_r = r"(?<![\w@#/.])", r"(?![\w@$])"
        self.folded_re = re.compile(bound_l + "(?:" + _alt(list(self.folded)) + ")" + bound_r)
        self.exact_re = re.compile(bound_l + "(?:" + _alt(list(self.exact)) + ")" + bound_r)
        data = load_json(cues)
        self.phrase_roles: dict[str, str] = {}
        for role, phrases in data["phrases"].items():
            for phrase in phrases:
                self.phrase_roles[fold(phrase)] = role
        self.cue_re = re.compile(r"(?<!\w)(?:" + _alt(list(self.phrase_roles)) + r")(?!\w)")
        self.immediate: dict[str, str | None] = dict(data["immediate"])
        self.articles = set(data["articles"])
        self.to_words = {
            "a",
            "to",
            "hasta",
            "até",
            "vers",
            "jusqu'à",
            "rive",
            "-",
            "–",
            "—",
            "para",
        }
        self.arrows: list[str] = data["chain_arrows"]
        self.joiners = re.compile(
            r"^(?:\s|" + _alt([fold(j) for j in data["inherit_joiners"]]) + r")*$"
        )
        self.breaks: list[str] = data["clause_breaks"]

    def extract(self, text: str, blocked: list[tuple[int, int]]) -> list[PlaceSpan]:
        """Return the places in ``text`` that do not overlap ``blocked`` spans (prices, links)."""
        folded = fold(text)
        hits: list[tuple[int, int, GazetteerEntry]] = []
        for m in self.folded_re.finditer(folded):
            if m.group() == "el norte" and re.match(r"\s+del?\b", folded[m.end() :]):
                continue
            hits.append((m.start(), m.end(), self.folded[m.group()]))
        for m in self.exact_re.finditer(text):
            hits.append((m.start(), m.end(), self.exact[m.group()]))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        places: list[PlaceSpan] = []
        last_end = -1
        occupied = Occupied(len(text), blocked)
        for start, end, entry in hits:
            if start < last_end or occupied.overlaps(start, end):
                continue
            places.append(PlaceSpan(start, end, entry, "unknown"))
            last_end = end
        return self._assign_roles(text, folded, places)

    def _assign_roles(self, text: str, folded: str, places: list[PlaceSpan]) -> list[PlaceSpan]:
        roles: list[str | None] = [
            self._cue_role(text, folded, places, i) for i in range(len(places))
        ]
        chain: list[str | None] = [None] * len(places)
        self._chain_roles(text, places, chain)
        for i, place in enumerate(places):
            if roles[i] is None and chain[i] is not None:
                roles[i] = chain[i]
            elif roles[i] is None and i + 1 < len(places):
                gap = text[place.end : places[i + 1].start].strip().lower()
                if gap in self.to_words and place.entry.default_role != "crossing":
                    roles[i] = "origin"  # "Oaxaca a Monterrey", "Tapachula to Houston"
        for i in range(1, len(places)):
            clause = folded[places[i - 1].end : places[i].start]
            previous = roles[i - 1]
            if (
                roles[i] is None
                and previous is not None
                and clause.strip()
                and self.joiners.match(clause)
            ):
                same_kind = places[i].entry.default_role == places[i - 1].entry.default_role
                own = places[i].entry.default_role
                if previous == own or (
                    same_kind and (clause.strip() != "," or previous == "transit")
                ):
                    roles[i] = previous
        self._final_leg(places, roles)
        routed = any(r is not None for r in roles) or len({p.entry.country for p in places}) > 1
        return [
            replace(p, role=r or self._default(p, routed))
            for p, r in zip(places, roles, strict=True)
        ]

    @staticmethod
    def _final_leg(places: list[PlaceSpan], roles: list[str | None]) -> None:
        """ "hasta Puebla" mid-route is a leg, not the destination, when the post also names a
        destination-country place (a US city, the UK): such a hub keeps its own role."""
        for i, place in enumerate(places):
            default = place.entry.default_role
            if roles[i] != "destination" or default not in ("transit", "crossing"):
                continue
            if any(o.entry.default_role == "destination" for o in places if o is not place):
                roles[i] = default

    @staticmethod
    def _default(place: PlaceSpan, routed: bool) -> str:
        """A hub is a transit point only in a post that describes a route."""
        role = place.entry.default_role
        if role == "transit" and not routed and place.entry.kind != "country":
            return "unknown"
        return role

    def _cue_role(self, text: str, folded: str, places: list[PlaceSpan], i: int) -> str | None:
        """Return the role the words right before place ``i`` give it, if any."""
        place = places[i]
        prev_end = places[i - 1].end if i else 0
        window_start = max(prev_end, place.start - 60)
        window = folded[window_start : place.start]
        cut = max((window.rfind(b) for b in self.breaks), default=-1)
        clause = window[cut + 1 :] if cut >= 0 else window
        role: str | None = None
        for cue in reversed(list(self.cue_re.finditer(clause))):
            between = len(clause[cue.end() :].split())
            if between <= (3 if " " in cue.group() or cue.group().endswith(":") else 1):
                role = self.phrase_roles[cue.group()]
                break
        else:
            words = text[window_start : place.start].lower().split()
            if len(words) > 1 and words[-1] in self.articles:
                words = words[:-1]
            role = self.immediate.get(words[-1]) if words else None
            if role == "origin" and words[-1] == "de" and not self._leads_to(text, places, i):
                role = None  # "el albergue de Palenque" is not a departure
        if role == "transit" and place.entry.default_role == "crossing":
            return "crossing"
        return role

    def _leads_to(self, text: str, places: list[PlaceSpan], i: int) -> bool:
        """Whether place ``i`` is followed by "a/to/hasta <place>" ("de Honduras a Dallas")."""
        if i + 1 >= len(places):
            return False
        return text[places[i].end : places[i + 1].start].strip().lower() in self.to_words

    def _chain_roles(self, text: str, places: list[PlaceSpan], roles: list[str | None]) -> None:
        chain: list[int] = [0] if places else []
        chains: list[list[int]] = []
        for i in range(1, len(places)):
            gap = text[places[i - 1].end : places[i].start]
            if any(a in gap for a in self.arrows) and len(gap) < 40:
                chain.append(i)
            else:
                chains.append(chain)
                chain = [i]
        if chain:
            chains.append(chain)
        for chain in chains:
            if len(chain) < 2:
                continue
            for pos, idx in enumerate(chain):
                if pos == len(chain) - 1:
                    roles[idx] = "destination"
                elif pos == 0:
                    crossing = places[idx].entry.default_role == "crossing"
                    roles[idx] = "crossing" if crossing else "origin"
                else:
                    default = places[idx].entry.default_role
                    roles[idx] = "crossing" if default == "crossing" else "transit"

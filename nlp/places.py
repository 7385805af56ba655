"""Places against the curated gazetteer, each with its route role read from context cues.

Names match accent- and case-insensitively (a leading "=" in the gazetteer makes a name
case-sensitive, for "DF", "Mty", "Hou"). A name with a leading "?" belongs to several places
("Santiago": Chile's capital, the Dominican city); the post's other places decide which.
A role comes from, in order: an arrow chain
("Tapachula → CDMX → Reynosa"), the last cue phrase in the clause before the place, an
immediate preposition ("de", "a", "por"), the role of the place it is listed with, and
finally the gazetteer's default (border cities are crossings, US cities destinations).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

from nlp.resources import load_json, load_tsv
from nlp.roles import GazetteerEntry, PlaceSpan, chain_roles
from nlp.textmap import Occupied, fold

NEAR_KM = 600.0  # a place this close to a candidate of an ambiguous name speaks for it


def km_between(a: GazetteerEntry, b: GazetteerEntry) -> float:
    """Great-circle distance between two gazetteer entries, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def support(candidate: GazetteerEntry, others: list[GazetteerEntry]) -> tuple[float, float]:
    """How much a post's other places speak for one reading of an ambiguous name: a vote for
    each place in its country, half a vote for each place of another country within
    ``NEAR_KM``; among equal votes the candidate nearest to one of them."""
    km = [km_between(o, candidate) for o in others]
    votes = sum(
        1.0 if o.country == candidate.country else 0.5 if d < NEAR_KM else 0.0
        for o, d in zip(others, km, strict=True)
    )
    return votes, -min(km) if votes else 0.0


_ARTICLE_LEAD = re.compile(r"(?:el|al|del) (?=(?:norte|otro lado|df|d\.f\.)$)")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class PlaceExtractor:
    """Find places and their route roles with ``gazetteer.tsv`` and ``route_cues.json``."""

    def __init__(self, gazetteer: Path, cues: Path) -> None:
        self.folded: dict[str, GazetteerEntry] = {}
        self.exact: dict[str, GazetteerEntry] = {}
        self.ambiguous: dict[str, list[GazetteerEntry]] = {}  # first listed: the default
        for row in load_tsv(gazetteer):
            canonical, country, lat, lon, kind, role, names = row[:7]
            entry = GazetteerEntry(canonical, country, float(lat), float(lon), kind, role)
            for name in names.split("|"):
                if name.startswith("="):
                    self.exact[name[1:]] = entry
                elif name.startswith("?"):
                    self.ambiguous.setdefault(fold(name[1:]), []).append(entry)
                else:
                    self.folded[fold(name)] = entry
        for name, entries in self.ambiguous.items():
            self.folded.setdefault(name, entries[0])
        bound_l, bound_r = r"(?<![\w@#/.])", r"(?![\w@$])"
        self.destination_countries = {
            e.country
            for e in self.folded.values()
            if e.kind == "country" and e.default_role == "destination"
        }
        self.transit_countries = {
            e.country
            for e in self.folded.values()
            if e.kind == "country" and e.default_role == "transit"
        }
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
            if m.group().endswith("el norte") and re.match(r"\s+del?\b", folded[m.end() :]):
                continue
            lead = _ARTICLE_LEAD.match(m.group())  # "el DF" -> "DF", "al norte" -> "norte"
            hits.append((m.start() + (lead.end() if lead else 0), m.end(), self.folded[m.group()]))
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
        return self._assign_roles(text, folded, self._resolve(folded, places))

    def _resolve(self, folded: str, places: list[PlaceSpan]) -> list[PlaceSpan]:
        """Give each ambiguous name the candidate the post's other places agree with most:
        ``support`` ("Wanament → Santiago" is the Dominican one, "Santiago → Arica" Chile's);
        with no support at all, the first listed."""
        others = [p.entry for p in places if folded[p.start : p.end] not in self.ambiguous]
        out = []
        for place in places:
            candidates = self.ambiguous.get(folded[place.start : place.end])
            if candidates:
                place = replace(place, entry=max(candidates, key=lambda c: support(c, others)))
            out.append(place)
        return out

    def _assign_roles(self, text: str, folded: str, places: list[PlaceSpan]) -> list[PlaceSpan]:
        roles: list[str | None] = [
            self._cue_role(text, folded, places, i) for i in range(len(places))
        ]
        chain: list[str | None] = [None] * len(places)
        chain_roles(text, places, chain, self.arrows)
        for i, place in enumerate(places):
            if roles[i] is None and chain[i] is not None:
                # a route has one start: a chain after a cued origin ("saímos de GV: Cidade
                # do México → Juárez → El Paso") begins with a stop on the way
                started = chain[i] == "origin" and "origin" in roles[:i]
                roles[i] = "transit" if started else chain[i]
            elif roles[i] is None and i + 1 < len(places):
                gap = text[place.end : places[i + 1].start].strip().lower()
                if gap in self.to_words and place.entry.default_role != "crossing":
                    roles[i] = "origin"  # "Oaxaca a Monterrey", "Tapachula to Houston"
                elif gap in self.to_words:  # "El Paso to Dallas" starts there; "Tijuana a LA"
                    past = place.entry.country in self.destination_countries
                    roles[i] = "origin" if past else "crossing"
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
                if previous == own or (same_kind):
                    roles[i] = previous
        self._final_leg(folded, places, roles)
        self._pickup_after_crossing(places, roles)
        routed = any(r is not None for r in roles) or len({p.entry.country for p in places}) > 1
        return [
            replace(
                p, role=r or self._default(p, routed), cued=r is not None, way_in=self._way_in(p, r)
            )
            for p, r in zip(places, roles, strict=True)
        ]

    def _way_in(self, place: PlaceSpan, role: str | None) -> bool:
        """Whether ``place`` is reached only to cross on: "hasta Ciudad Juárez" in an offer."""
        entry = place.entry
        return (
            role == "destination"
            and entry.default_role == "crossing"
            and entry.country in self.transit_countries
        )

    def _final_leg(self, folded: str, places: list[PlaceSpan], roles: list[str | None]) -> None:
        """ "hasta Saltillo y cruce por Acuña": a hub or border city reached mid-route is a
        leg, not the destination, when a later place (not listed with it) ends the route."""
        for i, place in enumerate(places):
            default = place.entry.default_role
            if roles[i] != "destination" or default == "destination":
                continue
            if place.entry.country in self.destination_countries:
                continue  # "los dejo en Brownsville": past the border the drop-off is the goal
            listed = True  # still inside the list that starts at place i ("San Diego o LA")
            seen = {place.entry.canonical}
            for j in range(i + 1, len(places)):
                later = roles[j] or places[j].entry.default_role
                joined = self.joiners.match(folded[places[j - 1].end : places[j].start])
                listed = listed and bool(joined)
                if listed or places[j].entry.canonical in seen:
                    seen.add(places[j].entry.canonical)
                    continue
                if later in ("destination", "crossing") and (roles[j] or later == "destination"):
                    roles[i] = "crossing" if default == "crossing" else "transit"
                    break

    def _pickup_after_crossing(self, places: list[PlaceSpan], roles: list[str | None]) -> None:
        """ "Crossing at San Ysidro, pickup in San Diego": a pick-up past the border is where
        the trip ends, so an origin cue after a crossing on a destination-side place is one."""
        crossed = False
        for i, place in enumerate(places):
            if roles[i] == "crossing":
                crossed = True
            elif (
                crossed
                and roles[i] == "origin"
                and place.entry.country in self.destination_countries
            ):
                roles[i] = "destination"

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
        gap = text[places[i].end : places[i + 1].start].strip().lower()
        first = gap.split()[0] if gap.split() else ""
        return gap in self.to_words or (len(gap) <= 30 and first in self.to_words)

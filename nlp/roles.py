"""Place records and arrow-chain roles, shared by ``nlp.places`` and its role rules."""

from __future__ import annotations

from dataclasses import dataclass


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
    cued: bool = True  # False when the role is only the gazetteer's default
    way_in: bool = False  # a destination that is a border city of a transit country


def chain_roles(
    text: str, places: list[PlaceSpan], roles: list[str | None], arrows: list[str]
) -> None:
    """Give places linked by arrows ("Tapachula → CDMX → Reynosa") origin, transit or
    crossing, and destination for the last one; ``roles`` is filled in place."""
    chain: list[int] = [0] if places else []
    chains: list[list[int]] = []
    for i in range(1, len(places)):
        gap = text[places[i - 1].end : places[i].start]
        if any(a in gap for a in arrows) and len(gap) < 40:
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

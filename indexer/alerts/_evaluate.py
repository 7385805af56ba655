"""The Python evaluation of a rule's condition, one check per condition, each giving a reason.

Kept apart from the schema so the semantics read in one place; the Elasticsearch percolator
query built from the same ``Condition`` must agree with every function here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.normalise import contact_matches, contains_phrase, fold, place_keys, words
from pipeline.records import EnrichedPost, PlaceMention, PriceMention

if TYPE_CHECKING:
    from indexer.alerts.rules import Condition, MatchContext, PlaceCondition


def evaluate(condition: Condition, post: EnrichedPost, context: MatchContext) -> list[str] | None:
    """Return the reasons every condition holds for ``post``, or None at the first that fails."""
    nlp = post.nlp
    reasons: list[str] = []
    if condition.only_ads:
        if not nlp.is_smuggling_ad:
            return None
        reasons.append(f"classified as an ad (score {nlp.score:.2f})")
    if condition.min_score is not None:
        if nlp.score < condition.min_score:
            return None
        reasons.append(f"score {nlp.score:.2f} ≥ {condition.min_score:.2f}")
    if condition.platforms:
        if post.platform not in condition.platforms:
            return None
        reasons.append(f"platform {post.platform}")
    if condition.first_post_by_author:
        if not context.first_post_by_author:
            return None
        reasons.append(f"first post seen from author {post.author.handle}")
    checks = (_text, _places, _countries, _price, _contacts, _aliases)
    for check in checks:
        found = check(condition, post)
        if found is None:
            return None
        reasons.extend(found)
    return reasons


def _text(condition: Condition, post: EnrichedPost) -> list[str] | None:
    if not condition.text_any and not condition.text_all:
        return []
    tokens = words(post.text)
    reasons = []
    if condition.text_all:
        if not all(contains_phrase(tokens, words(term)) for term in condition.text_all):
            return None
        reasons.append("text has all of " + ", ".join(repr(t) for t in condition.text_all))
    if condition.text_any:
        hits = [term for term in condition.text_any if contains_phrase(tokens, words(term))]
        if not hits:
            return None
        reasons.append("text has " + ", ".join(repr(t) for t in hits))
    return reasons


def place_matches(condition: PlaceCondition, place: PlaceMention) -> bool:
    """Tell whether a place mention is the place a condition names (and has its role)."""
    if condition.role is not None and condition.role != place.role:
        return False
    return fold(condition.name) in place_keys(place.name, place.canonical)


def _places(condition: Condition, post: EnrichedPost) -> list[str] | None:
    if not condition.places:
        return []
    found = [
        f"place {place.name} = {place.canonical} ({place.role})"
        for place in post.nlp.places
        if any(place_matches(wanted, place) for wanted in condition.places)
    ]
    return found or None


def _countries(condition: Condition, post: EnrichedPost) -> list[str] | None:
    if not condition.countries:
        return []
    found = sorted({p.country for p in post.nlp.places if p.country in condition.countries})
    return [f"country {', '.join(found)}"] if found else None


def _price_ok(condition: Condition, price: PriceMention) -> bool:
    if condition.currency is not None and price.currency != condition.currency:
        return False
    if condition.min_price_usd is None and condition.max_price_usd is None:
        return True
    usd = price.amount_usd
    if usd is None:
        return False
    low_ok = condition.min_price_usd is None or usd >= condition.min_price_usd
    return low_ok and (condition.max_price_usd is None or usd <= condition.max_price_usd)


def describe_price(price: PriceMention) -> str:
    """Return ``"90,000 MXN (≈ 5,000 USD)"``; the USD conversion only for other currencies."""
    text = f"{price.amount:,.0f} {price.currency}"
    if price.amount_usd is not None and price.currency != "USD":
        text += f" (≈ {price.amount_usd:,.0f} USD)"
    return text


def _price(condition: Condition, post: EnrichedPost) -> list[str] | None:
    c = condition
    if c.min_price_usd is None and c.max_price_usd is None and c.currency is None:
        return []
    found = [f"price {describe_price(p)}" for p in post.nlp.prices if _price_ok(condition, p)]
    return found or None


def _contacts(condition: Condition, post: EnrichedPost) -> list[str] | None:
    if not condition.contacts:
        return []
    found = [
        f"watchlisted contact {contact.value} ({contact.type}) = {entry!r}"
        for contact in post.nlp.contacts
        for entry in condition.contacts
        if contact_matches(entry, contact.value)
    ]
    return found or None


def _aliases(condition: Condition, post: EnrichedPost) -> list[str] | None:
    if not condition.aliases:
        return []
    wanted = {fold(alias): alias for alias in condition.aliases}
    found = [f"watchlisted alias {a.value}" for a in post.nlp.aliases if fold(a.value) in wanted]
    return found or None

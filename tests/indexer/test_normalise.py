"""Normalisers (Hypothesis) and the agreement between store search and rule matching."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.alerts import MatchContext, Rule
from indexer.embedded import EmbeddedStore
from indexer.normalise import contact_key, contact_matches, fold, words
from indexer.query import SearchQuery
from tests.indexer.posts import enriched

TEXTS = [
    "VIAJES SEGUROS cruce por REYNOSA",
    "Pregunta por El Güero, salida de Tapachula",
    "Paso por la trocha desde Necoclí",
    "reynosas y tijuanas",
    "Cruce garantizado, Querétaro → Houston",
    "¡¡¡GUERO!!! 🇺🇸 viaje seguro",
]
VOCABULARY = [
    "reynosa", "REYNOSA", "Reynosas", "güero", "GUERO", "necocli", "NECOCLÍ", "queretaro",
    "cruce", "cruce por", "por reynosa", "viaje seguro", "seguro viaje", "houston", "tijuana",
    "salida de tapachula", "trocha desde", "el güero",
]


@given(st.text())
def test_fold_is_idempotent_and_words_are_folded(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert all(word == fold(word) for word in words(text))


@given(st.from_regex(r"\+?[0-9 ().-]{7,20}", fullmatch=True))
def test_a_phone_matches_itself_however_it_is_punctuated(phone: str) -> None:
    digits = "".join(ch for ch in phone if ch.isdigit())
    assert contact_key(phone) == digits
    assert contact_matches(phone, "+" + digits)


def test_any_text_is_a_valid_search(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s.db") as store:
        store.add([enriched("1", "Cruce por Reynosa")])

        @settings(max_examples=300, deadline=None)
        @given(st.text(max_size=60))
        def search(text: str) -> None:
            assert len(store.search(SearchQuery(text=text))) <= 1

        search()


def test_store_search_and_rule_text_matching_agree() -> None:
    posts = [enriched(str(i), text) for i, text in enumerate(TEXTS)]
    with tempfile.TemporaryDirectory() as folder, EmbeddedStore(Path(folder) / "s.db") as store:
        store.add(posts)
        for term in VOCABULARY:
            rule = Rule(name="t", recipients=("a@example.org",), condition={"text_any": [term]})
            by_rule = {p.native_id for p in posts if rule.matches(p, MatchContext())}
            query = SearchQuery(text=f'"{term}"', limit=100)
            by_store = {hit.post.native_id for hit in store.search(query)}
            assert by_rule == by_store, term

"""Normalisation undoes digit obfuscation and maps every span back to the raw text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp.textmap import fold, normalise


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("cinco cinco uno dos tres cuatro cinco seis siete ocho", "5512345678"),
        ("five five one two three four five six seven eight", "5512345678"),
        ("cinco cinco um dois três quatro cinco seis sete oito", "5512345678"),
        ("55O1 234 5678", "5501 234 5678"),
        ("5️⃣5️⃣ 1234 5678", "55 1234 5678"),
    ],
)
def test_obfuscated_digits_are_restored(raw: str, digits: str) -> None:
    assert re.sub(r"[^0-9]", "", normalise(raw).text) == re.sub(r"[^0-9]", "", digits)


def test_short_number_words_stay_words() -> None:
    assert normalise("dos personas y tres niños").text == "dos personas y tres niños"


def test_spans_map_back_to_the_raw_text() -> None:
    raw = "WhatsApp: cinco cinco uno dos tres cuatro cinco seis siete ocho!"
    norm = normalise(raw)
    match = re.search(r"5[\d ]+8", norm.text)
    assert match is not None
    start, end = norm.to_raw(match.start(), match.end())
    assert raw[start:end] == "cinco cinco uno dos tres cuatro cinco seis siete ocho"


@given(st.text(max_size=300))
def test_offsets_always_inside_the_raw_text(raw: str) -> None:
    norm = normalise(raw)
    assert len(norm.starts) == len(norm.text) == len(norm.ends)
    for i in range(len(norm.text)):
        start, end = norm.to_raw(i, i + 1)
        assert 0 <= start < end <= len(raw)


@given(st.text(max_size=200))
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)

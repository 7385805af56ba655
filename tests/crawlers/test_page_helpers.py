"""Edges of the shared parser helpers: decoding, counters, text with line breaks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from parsel import Selector

from crawlers.pages import PageError, decode_body, parse_count, parse_telegram, text_of
from crawlers.sitegen.markup import facebook_html, telegram_html, views_label


@pytest.mark.parametrize(("label", "value"), [
    ("950", 950), ("1.2K", 1200), ("3.4M", 3_400_000), ("7714 reactions", 7714),
    ("12 Comments", 12), ("1,234", 1234), ("", None), (None, None), ("views", None),
])
def test_parse_count(label: str | None, value: int | None) -> None:
    assert parse_count(label) == value


def test_decode_body_prefers_header_then_meta() -> None:
    latin = '<meta charset="iso-8859-1"><p>niños</p>'.encode("latin-1")
    assert "niños" in decode_body(latin)
    with pytest.raises(PageError, match="utf-8"):
        decode_body(latin, "utf-8")
    with pytest.raises(PageError, match="no-such-codec"):
        decode_body(b"x", "no-such-codec")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=300))
def test_telegram_markup_round_trips(text: str) -> None:
    html = f'<div id="t">{telegram_html(text)}</div>'
    assert text_of(Selector(text=html, type="html").css("#t")[0].root) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=100,
               max_size=400))
def test_see_more_split_round_trips(text: str) -> None:
    html = f'<p id="t">{facebook_html(text, "/story")}</p>'
    root = Selector(text=html, type="html").css("#t")[0].root
    assert text_of(root, frozenset({"text_exposed_hide", "text_exposed_link"})) == text


@given(st.integers(min_value=0, max_value=10**9))
def test_views_label_parses_back_within_rounding(n: int) -> None:
    back = parse_count(views_label(n))
    assert back is not None and abs(back - n) <= max(1, n // 10)


def test_a_100_kb_post_parses_whole() -> None:
    text = "RUTA TAPACHULA - REYNOSA - HOUSTON. " * 2900
    html = (
        '<section class="tgme_channel_history"><div class="tgme_widget_message" '
        'data-post="c/1"><div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_text">{telegram_html(text)}</div>'
        '<a class="tgme_widget_message_date" href="https://t.me/c/1">'
        '<time datetime="2026-01-01T00:00:00+00:00"></time></a></div></div></section>'
    )
    page = parse_telegram("http://127.0.0.1:1/s/c", html.encode())
    assert page.ok and len(page.posts[0].text) > 100_000 and page.posts[0].text == text

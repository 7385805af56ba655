"""Text-to-markup helpers shared by the renderers: links, emoji wrappers, "See more" splits.

Each helper is invertible by the matching page parser: the parser's text of the markup is
exactly the original text, which is what lets ``expected_posts.jsonl`` be exact.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import Any

from markupsafe import Markup

from crawlers.sitegen.vocab import EMOJIS

_LINK = re.compile(r"(https?://\S+|wa\.me/\d+|@[a-z_]+\d*)")
_EMOJI = re.compile("|".join(re.escape(e) for e in sorted(EMOJIS, key=len, reverse=True)))


def _wrap_emoji(escaped: str) -> str:
    return _EMOJI.sub(lambda m: f'<i class="emoji"><b>{m.group(0)}</b></i>', escaped)


def telegram_html(text: str) -> Markup:
    """Return Telegram message markup: escaped text, links, emoji wrappers, ``<br/>``."""
    out: list[str] = []
    for i, piece in enumerate(_LINK.split(text)):
        if i % 2 == 0:
            out.append(_wrap_emoji(html.escape(piece, quote=False)))
        elif piece.startswith("@"):
            href = f"https://t.me/{piece[1:]}"
            out.append(f'<a href="{href}">{html.escape(piece)}</a>')
        else:
            href = piece if piece.startswith("http") else f"https://{piece}"
            out.append(f'<a href="{html.escape(href)}" target="_blank" rel="noopener">'
                       f"{html.escape(piece)}</a>")
    return Markup("".join(out).replace("\n", "<br/>"))  # noqa: S704 - pieces escaped above


def facebook_html(text: str, more_href: str, visible: int = 120) -> Markup:
    """Return mbasic post markup; texts longer than ``visible`` get a "See more" piece."""

    def esc(s: str) -> str:
        return html.escape(s, quote=False).replace("\n", "<br />")

    if len(text) <= visible or " " not in text[visible - 40 : visible]:
        return Markup(esc(text))  # noqa: S704 - escaped by esc()
    cut = text.rindex(" ", visible - 40, visible)
    head, tail = text[:cut], text[cut:]
    return Markup(  # noqa: S704 - escaped by esc()
        f'{esc(head)}<span class="text_exposed_hide">...</span>'
        f'<span class="text_exposed_link"> <a href="{html.escape(more_href)}">See more</a></span>'
        f'<span class="text_exposed_show">{esc(tail)}</span>'
    )


def plain_html(text: str) -> Markup:
    """Return escaped text with ``<br />`` line breaks."""
    return Markup(html.escape(text, quote=False).replace("\n", "<br />"))  # noqa: S704


def script_json(state: Any) -> Markup:
    """Return JSON for an inline ``<script>``, with ``/`` written as ``\\u002F`` like TikTok."""
    # "/" escaped so that "</script>" cannot end the element early
    dumped = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    return Markup(dumped.replace("/", "\\u002F"))  # noqa: S704


def views_label(n: int) -> str:
    """Return a Telegram-style view counter: ``950``, ``1.2K``, ``3.4M``."""
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.1f}".rstrip("0").rstrip(".") + "K"
    return f"{n / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"


_MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")


def fb_time_label(when: datetime) -> str:
    """Return an mbasic-style Spanish time label ("12 de marzo a las 14:05")."""
    return f"{when.day} de {_MESES[when.month - 1]} a las {when:%H:%M}"

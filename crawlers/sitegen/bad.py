"""Misbehaving pages under ``/bad/``, ``robots.txt`` and the server manifest that drives them.

Static defects (truncated JSON state, broken HTML, latin-1 bytes declared UTF-8) are files.
Behaviour that a file cannot carry (status codes, delays, redirect loops, ``Retry-After``, a
5 MB body) is described in ``_server.json`` and acted out by
:class:`crawlers.fixture_server.FixtureServer`.
"""

from __future__ import annotations

import json
from typing import Any

from crawlers.sitegen import markup
from crawlers.sitegen.render import Pages

MANIFEST = "_server.json"

ROBOTS_TXT = """\
# Fixture sites: everything is invented.
User-agent: *
Disallow: /private/
Disallow: /@privado.cuenta

User-agent: BadBot
Disallow: /
"""

ROUTES: dict[str, dict[str, Any]] = {
    "/bad/5xx": {"status": 503, "body": "<html><body>Service Unavailable</body></html>"},
    "/bad/slow": {"delay_s": 1.5},
    "/bad/loop-a": {"status": 302, "location": "/bad/loop-b"},
    "/bad/loop-b": {"status": 302, "location": "/bad/loop-a"},
    "/bad/429": {"status": 429, "headers": {"Retry-After": "1"},
                 "body": "<html><body>Too Many Requests</body></html>"},
    "/bad/big": {"pad_to_bytes": 5 * 1024 * 1024},
}

_EMPTY_CHANNEL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title} – Telegram</title></head>
<body class="widget_frame_base tgme_webpreview_body">
<header class="tgme_header"><div class="tgme_header_title"><span dir="auto">{title}</span></div>
</header><main class="tgme_main"><section class="tgme_channel_history js-message_history">
{messages}</section></main></body></html>
"""

_MESSAGE = """<div class="tgme_widget_message_wrap js-widget_message_wrap"><div \
class="tgme_widget_message js-widget_message" data-post="{post}"><div \
class="tgme_widget_message_bubble"><div class="tgme_widget_message_text js-message_text" \
dir="auto">{html}</div><div class="tgme_widget_message_footer"><span \
class="tgme_widget_message_views">{views}</span><span class="tgme_widget_message_meta"><a \
class="tgme_widget_message_date" href="https://t.me/{post}"><time \
datetime="{iso}" class="time">10:00</time></a></span></div></div></div></div>
"""


def _message(post: str, text: str, iso: str = "2026-02-01T10:00:00+00:00") -> str:
    return _MESSAGE.format(post=post, html=markup.telegram_html(text), views="1.1K", iso=iso)


def bad_pages() -> Pages:
    """Return the misbehaving pages, ``robots.txt`` and the server manifest."""
    pages: Pages = {"robots.txt": ROBOTS_TXT.encode()}
    pages["bad/slow/index.html"] = _EMPTY_CHANNEL.format(
        title="Canal lento", messages="").encode()
    pages["bad/big/index.html"] = _EMPTY_CHANNEL.format(
        title="Canal enorme", messages="").encode()
    broken = _EMPTY_CHANNEL.format(title="Canal roto", messages="")
    broken = broken.split("</section>")[0] + (
        '<div class="tgme_widget_message_wrap"><div class="tgme_widget_message" '
        'data-post="bad_broken/7"><div class="tgme_widget_message_bubble"><div class="tgme_'
        'widget_message_text">SALIDAS HOY 🚨<br/>PRECIO: 9 mil dl')
    pages["bad/broken-html/index.html"] = broken.encode()
    latin = _EMPTY_CHANNEL.format(title="Canal con acentos", messages=_message(
        "bad_charset/3", "Salida de Tapachula, cruce por Reynosa, niños con descuento, "
                         "información al +52 899 010 0042"))
    pages["bad/wrong-charset/index.html"] = latin.encode("latin-1", errors="replace")
    state = {"__DEFAULT_SCOPE__": {"webapp.video-detail": {"itemInfo": {"itemStruct": {
        "id": "7300000000000000001", "desc": "Cruce seguro por Nogales 7.5k #viajesusa",
        "createTime": "1770000000", "author": {"uniqueId": "bad.truncated", "nickname": "x"},
        "stats": {"diggCount": 5, "shareCount": 1, "commentCount": 0, "playCount": 90}}}}}}
    state_json = str(markup.script_json(state))
    truncated = (
        '<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8"><title>TikTok</title>'
        '</head><body><div id="app"></div>\n<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" '
        f'type="application/json">{state_json[: len(state_json) // 2]}</script>\n'
        "</body></html>\n")
    pages["bad/truncated-state/index.html"] = truncated.encode()
    pages["@privado.cuenta/index.html"] = b"<html><body>never fetched: robots.txt</body></html>\n"
    pages[MANIFEST] = (json.dumps({"routes": ROUTES}, indent=2, sort_keys=True) + "\n").encode()
    return pages

"""Render the corpus as static pages shaped like public Telegram, Facebook and TikTok pages.

A URL with a query string is stored as ``<path>/_q_<query>.html`` and a URL without one as
``<path>/index.html``; :mod:`crawlers.fixture_server` resolves URLs the same way
(:func:`url_to_file`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from crawlers.sitegen import markup
from crawlers.sitegen.corpus import SOURCES, GenPost, SourceSpec

TELEGRAM_PAGE = 20
FACEBOOK_PAGE = 8
TIKTOK_PAGE = 12

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)

Pages = dict[str, bytes]
_FILE_EXTENSIONS = frozenset({"txt", "json", "jsonl", "html", "css", "js", "jpeg", "png"})


def url_to_file(path: str, query: str = "") -> str:
    """Return the file (relative to the sites dir) that holds the page at ``path?query``."""
    base = path.strip("/")
    if query:
        return f"{base}/_q_{query.replace('/', '%2F')}.html"
    if base.rsplit(".", 1)[-1] in _FILE_EXTENSIONS:
        return base
    return f"{base}/index.html" if base else "index.html"


def _chunks(posts: list[GenPost], size: int) -> list[list[GenPost]]:
    newest_first = posts[::-1]
    return [newest_first[i : i + size][::-1] for i in range(0, len(newest_first), size)] or [[]]


def render_telegram(spec: SourceSpec, posts: list[GenPost]) -> Pages:
    """Render a channel preview ``/s/<channel>`` and its ``?before=<id>`` pages."""
    pages: Pages = {}
    chunks = _chunks(posts, TELEGRAM_PAGE)
    tpl = _ENV.get_template("telegram.html")
    for i, chunk in enumerate(chunks):
        query = f"before={chunks[i - 1][0].native_id}" if i else ""
        older = chunks[i + 1] if i + 1 < len(chunks) else None
        before = chunk[0].native_id if older and chunk else ""
        prev_href = f"/s/{spec.source_id}?before={before}" if before else None
        next_href = f"/s/{spec.source_id}?after={chunk[-1].native_id}" if i and chunk else None
        messages = [
            {
                "native_id": p.native_id, "html": markup.telegram_html(p.text),
                "views_label": markup.views_label(p.views), "iso": p.published_at.isoformat(),
                "hhmm": f"{p.published_at:%H:%M}", "forwarded_from": p.forwarded_from,
                "edited": p.edited,
                "color": int(p.native_id) % 7,
                "view_token": hashlib.sha1(p.native_id.encode()).hexdigest()[:24],  # noqa: S324
            }
            for p in chunk
        ]
        html = tpl.render(
            channel=spec.source_id, title=spec.title, messages=messages, before=before,
            prev_href=prev_href, next_href=next_href,
            canonical_query=f"?{query}" if query else "", subscribers=f"{len(posts) * 37:,}",
        )
        pages[url_to_file(f"/s/{spec.source_id}", query)] = html.encode()
    return pages


def _fb_paths(spec: SourceSpec, post_id: str) -> tuple[str, str]:
    if spec.kind == "group":
        return f"/groups/{spec.source_id}", f"/groups/{spec.source_id}/permalink/{post_id}/"
    return f"/{spec.source_id}", f"/story.php?story_fbid={post_id}&id={spec.source_id}"


def _fb_post(spec: SourceSpec, p: GenPost) -> dict[str, Any]:
    _, permalink = _fb_paths(spec, p.native_id)
    ft = (f'{{"top_level_post_id":"{p.native_id}","content_owner_id_new":"{p.author_handle}",'
          f'"page_id":"{spec.source_id}"}}')
    comments = [
        {"native_id": c.native_id, "author_href": f"/profile.php?id={c.author_handle}",
         "author_name": c.author_name, "html": markup.plain_html(c.text),
         "utime": int(c.published_at.timestamp()), "label_time": markup.fb_time_label(
             c.published_at)}
        for c in p.comments
    ]
    author_href = (f"/profile.php?id={p.author_handle}" if spec.kind == "group"
                   else f"/{spec.source_id}")
    return {
        "data_ft": ft, "author_href": author_href, "author_name": p.author_name,
        "html": markup.facebook_html(p.text, permalink), "utime": int(p.published_at.timestamp()),
        "title_time": p.published_at.strftime("%A, %d %B %Y at %H:%M UTC"),
        "label_time": markup.fb_time_label(p.published_at), "permalink": permalink,
        "likes": p.likes, "n_comments": p.n_comments, "comments": comments,
    }


def render_facebook(spec: SourceSpec, posts: list[GenPost]) -> Pages:
    """Render an mbasic-style group or page feed with ``?bacr=`` next-page links."""
    pages: Pages = {}
    home, _ = _fb_paths(spec, "")
    chunks = _chunks(posts, FACEBOOK_PAGE)
    tpl = _ENV.get_template("facebook.html")
    for i, chunk in enumerate(chunks):
        newest_first = chunk[::-1]
        query = ""
        if i:
            last = chunks[i - 1][0]
            query = f"bacr={int(last.published_at.timestamp())}%3A{last.native_id}&refid=18"
        next_href = None
        if i + 1 < len(chunks) and chunk:
            first = chunk[0]
            next_href = (f"{home}?bacr={int(first.published_at.timestamp())}%3A"
                         f"{first.native_id}&refid=18")
        html = tpl.render(
            title=spec.title, home_href=home, is_group=spec.kind == "group",
            kind_label="Public group" if spec.kind == "group" else "Page",
            posts=[_fb_post(spec, p) for p in newest_first], next_href=next_href,
        )
        pages[url_to_file(home, query)] = html.encode()
    return pages


def _user_id(spec: SourceSpec) -> str:
    digest = hashlib.sha1(spec.source_id.encode()).hexdigest()  # noqa: S324 - an id
    return str(6_800_000_000_000_000_000 + int(digest[:12], 16))


def _item_struct(spec: SourceSpec, p: GenPost) -> dict[str, Any]:
    tags = [w[1:] for w in p.text.split() if w.startswith("#") and len(w) > 1]
    return {
        "id": p.native_id, "desc": p.text, "createTime": str(int(p.published_at.timestamp())),
        "author": {"id": _user_id(spec), "uniqueId": spec.source_id, "nickname": spec.title,
                   "verified": False},
        "stats": {"diggCount": p.likes, "shareCount": p.shares, "commentCount": p.n_comments,
                  "playCount": p.views, "collectCount": p.shares // 3},
        "textExtra": [{"hashtagName": t, "type": 1} for t in tags],
        "challenges": [{"title": t} for t in tags],
        "video": {"duration": 15 + int(p.native_id) % 45, "ratio": "720p"},
        "locationCreated": "MX",
    }


def render_tiktok(spec: SourceSpec, posts: list[GenPost]) -> Pages:
    """Render a profile ``/@user`` (paged with ``?cursor=``) and one page per video."""
    pages: Pages = {}
    tpl = _ENV.get_template("tiktok.html")
    home = f"/@{spec.source_id}"
    chunks = _chunks(posts, TIKTOK_PAGE)
    user = {"id": _user_id(spec), "uniqueId": spec.source_id, "nickname": spec.title,
            "signature": "info x inbox 📲", "verified": False}
    for i, chunk in enumerate(chunks):
        query = f"cursor={i * TIKTOK_PAGE}" if i else ""
        next_href = f"{home}?cursor={(i + 1) * TIKTOK_PAGE}" if i + 1 < len(chunks) else None
        state = {"__DEFAULT_SCOPE__": {"webapp.user-detail": {
            "userInfo": {"user": user, "stats": {"followerCount": len(posts) * 211,
                                                  "videoCount": len(posts)}},
            "statusCode": 0}}}
        links = [(f"{home}/video/{p.native_id}", p.text[:60]) for p in chunk[::-1]]
        html = tpl.render(title=f"{spec.title} (@{spec.source_id})", description=user["signature"],
                          canonical=home, next_href=next_href, page_kind="profile",
                          video_links=links, state_json=markup.script_json(state))
        pages[url_to_file(home, query)] = html.encode()
    for p in posts:
        state = {"__DEFAULT_SCOPE__": {"webapp.video-detail": {
            "itemInfo": {"itemStruct": _item_struct(spec, p)}, "statusCode": 0}}}
        path = f"{home}/video/{p.native_id}"
        html = tpl.render(title=p.text[:40], description=p.text[:150], canonical=path,
                          next_href=None, page_kind="video", video_links=[],
                          state_json=markup.script_json(state))
        pages[url_to_file(path)] = html.encode()
    return pages


def render_all(corpus: dict[str, list[GenPost]]) -> Pages:
    """Render every source of the corpus."""
    pages: Pages = {}
    renderers = {"telegram": render_telegram, "facebook": render_facebook,
                 "tiktok": render_tiktok}
    for spec in SOURCES:
        pages.update(renderers[spec.platform](spec, corpus[spec.source_id]))
    return pages

"""Parse TikTok profile and video pages from their embedded rehydration JSON state."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawlers.pages._common import PageError, ParsedPage, decode_body
from pipeline.records import Author, CrawlInfo, Engagement, RawPost, make_doc_id, utc_now

SPIDER = "tiktok"
STATE_ID = "__UNIVERSAL_DATA_FOR_REHYDRATION__"


def parse_tiktok(url: str, body: bytes | str, *, encoding: str | None = None,
                 collected_at: datetime | None = None) -> ParsedPage:
    """Return the video of a video page, or the video and next-page links of a profile page."""
    page = ParsedPage(url=url)
    try:
        sel = Selector(text=decode_body(body, encoding), type="html")
        scope = _state(sel)["__DEFAULT_SCOPE__"]
        if "webapp.video-detail" in scope:
            item = scope["webapp.video-detail"]["itemInfo"]["itemStruct"]
            page.posts.append(_video(url, item, collected_at or utc_now()))
        elif "webapp.user-detail" in scope:
            hrefs = sel.css("div[data-e2e=user-post-item] a::attr(href)").getall()
            hrefs += sel.css("a[data-e2e=user-post-item-list-more]::attr(href)").getall()
            page.next_urls = [urljoin(url, h) for h in hrefs]
        else:
            page.errors.append(f"state holds neither a video nor a profile: {sorted(scope)}")
    except PageError as exc:
        page.errors.append(str(exc))
    except (KeyError, TypeError, ValueError) as exc:
        page.errors.append(f"unexpected state shape: {type(exc).__name__}: {exc}")
    return page


def _state(sel: Selector) -> dict[str, Any]:
    raw = sel.css(f"script#{STATE_ID}::text").get()
    if raw is None:
        raise PageError(f"no <script id={STATE_ID}>")
    try:
        state = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PageError(f"invalid JSON state (truncated?): {exc}") from exc
    if not isinstance(state, dict):
        raise PageError("JSON state is not an object")
    return state


def _video(url: str, item: dict[str, Any], collected_at: datetime) -> RawPost:
    author = item["author"]
    handle = str(author["uniqueId"])
    native_id = str(item["id"])
    stats = item.get("stats", {})
    return RawPost(
        doc_id=make_doc_id("tiktok", handle, native_id), platform="tiktok", source=handle,
        native_id=native_id, url=url,
        author=Author(handle=handle, display_name=author.get("nickname"),
                      profile_url=urljoin(url, f"/@{handle}")),
        published_at=datetime.fromtimestamp(int(item["createTime"]), tz=UTC),
        collected_at=collected_at, text=str(item["desc"]),
        engagement=Engagement(views=stats.get("playCount"), likes=stats.get("diggCount"),
                              shares=stats.get("shareCount"),
                              comments=stats.get("commentCount")),
        crawl=CrawlInfo(spider=SPIDER, fetched_url=url),
    )

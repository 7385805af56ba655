"""Parse an mbasic-style public Facebook group or page feed: posts, their comments, next page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector

from crawlers.pages._common import (
    PageError,
    ParsedPage,
    open_page,
    parse_count,
    text_of,
)
from pipeline.records import Author, CrawlInfo, Engagement, RawPost, make_doc_id, utc_now

SPIDER = "facebook"
_HIDDEN = frozenset({"text_exposed_hide", "text_exposed_link"})


def parse_facebook(url: str, body: bytes | str, *, source: str | None = None,
                   encoding: str | None = None,
                   collected_at: datetime | None = None) -> ParsedPage:
    """Return the posts (and their comments, as posts) of a feed page and the next-page link.

    ``source`` is the group id or page name; by default it is read from the URL path.
    """
    page, sel = open_page(url, body, encoding, "#root, #objects_container",
                          "not an mbasic Facebook page: no #root container")
    if sel is None:
        return page
    source = source or _source_from_url(url)
    when = collected_at or utc_now()
    for article in sel.xpath("//div[@role='article'][not(@data-sigil='comment')]"):
        try:
            post = _post(url, source, article, when)
        except (PageError, ValueError, KeyError) as exc:
            page.errors.append(f"article {article.attrib.get('id', '?')}: {exc}")
            continue
        page.posts.append(post)
        for comment in article.css("div[data-sigil=comment]"):
            try:
                page.posts.append(_comment(url, source, post, comment, when))
            except (PageError, ValueError) as exc:
                page.errors.append(f"comment {comment.attrib.get('id', '?')}: {exc}")
    page.next_urls = [urljoin(url, h) for h in sel.css("#see_more_pager a::attr(href)").getall()]
    return page


def _source_from_url(url: str) -> str:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "groups":
        return parts[1]
    if parts:
        return parts[0]
    raise PageError(f"cannot tell the group or page from {url}")


def _utime(raw: str | None) -> datetime:
    if raw is None or not raw.isdigit():
        raise PageError(f"bad data-utime {raw!r}")
    return datetime.fromtimestamp(int(raw), tz=UTC)


def _author(url: str, link: Selector) -> Author:
    href = link.attrib.get("href", "")
    query = parse_qs(urlsplit(href).query)
    handle = query["id"][0] if "id" in query else href.strip("/").split("?")[0]
    if not handle:
        raise PageError("author link without a profile")
    return Author(handle=handle, display_name=link.css("::text").get(),
                  profile_url=urljoin(url, href))


def _post(url: str, source: str, article: Selector, collected_at: datetime) -> RawPost:
    ft = json.loads(article.attrib.get("data-ft", "{}"))
    native_id = str(ft["top_level_post_id"])
    author_link = article.css("header h3 strong a")
    if not author_link:
        raise PageError("no author link")
    paragraphs = article.css("div[data-ft*='*s'] p")
    text = "\n".join(text_of(p.root, _HIDDEN) for p in paragraphs)
    permalink = article.css("footer a::attr(href)").get() or url
    return RawPost(
        doc_id=make_doc_id("facebook", source, native_id), platform="facebook", source=source,
        native_id=native_id, url=urljoin(url, permalink), author=_author(url, author_link[0]),
        published_at=_utime(article.css("footer abbr::attr(data-utime)").get()),
        collected_at=collected_at, text=text,
        engagement=Engagement(
            likes=parse_count(article.css("footer .like_count::text").get()),
            comments=parse_count(article.css("footer a[href$='#comments']::text").get())),
        crawl=CrawlInfo(spider=SPIDER, fetched_url=url),
    )


def _comment(url: str, source: str, parent: RawPost, comment: Selector,
             collected_at: datetime) -> RawPost:
    native_id = comment.attrib.get("id", "").removeprefix("comment_")
    if not native_id:
        raise PageError("comment without id")
    body = comment.css("div.comment_body")
    if not body:
        raise PageError("comment without body")
    return RawPost(
        doc_id=make_doc_id("facebook", source, native_id), platform="facebook", source=source,
        native_id=native_id, url=f"{parent.url}#comment_{native_id}",
        author=_author(url, comment.css("h3 a")[0]),
        published_at=_utime(comment.css("abbr::attr(data-utime)").get()),
        collected_at=collected_at, text=text_of(body[0].root),
        crawl=CrawlInfo(spider=SPIDER, fetched_url=url),
    )

"""Parse a public Telegram channel preview (``/s/<channel>``, ``?before=<id>``)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from parsel import Selector

from crawlers.pages._common import (
    PageError,
    ParsedPage,
    open_page,
    parse_count,
    text_of,
)
from pipeline.records import Author, CrawlInfo, Engagement, RawPost, make_doc_id, utc_now

SPIDER = "telegram"


def parse_telegram(url: str, body: bytes | str, *, encoding: str | None = None,
                   collected_at: datetime | None = None) -> ParsedPage:
    """Return the messages of a channel preview page and the link to older messages."""
    page, sel = open_page(url, body, encoding,
                          "section.tgme_channel_history, div.tgme_channel_info",
                          "not a Telegram channel preview: no message history section")
    if sel is None:
        return page
    when = collected_at or utc_now()
    for message in sel.css("div.tgme_widget_message"):
        try:
            page.posts.append(_message(url, message, when))
        except (PageError, ValueError) as exc:
            post = message.attrib.get("data-post", "?")
            page.errors.append(f"message {post}: {exc}")
    older = sel.css("a.tme_messages_more[data-before]::attr(href)").getall()
    older += sel.css("link[rel=prev]::attr(href)").getall()
    for href in older:
        absolute = urljoin(url, href)
        if absolute not in page.next_urls:
            page.next_urls.append(absolute)
    return page


def _message(url: str, message: Selector, collected_at: datetime) -> RawPost:
    data_post = message.attrib.get("data-post", "")
    channel, _, native_id = data_post.partition("/")
    if not channel or not native_id.isdigit():
        raise PageError(f"bad data-post {data_post!r}")
    stamp = message.css("a.tgme_widget_message_date time::attr(datetime)").get()
    if stamp is None:
        raise PageError("no date")
    text_el = message.css("div.tgme_widget_message_bubble > div.tgme_widget_message_text")
    text = text_of(text_el[0].root) if text_el else ""
    if "\ufffd" in text:
        raise PageError("text holds replacement characters (wrong charset?)")
    href = message.css("a.tgme_widget_message_date::attr(href)").get()
    owner = message.css(".tgme_widget_message_owner_name span::text").get()
    meta_text = "".join(message.css("span.tgme_widget_message_meta::text").getall())
    return RawPost(
        doc_id=make_doc_id("telegram", channel, native_id), platform="telegram",
        source=channel, native_id=native_id,
        url=urljoin(url, href) if href else f"https://t.me/{data_post}",
        author=Author(handle=channel, display_name=owner, profile_url=f"https://t.me/{channel}"),
        published_at=datetime.fromisoformat(stamp), collected_at=collected_at, text=text,
        engagement=Engagement(views=parse_count(
            message.css("span.tgme_widget_message_views::text").get())),
        crawl=CrawlInfo(spider=SPIDER, fetched_url=url),
        edited=meta_text.strip().startswith("edited"),
    )

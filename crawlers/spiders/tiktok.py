"""Spider for TikTok profiles: profile pages list videos, each video page is one post."""

from __future__ import annotations

from crawlers.pages import parse_tiktok
from crawlers.spiders._base import SourceSpider


class TikTokSpider(SourceSpider):
    """Follows a profile's video links and its ``?cursor=`` pages."""

    name = "tiktok"
    parse_page = staticmethod(parse_tiktok)

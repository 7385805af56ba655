"""Spider for mbasic-style public Facebook groups and pages (``See more posts`` pager)."""

from __future__ import annotations

from typing import Any

from crawlers.pages import parse_facebook
from crawlers.spiders._base import SourceSpider


class FacebookSpider(SourceSpider):
    """Walks a group or page feed through its ``See more posts`` links."""

    name = "facebook"
    parse_page = staticmethod(parse_facebook)

    def parse_kwargs(self, response: Any) -> dict[str, Any]:
        """The group id or page name comes from the watchlist, not from the URL."""
        return {"source": response.meta["source_id"]}

"""Spider for public Telegram channel previews (``/s/<channel>``, older pages by ``?before=``)."""

from __future__ import annotations

from crawlers.pages import parse_telegram
from crawlers.spiders._base import SourceSpider


class TelegramSpider(SourceSpider):
    """Walks a channel preview backwards through its ``?before=`` pages."""

    name = "telegram"
    parse_page = staticmethod(parse_telegram)

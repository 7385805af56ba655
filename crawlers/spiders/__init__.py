"""Spiders, one per platform: navigation only; parsing lives in :mod:`crawlers.pages`."""

from crawlers.spiders._base import SourceSpider
from crawlers.spiders.facebook import FacebookSpider
from crawlers.spiders.telegram import TelegramSpider
from crawlers.spiders.tiktok import TikTokSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    "telegram": TelegramSpider, "facebook": FacebookSpider, "tiktok": TikTokSpider,
}

__all__ = ["SPIDERS", "FacebookSpider", "SourceSpider", "TelegramSpider", "TikTokSpider"]

"""Pure page parsers: one response in, posts, next-page URLs and errors out."""

from crawlers.pages._common import (
    PageError,
    ParsedPage,
    decode_body,
    header_charset,
    parse_count,
    text_of,
)
from crawlers.pages.facebook import parse_facebook
from crawlers.pages.telegram import parse_telegram
from crawlers.pages.tiktok import parse_tiktok

__all__ = ["PageError", "ParsedPage", "decode_body", "header_charset", "parse_count",
           "parse_facebook", "parse_telegram", "parse_tiktok", "text_of"]

"""What every page parser shares: the ParsedPage result, decoding, text with line breaks.

Parsers are pure: one URL and its bytes in, posts, next-page URLs and errors out. They
never raise on bad pages; problems land in :attr:`ParsedPage.errors` so that the crawl can
turn the page into a DeadLetter with its original bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

from pipeline.records import RawPost

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_COUNT = re.compile(r"^\s*([\d.,]+)\s*([KkMm]?)")


@dataclass
class ParsedPage:
    """The result of parsing one page."""

    url: str
    posts: list[RawPost] = field(default_factory=list)
    next_urls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the page parsed without any error."""
        return not self.errors


class PageError(ValueError):
    """A page (or one post on it) does not have the shape its parser expects."""


def header_charset(content_type: bytes | str | None) -> str | None:
    """Return the ``charset`` of a ``Content-Type`` header value, if it names one."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    for part in (content_type or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return None


def decode_body(body: bytes | str, encoding: str | None = None) -> str:
    """Return the text of ``body`` in its declared encoding; raise PageError if it lies.

    The header encoding wins, then a ``<meta charset>``, then UTF-8. Bytes that are not
    valid in the declared encoding (latin-1 pages declared UTF-8) are an error, not a guess.
    """
    if isinstance(body, str):
        return body
    if encoding is None:
        match = _META_CHARSET.search(body[:4096])
        encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise PageError(f"page is not valid {encoding}: {exc}") from exc


def text_of(element: Any, skip_classes: frozenset[str] = frozenset()) -> str:
    """Return the text of an lxml element, ``<br>`` as newlines, skipping some classes."""
    out: list[str] = []

    def walk(el: Any) -> None:
        if not isinstance(el.tag, str):  # comments and processing instructions
            return
        classes = set((el.get("class") or "").split())
        if classes & skip_classes:
            return
        if el.tag == "br":
            out.append("\n")
        elif el.text:
            out.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                out.append(child.tail)

    walk(element)
    return "".join(out)


def parse_count(label: str | None) -> int | None:
    """Return the number in a counter label: ``"1.2K"`` → 1200, ``"7714 reactions"`` → 7714."""
    if not label:
        return None
    match = _COUNT.match(label)
    if not match:
        return None
    digits, suffix = match.groups()
    scale = {"": 1, "k": 1000, "m": 1_000_000}[suffix.lower()]
    if suffix:
        return int(round(float(digits.replace(",", ".")) * scale))
    return int(digits.replace(",", "").replace(".", ""))


def open_page(
    url: str, body: bytes | str, encoding: str | None, required_css: str, missing: str
) -> tuple[ParsedPage, Selector | None]:
    """Decode ``body`` as HTML; the selector is None (and the error recorded) when it cannot
    be decoded or lacks ``required_css``, the mark of the page kind being parsed."""
    page = ParsedPage(url=url)
    try:
        sel = Selector(text=decode_body(body, encoding), type="html")
    except PageError as exc:
        page.errors.append(str(exc))
        return page, None
    if not sel.css(required_css):
        page.errors.append(missing)
        return page, None
    return page, sel

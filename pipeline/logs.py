"""Logging set-up for the commands: one handler whose level holds whatever libraries do."""

from __future__ import annotations

import logging


def configure_logging(verbose: bool = False) -> None:
    """Log WARNING and above (INFO with ``verbose``) to stderr, with the logger's name.

    Scrapy lowers the root logger to DEBUG when a crawl starts; the level is therefore set on
    the handler as well, so a crawl does not flood the terminal.
    """
    level = logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler()
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)

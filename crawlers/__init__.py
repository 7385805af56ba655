"""Centinela crawlers package."""

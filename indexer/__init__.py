"""Centinela indexer package."""

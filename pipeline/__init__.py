"""Centinela pipeline package."""

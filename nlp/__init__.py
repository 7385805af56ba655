"""Centinela nlp package."""

"""Fixtures for the service integration tests: the reusable ``tests.real_services`` plugin."""


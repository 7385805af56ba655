"""Fixtures for the service integration tests: the reusable ``tests.real_services`` plugin."""

from tests.real_services import *  # noqa: F403 - fixtures are found by name

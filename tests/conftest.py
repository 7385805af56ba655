"""Test-wide plugins: the real Kafka and Elasticsearch session fixtures."""

pytest_plugins = ["tests.real_services"]

"""client_from_settings builds the client the indexer uses (no request is sent)."""

from __future__ import annotations

import base64

from pydantic import SecretStr

from indexer.elastic import client_from_settings
from pipeline.settings import ElasticsearchSettings


def test_client_uses_the_settings_url_and_basic_auth() -> None:
    settings = ElasticsearchSettings(
        url="http://127.0.0.1:9299", username="analyst", password=SecretStr("s3cret-demo")
    )
    client = client_from_settings(settings)
    connection = client.transport.connection_pool.connections[0]
    assert connection.host == "http://127.0.0.1:9299"
    expected = base64.b64encode(b"analyst:s3cret-demo").decode("ascii")
    assert connection.headers["authorization"] == f"Basic {expected}"
    assert client.transport.max_retries == 0  # the sink owns retries
    client.close()


def test_client_without_username_sends_no_credentials() -> None:
    client = client_from_settings(ElasticsearchSettings(url="http://127.0.0.1:9299"))
    assert "authorization" not in client.transport.connection_pool.connections[0].headers
    client.close()

"""Build the Elasticsearch client from settings; everything else takes the client injected."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from pipeline.settings import ElasticsearchSettings

DEFAULT_TIMEOUT_S = 30.0


def client_from_settings(
    settings: ElasticsearchSettings, *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> Elasticsearch:
    """Return a client for ``settings.url`` (with basic auth when a username is set).

    The client does not retry by itself: ``ElasticsearchSink`` owns retries, with backoff
    and jitter, so a busy cluster is not hammered by two retry loops at once.
    """
    auth: tuple[str, str] | None = None
    if settings.username:
        password = settings.password.get_secret_value() if settings.password else ""
        auth = (settings.username, password)
    return Elasticsearch(
        hosts=[settings.url],
        http_auth=auth,
        timeout=timeout_s,
        max_retries=0,
        retry_on_timeout=False,
    )

"""The fixture server over real HTTP: static pages, and misbehaviour from the manifest."""

from __future__ import annotations

import http.client
import time
from pathlib import Path
from urllib.parse import urlsplit

from crawlers.fixture_server import FixtureServer


def _get(server: FixtureServer, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_base_url_is_loopback_with_a_free_port(server: FixtureServer) -> None:
    parts = urlsplit(server.base_url)
    assert parts.hostname == "127.0.0.1" and parts.port == server.port and server.port > 0


def test_pages_with_and_without_query(server: FixtureServer, sites_dir: Path) -> None:
    status, headers, body = _get(server, "/s/passage_uk_calais")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert body == (sites_dir / "s/passage_uk_calais/index.html").read_bytes()
    older = next((sites_dir / "s/passage_uk_calais").glob("_q_before=*.html"))
    status, _, body = _get(server, "/s/passage_uk_calais?" + older.name[3:-5])
    assert status == 200 and body == older.read_bytes()


def test_robots_and_not_found(server: FixtureServer) -> None:
    status, _, body = _get(server, "/robots.txt")
    assert status == 200 and b"Disallow: /@privado.cuenta" in body
    assert _get(server, "/s/no_such_channel")[0] == 404
    assert _get(server, "/_server.json")[0] == 404
    assert _get(server, "/../../pyproject.toml")[0] == 404


def test_manifest_routes(server: FixtureServer) -> None:
    assert _get(server, "/bad/5xx")[0] == 503
    status, headers, _ = _get(server, "/bad/loop-a")
    assert status == 302 and headers["location"] == "/bad/loop-b"
    status, headers, _ = _get(server, "/bad/429")
    assert status == 429 and headers["retry-after"] == "1"
    status, _, body = _get(server, "/bad/big")
    assert status == 200 and len(body) >= 5 * 1024 * 1024 and body.rstrip().endswith(b"</html>")


def test_slow_route_waits(server: FixtureServer) -> None:
    started = time.monotonic()
    status, _, _ = _get(server, "/bad/slow")
    assert status == 200 and time.monotonic() - started >= 1.4


def test_stop_closes_the_port(sites_dir: Path) -> None:
    srv = FixtureServer(sites_dir)
    port = srv.port
    srv.stop()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/robots.txt")
        raise AssertionError("server still answering after stop()")
    except OSError:
        pass
    finally:
        conn.close()

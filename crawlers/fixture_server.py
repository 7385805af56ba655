"""Serve the fixture sites over real HTTP on loopback, misbehaving where the manifest says.

Static pages are files laid out by :func:`crawlers.sitegen.url_to_file`. Routes listed in
``_server.json`` (see :mod:`crawlers.sitegen.bad`) may set ``status``, ``headers``, ``body``,
``location`` (a redirect), ``delay_s`` (a slow response) or ``pad_to_bytes`` (a huge page).

    with FixtureServer(Path("fixtures/sites")) as server:
        print(server.base_url)

``python -m crawlers.fixture_server --port 8800`` serves the sites for manual use.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from crawlers.sitegen.bad import MANIFEST
from crawlers.sitegen.render import url_to_file

DEFAULT_SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites"
_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
          ".json": "application/json", ".jsonl": "application/x-ndjson"}


class _Handler(BaseHTTPRequestHandler):
    server: _SitesHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        time.sleep(self.server.delay_s)
        parts = urlsplit(self.path)
        route = self.server.routes.get(parts.path)
        if route is not None and (parts.query == "" or route.get("any_query")):
            self._serve_route(parts.path, route)
            return
        self._serve_file(url_to_file(parts.path, parts.query))

    def _serve_route(self, path: str, route: dict[str, Any]) -> None:
        time.sleep(float(route.get("delay_s", 0)))
        if "status" in route:
            headers = dict(route.get("headers", {}))
            if "location" in route:
                headers["Location"] = route["location"]
            self._send(int(route["status"]), str(route.get("body", "")).encode(), headers)
            return
        body = self._read(url_to_file(path))
        if body is None:
            self._send(404, b"not found", {})
            return
        pad = int(route.get("pad_to_bytes", 0)) - len(body)
        if pad > 0:  # a comment before </body> keeps the page valid HTML
            body = body.replace(b"</body>", b"<!--" + b"x" * pad + b"--></body>", 1)
        self._send(200, body, {"Content-Type": _TYPES[".html"]})

    def _serve_file(self, rel: str) -> None:
        body = self._read(rel)
        if body is None:
            self._send(404, b"<html><body>Page not found</body></html>", {})
            return
        suffix = Path(rel).suffix
        self._send(200, body, {"Content-Type": _TYPES.get(suffix, "application/octet-stream")})

    def _read(self, rel: str) -> bytes | None:
        root = self.server.root
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or not path.is_file() or path.name == MANIFEST:
            return None
        return path.read_bytes()

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", _TYPES[".html"])
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # client gave up (too large, timeout)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        if self.server.verbose:
            super().log_message(format, *args)


class _SitesHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr: tuple[str, int], root: Path, verbose: bool,
                 delay_s: float = 0.0) -> None:
        super().__init__(addr, _Handler)
        self.root = root
        self.verbose = verbose
        self.delay_s = delay_s
        manifest = root / MANIFEST
        data = json.loads(manifest.read_text()) if manifest.is_file() else {}
        self.routes: dict[str, dict[str, Any]] = data.get("routes", {})

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up (a killed or timed-out crawl); log the rest."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FixtureServer:
    """A fixture-sites HTTP server on 127.0.0.1 in a background thread (port 0 = any free).

    ``delay_s`` slows every response down (a remote site's latency, or time to kill a crawl).
    """

    def __init__(self, sites: Path = DEFAULT_SITES, port: int = 0, verbose: bool = False,
                 delay_s: float = 0.0) -> None:
        self._httpd = _SitesHTTPServer(("127.0.0.1", port), sites.resolve(), verbose, delay_s)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fixture-server",
                                        daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FixtureServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Serve the fixture sites until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.fixture_server")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--sites", type=Path, default=DEFAULT_SITES)
    args = parser.parse_args(argv)
    server = FixtureServer(args.sites, args.port, verbose=True)
    print(f"serving {args.sites} at {server.base_url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``centinela kibana import`` against a tiny real HTTP server on loopback.

Kibana cannot run here, so the server stands in for it at the network seam: it records the
request as received over TCP and answers the way Kibana 7.10's ``_import`` API does.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from pipeline.kibana import (
    DEFAULT_SAVED_OBJECTS,
    KibanaImportError,
    import_saved_objects,
    register,
)

OK = {"success": True, "successCount": 10}


@dataclass
class FakeKibana:
    """Loopback server; ``answer`` is the (status, JSON body) the next request gets."""

    url: str
    answer: tuple[int, Any] = (200, OK)
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def kibana() -> Iterator[FakeKibana]:
    state = FakeKibana(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {key.lower(): value for key, value in self.headers.items()}
            state.requests.append({"path": self.path, "headers": headers, "body": body})
            status, payload = state.answer
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


def _file_part(request: dict[str, Any]) -> tuple[str | None, bytes]:
    head = f"Content-Type: {request['headers']['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request["body"])
    (part,) = list(message.iter_parts())
    assert part.get_param("name", header="content-disposition") == "file"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return part.get_filename(), payload


def test_import_posts_the_ndjson_as_multipart_with_xsrf_and_auth(kibana: FakeKibana) -> None:
    result = import_saved_objects(kibana.url + "/", DEFAULT_SAVED_OBJECTS, "elastic", "s3cret")
    assert result.success and result.success_count == 10 and result.errors == []
    (request,) = kibana.requests
    assert request["path"] == "/api/saved_objects/_import?overwrite=true"
    assert request["headers"]["kbn-xsrf"] == "true"
    expected = base64.b64encode(b"elastic:s3cret").decode()
    assert request["headers"]["authorization"] == f"Basic {expected}"
    filename, payload = _file_part(request)
    assert filename == "saved_objects.ndjson"
    assert payload == DEFAULT_SAVED_OBJECTS.read_bytes()


def test_without_a_user_no_authorization_header_is_sent(kibana: FakeKibana) -> None:
    import_saved_objects(kibana.url, DEFAULT_SAVED_OBJECTS)
    assert "authorization" not in kibana.requests[0]["headers"]


def test_per_object_errors_are_reported(kibana: FakeKibana) -> None:
    problem = {"id": "centinela-overview", "type": "dashboard",
               "error": {"type": "missing_references"}}
    kibana.answer = (200, {"success": False, "successCount": 9, "errors": [problem]})
    result = import_saved_objects(kibana.url, DEFAULT_SAVED_OBJECTS)
    assert not result.success
    assert result.success_count == 9
    assert result.errors == [problem]


def test_http_errors_become_a_clear_error(kibana: FakeKibana) -> None:
    kibana.answer = (401, {"statusCode": 401, "message": "Unauthorized"})
    with pytest.raises(KibanaImportError, match="401.*Unauthorized"):
        import_saved_objects(kibana.url, DEFAULT_SAVED_OBJECTS, "elastic", "wrong")


def test_bad_inputs_fail_before_any_request(kibana: FakeKibana, tmp_path: Path) -> None:
    empty = tmp_path / "empty.ndjson"
    empty.write_text(" \n", encoding="utf-8")
    with pytest.raises(KibanaImportError, match="empty"):
        import_saved_objects(kibana.url, empty)
    with pytest.raises(KibanaImportError, match="http"):
        import_saved_objects("localhost:5601", DEFAULT_SAVED_OBJECTS)
    assert kibana.requests == []


def test_unreachable_kibana_is_a_clear_error(kibana: FakeKibana) -> None:
    closed = kibana.url.rsplit(":", 1)[0] + ":9"  # discard port: nothing listens there
    with pytest.raises(KibanaImportError, match="cannot reach Kibana"):
        import_saved_objects(closed, DEFAULT_SAVED_OBJECTS, timeout_s=5)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test root."""

    register(app)
    return app


def test_cli_imports_and_reports(kibana: FakeKibana) -> None:
    result = CliRunner().invoke(_app(), ["kibana", "import", "--url", kibana.url,
                                         "--username", "elastic", "--password", "pw"])
    assert result.exit_code == 0, result.output
    assert f"10 objects imported into {kibana.url}" in result.output
    assert len(kibana.requests) == 1


def test_cli_exit_codes_on_failures(kibana: FakeKibana) -> None:
    problem = {"id": "x", "type": "search", "error": {"type": "conflict"}}
    kibana.answer = (200, {"success": False, "successCount": 0, "errors": [problem]})
    failed = CliRunner().invoke(_app(), ["kibana", "import", "--url", kibana.url])
    assert failed.exit_code == 1
    kibana.answer = (500, {"message": "boom"})
    broken = CliRunner().invoke(_app(), ["kibana", "import", "--url", kibana.url])
    assert broken.exit_code == 2


def test_cli_help_has_the_example() -> None:
    result = CliRunner().invoke(_app(), ["kibana", "import", "--help"])
    assert result.exit_code == 0
    assert "Example: centinela kibana import" in result.output

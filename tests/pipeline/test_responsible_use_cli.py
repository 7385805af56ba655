"""Responsible use through the real CLI: hashed contacts, retention purge, the export audit log.

Every command runs as a user runs it (``python -m pipeline.cli`` in a subprocess) against a
temporary data dir; the numbers are the fixture sites' invented ones and +1 555-01xx.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from indexer.embedded import EmbeddedStore
from indexer.privacy import ContactPrivacy
from indexer.query import SearchQuery
from pipeline.records import EnrichedPost, utc_now
from tests.indexer.privacy_posts import KEY, PHONE, PHONE_DIGITS, phone_ad, spanned

ROOT = Path(__file__).resolve().parents[2]
HASH_ENV = {"CENTINELA_PRIVACY__CONTACTS": "hash", "CENTINELA_PRIVACY__HASH_KEY": KEY.decode()}
WATCHED = "528990107323"  # a fixture-site WhatsApp number, in six posts

pytestmark = pytest.mark.timeout(300)


def _cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "CENTINELA_PATHS__DATA_DIR": str(data_dir), **env}
    full.pop("CENTINELA_SMTP__HOST", None)
    for name in ("CENTINELA_PRIVACY__CONTACTS", "CENTINELA_PRIVACY__RETENTION_DAYS"):
        if name not in env:
            full.pop(name, None)
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True,
                          text=True, timeout=240, env=full, cwd=ROOT)


def _audit(data_dir: Path) -> list[dict[str, object]]:
    path = data_dir / "audit" / "exports.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _fixture_numbers() -> dict[str, list[str]]:
    """Every wa.me number written in the fixture sites, with the posts that write it."""
    numbers: dict[str, list[str]] = {}
    for line in (ROOT / "fixtures/sites/expected_posts.jsonl").read_text().splitlines():
        post = json.loads(line)
        for number in re.findall(r"wa\.me/(\d+)", post["text"]):
            numbers.setdefault(number, []).append(post["doc_id"])
    return numbers


@pytest.fixture(scope="module")
def hash_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`centinela run` with privacy.contacts = hash, into a fresh data dir."""
    data_dir = tmp_path_factory.mktemp("hashed")
    done = _cli(data_dir, "run", "--quiet", **HASH_ENV)
    assert done.returncode == 0, done.stderr[-3000:]
    return data_dir


@pytest.mark.integration
def test_hash_run_stores_no_number_yet_finds_posts_by_it(hash_run: Path) -> None:
    numbers = _fixture_numbers()
    assert len(numbers) > 100 and len(numbers[WATCHED]) == 6
    files = b"".join(p.read_bytes() for p in hash_run.glob("*.sqlite3*"))
    emails = [message_from_bytes(p.read_bytes(), policy=policy.default)
              for p in (hash_run / "outbox").glob("*.eml")]
    assert emails
    bodies = "\n".join(str(part.get_content()) for email in emails for part in email.walk()
                       if part.get_content_maintype() == "text")
    for number in numbers:
        national = number[-8:].encode()
        assert national not in files, number
        assert number[-8:] not in bodies, number
    done = _cli(hash_run, "search", "--contact", "+52 899 010 7323", "--json", "--limit", "50",
                **HASH_ENV)
    assert done.returncode == 0, done.stderr
    found = [EnrichedPost.model_validate_json(line) for line in done.stdout.splitlines()]
    assert {post.doc_id for post in found} == set(numbers[WATCHED])
    token = ContactPrivacy("hash", KEY).token("+" + WATCHED)
    assert all(token in {c.value for c in post.nlp.contacts} for post in found)
    assert WATCHED not in done.stdout
    line = _audit(hash_run)[-1]
    assert line["query"] == {"contact": token, "limit": 50} and line["results"] == 6
    printed = _cli(hash_run, "privacy", "token", "+52 (899) 010-7323", **HASH_ENV)
    assert printed.stdout.strip() == token


@pytest.mark.integration
def test_a_clear_store_is_not_reused_under_hash(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "centinela.sqlite3", ContactPrivacy()) as store:
        store.add([phone_ad()])
    done = _cli(tmp_path, "run", "--quiet", **HASH_ENV)
    assert done.returncode == 2
    assert "keeps contacts as 'clear'" in " ".join(done.stdout.split())


def _store_with(data_dir: Path, posts: list[EnrichedPost]) -> None:
    with EmbeddedStore(data_dir / "centinela.sqlite3", ContactPrivacy()) as store:
        store.add(posts)


def _aged(name: str, days: int, now: datetime) -> EnrichedPost:
    moment = now - timedelta(days=days)
    return spanned(name, f"Cruce por Reynosa {name}", published=moment, collected=moment)


def _native_ids(data_dir: Path) -> list[str]:
    with EmbeddedStore(data_dir / "centinela.sqlite3", ContactPrivacy()) as store:
        return sorted(hit.post.native_id for hit in store.search(SearchQuery(limit=100)))


def test_purge_removes_exactly_the_old_posts(tmp_path: Path) -> None:
    now = utc_now()
    _store_with(tmp_path, [_aged("antiguo", 400, now), _aged("mes", 45, now),
                           _aged("semana", 7, now), _aged("hoy", 0, now)])
    off = _cli(tmp_path, "purge")
    assert off.returncode == 0 and "retention is off" in off.stdout
    dry = _cli(tmp_path, "purge", "--dry-run", "--days", "30")
    assert dry.returncode == 0, dry.stderr
    assert "would delete 2 of 4 post(s), 2 kept" in dry.stdout and "[dry run]" in dry.stdout
    assert _native_ids(tmp_path) == ["antiguo", "hoy", "mes", "semana"]
    done = _cli(tmp_path, "purge", CENTINELA_PRIVACY__RETENTION_DAYS="30")
    assert done.returncode == 0, done.stderr
    assert "retention 30 day(s)" in done.stdout and "deleted 2 of 4 post(s)" in done.stdout
    assert _native_ids(tmp_path) == ["hoy", "semana"]


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    """A data dir with a clear store of one ad (+1 202 555 0142)."""
    _store_with(tmp_path, [phone_ad()])
    yield tmp_path


def test_every_search_output_is_audited_first(store_dir: Path) -> None:
    before = utc_now()
    done = _cli(store_dir, "search", "reynosa", "--contact", PHONE, "--json")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    (line,) = _audit(store_dir)
    assert line["command"] == "search" and line["results"] == 1 and line["format"] == "json"
    assert line["query"] == {"text": "reynosa", "contact": PHONE, "limit": 20}
    assert str(line["destination"]).startswith("stdout")
    assert line["store"] == f"embedded:{store_dir / 'centinela.sqlite3'}"
    assert datetime.fromisoformat(str(line["at"])) >= before
    assert line["user"] and isinstance(line["uid"], int) and line["host"]
    out = store_dir / "export.jsonl"
    table = _cli(store_dir, "search", "nada-de-nada")
    written = _cli(store_dir, "search", "reynosa", "--json", "--output", str(out))
    assert table.returncode == written.returncode == 0
    assert len(out.read_text().splitlines()) == 1
    lines = _audit(store_dir)
    assert [(x["format"], x["results"]) for x in lines] == [("json", 1), ("table", 0), ("json", 1)]
    assert lines[-1]["destination"] == str(out.resolve())


def test_hashed_search_logs_the_token_not_the_number(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "centinela.sqlite3", ContactPrivacy("hash", KEY)) as store:
        store.add([phone_ad()])
    done = _cli(tmp_path, "search", "--contact", "+1 202 555 0142", "--json", **HASH_ENV)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 1
    assert PHONE_DIGITS not in (tmp_path / "audit" / "exports.jsonl").read_text()
    assert _audit(tmp_path)[0]["query"] == {"contact": ContactPrivacy("hash", KEY).token(PHONE),
                                            "limit": 20}


@pytest.mark.parametrize("blocker", ["audit-is-a-file", "log-is-a-directory", "read-only-dir"])
def test_an_unwritable_audit_log_fails_the_export(store_dir: Path, blocker: str) -> None:
    audit = store_dir / "audit"
    if blocker == "audit-is-a-file":
        audit.write_text("not a directory")
    elif blocker == "log-is-a-directory":
        (audit / "exports.jsonl").mkdir(parents=True)
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only directories")
        audit.mkdir()
        audit.chmod(0o500)
    out = store_dir / "export.jsonl"
    for args in (["--json"], ["--json", "--output", str(out)], []):
        done = _cli(store_dir, "search", "reynosa", *args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert done.stdout == "" and not out.exists()
        message = " ".join(done.stderr.split())
        assert "cannot write the export audit log" in message and "nothing was exported" in message

"""Throttle, digest, retries with backoff, interrupted sends, the outbox and first posts."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from indexer.alerts import (
    AlertEngine,
    DeliveryError,
    Mailer,
    OutboxMailer,
    Rule,
    SmtpMailer,
    mailer_from_settings,
)
from pipeline.records import EnrichedPost
from pipeline.settings import PathsSettings, Settings, SmtpSettings
from tests.alerts.conftest import Clock, SmtpServer
from tests.indexer.posts import enriched, place


def _post(native_id: str, *, handle: str = "viajes_demo") -> EnrichedPost:
    return enriched(native_id, f"Cruce por Reynosa, salida {native_id}", handle=handle,
                    places=(place("Reynosa", "crossing"),))


def _rule(**pacing: int) -> Rule:
    return Rule(name="Reynosa", recipients=("a@example.org",),
                condition={"places": ["Reynosa"]}, **pacing)


class FailingFirst:
    """Wraps a real mailer and fails its first ``failures`` calls (to prove retries)."""

    def __init__(self, inner: Mailer, failures: int) -> None:
        self.inner = inner
        self.failures = failures
        self.calls = 0

    def send(self, message: EmailMessage) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise DeliveryError(f"injected failure {self.calls}")
        self.inner.send(message)


def _engine(
    server: SmtpServer, tmp_path: Path, rules: list[Rule], clock: Clock,
    mailer: Mailer | None = None,
) -> AlertEngine:
    settings = server.settings()
    return AlertEngine(
        rules, tmp_path / "state.sqlite3", mailer or SmtpMailer(settings.smtp),
        settings=settings, clock=clock, retry_base_s=60, retry_max_s=100,
    )


def _doc_ids(server: SmtpServer) -> list[list[str]]:
    return [str(m.message["X-Centinela-Doc-Ids"]).split() for m in server.inbox.messages]


def test_throttle_sends_first_then_batches_new_posts(
    smtp_server: SmtpServer, tmp_path: Path, clock: Clock
) -> None:
    a, b, c, d = (_post(n) for n in "abcd")
    with _engine(smtp_server, tmp_path, [_rule(throttle_minutes=30)], clock) as engine:
        assert [r.doc_ids for r in engine.process([a])] == [(a.doc_id,)]
        clock.advance(minutes=5)
        assert engine.process([b, c]) == []                       # throttled: queued
        clock.advance(minutes=5)
        assert engine.process([a, b]) == []                       # nothing new
        clock.advance(minutes=21)                                 # 31 min after the first
        batched = engine.process([])
        assert [set(r.doc_ids) for r in batched] == [{b.doc_id, c.doc_id}]
        clock.advance(minutes=5)
        assert engine.process([d]) == []                          # window restarted
        clock.advance(minutes=40)
        assert [r.doc_ids for r in engine.flush_due()] == [(d.doc_id,)]
    assert [sorted(ids) for ids in _doc_ids(smtp_server)] == [
        [a.doc_id], sorted([b.doc_id, c.doc_id]), [d.doc_id]
    ]


def test_digest_collects_for_its_window(
    smtp_server: SmtpServer, tmp_path: Path, clock: Clock
) -> None:
    a, b, c = (_post(n) for n in "abc")
    with _engine(smtp_server, tmp_path, [_rule(digest_minutes=60)], clock) as engine:
        assert engine.process([a]) == []
        clock.advance(minutes=30)
        assert engine.process([b]) == []
        assert engine.flush_due() == []
        clock.advance(minutes=31)
        (record,) = engine.flush_due()
        assert record.subject == "[Centinela] Reynosa: 2 new posts"
        assert engine.process([c]) == []
    # a restart keeps the waiting match; the end of a run flushes it
    with _engine(smtp_server, tmp_path, [_rule(digest_minutes=60)], clock) as engine:
        assert engine.process([a, b, c]) == []
        assert engine.flush_all_digests() == 1
    assert _doc_ids(smtp_server) == [[a.doc_id, b.doc_id], [c.doc_id]]


def test_failures_are_retried_with_capped_backoff_and_recorded(
    smtp_server: SmtpServer, tmp_path: Path, clock: Clock
) -> None:
    settings = smtp_server.settings()
    mailer = FailingFirst(SmtpMailer(settings.smtp), failures=2)
    with _engine(smtp_server, tmp_path, [_rule()], clock, mailer) as engine:
        (first,) = engine.process([_post("a")])
        assert (first.status, first.attempts) == ("retrying", 1)
        assert "injected failure 1" in (first.error or "")
        clock.advance(seconds=59)
        assert engine.flush_due() == []                           # backoff 60 s
        clock.advance(seconds=1)
        assert [(r.status, r.attempts) for r in engine.flush_due()] == [("retrying", 2)]
        clock.advance(seconds=99)
        assert engine.flush_due() == []                           # 120 s capped to 100 s
        clock.advance(seconds=1)
        assert [(r.status, r.attempts) for r in engine.flush_due()] == [("sent", 3)]
        (delivery,) = engine.state.deliveries()
        assert (delivery["status"], delivery["attempts"]) == ("sent", 3)
        assert delivery["last_error"] == "DeliveryError: injected failure 2"
    assert len(smtp_server.inbox.messages) == 1


def test_a_dead_server_gives_up_after_max_attempts(tmp_path: Path, clock: Clock) -> None:
    with socket.socket() as probe:                                # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(smtp=SmtpSettings(host="127.0.0.1", port=port, max_attempts=2))
    engine = AlertEngine([_rule()], tmp_path / "state.sqlite3", SmtpMailer(settings.smtp),
                         settings=settings, clock=clock, retry_base_s=1)
    with engine:
        (first,) = engine.process([_post("a")])
        assert first.status == "retrying" and "SMTP 127.0.0.1" in (first.error or "")
        clock.advance(seconds=2)
        assert [r.status for r in engine.flush_due()] == ["failed"]
        clock.advance(hours=1)
        assert engine.flush_due() == []
        assert engine.process([_post("a")]) == []                 # never re-queued


class Crash(BaseException):
    """Stands for the process dying in the middle of an SMTP conversation."""


class CrashingMailer:
    def send(self, message: EmailMessage) -> None:
        raise Crash


def test_an_email_interrupted_mid_send_is_not_resent(
    smtp_server: SmtpServer, tmp_path: Path, clock: Clock
) -> None:
    with (
        _engine(smtp_server, tmp_path, [_rule()], clock, CrashingMailer()) as crashing,
        pytest.raises(Crash),
    ):
        crashing.process([_post("a")])
    with _engine(smtp_server, tmp_path, [_rule()], clock) as engine:
        assert engine.state.interrupted == 1
        assert engine.process([_post("a")]) == []
        assert engine.flush_due(clock.advance(days=1)) == []
        assert [d["status"] for d in engine.state.deliveries()] == ["unknown"]
    assert smtp_server.inbox.messages == []


def test_first_post_by_author(smtp_server: SmtpServer, tmp_path: Path, clock: Clock) -> None:
    rule = Rule(name="New account", recipients=("a@example.org",),
                condition={"first_post_by_author": True})
    older, newer = _post("1", handle="nueva"), _post("2", handle="nueva")
    newer = newer.model_copy(update={"published_at": older.published_at + timedelta(hours=1)})
    with _engine(smtp_server, tmp_path, [rule], clock) as engine:
        records = engine.process([newer, older])                  # ordered by published_at
        assert [r.doc_ids for r in records] == [(older.doc_id,)]
        assert engine.process([_post("3", handle="nueva")]) == []
        assert len(engine.process([_post("4", handle="otra")])) == 1


def test_outbox_mailer_writes_eml_files(tmp_path: Path, clock: Clock) -> None:
    settings = Settings(paths=PathsSettings(data_dir=tmp_path / "var"))
    mailer = mailer_from_settings(settings)
    assert isinstance(mailer, OutboxMailer)
    with AlertEngine([_rule()], tmp_path / "state.sqlite3", mailer, settings=settings,
                     clock=clock) as engine:
        assert len(engine.process([_post("a"), _post("b")])) == 2
    files = sorted((tmp_path / "var" / "outbox").glob("*.eml"))
    assert len(files) == 2
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert str(parsed["Subject"]) == "[Centinela] Reynosa: 1 new post"
    smtp = Settings(smtp=SmtpSettings(host="127.0.0.1"))
    assert isinstance(mailer_from_settings(smtp), SmtpMailer)

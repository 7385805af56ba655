"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and a test clock."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pipeline.settings import KibanaSettings, Settings, SmtpSettings

KIBANA = "http://kibana.test:5601"


@dataclass
class Received:
    """One email as the server saw it: envelope and parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: bytes | None = None


@dataclass
class Inbox:
    """What the SMTP server received, in order (filled from the server's thread)."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(Received(
                envelope.mail_from, list(envelope.rcpt_tos), parsed,
                getattr(getattr(session, "auth_data", None), "login", None),
            ))
        return "250 OK"


class _EphemeralController(Controller):
    """aiosmtpd's Controller bound to port 0: learns the real port before its first connect."""

    def _trigger_server(self) -> None:
        server = self.server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


@dataclass
class SmtpServer:
    """The running server: where to connect and what arrived."""

    host: str
    port: int
    inbox: Inbox

    def settings(self, **smtp: Any) -> Settings:
        """Return settings pointing the SMTP mailer and Kibana links at the test services."""
        values: dict[str, Any] = {
            "host": self.host, "port": self.port, "sender": "centinela@example.org",
            "max_attempts": 3,
        }
        values.update(smtp)
        return Settings(smtp=SmtpSettings(**values), kibana=KibanaSettings(url=KIBANA))


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Start aiosmtpd on 127.0.0.1, port 0; stop it after the test."""
    inbox = Inbox()
    controller = _EphemeralController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, inbox)
    finally:
        controller.stop()


class Clock:
    """A settable clock for the engine: ``clock.advance(minutes=31)``."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    """A clock starting at 2026-03-01 12:00 UTC."""
    return Clock()


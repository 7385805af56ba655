"""Where alert emails go: an outbox folder of ``.eml`` files, or a real SMTP server.

Both are ``Mailer``s (one method, ``send``); the engine takes one in its constructor, so tests
hand it a real SMTP server on loopback and ``centinela run`` the outbox unless SMTP is set.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from indexer.alerts.errors import DeliveryError
from pipeline.records import utc_now
from pipeline.settings import Settings, SmtpSettings

log = logging.getLogger(__name__)


class Mailer(Protocol):
    """Hands one email over for delivery, or raises."""

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` to its ``To`` recipients; raise ``DeliveryError`` on failure."""
        ...


class OutboxMailer:
    """Writes each email as an ``.eml`` file in a folder (embedded mode without SMTP)."""

    def __init__(self, directory: Path) -> None:
        """Use ``directory`` (created if missing) as the outbox."""
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        """Write ``message`` atomically as ``<UTC time>-<digest>.eml``."""
        data = bytes(message)
        name = f"{utc_now():%Y%m%dT%H%M%S%fZ}-{hashlib.sha256(data).hexdigest()[:12]}.eml"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = self.directory / f".{name}.part"
            partial.write_bytes(data)
            partial.replace(self.directory / name)
        except OSError as error:
            raise DeliveryError(f"cannot write to outbox {self.directory}: {error}") from error


class SmtpMailer:
    """Sends through an SMTP server: optional STARTTLS and login, one connection per email."""

    def __init__(self, settings: SmtpSettings, *, timeout_s: float = 30.0) -> None:
        """Use the server in ``settings`` (``host`` is required)."""
        if not settings.host:
            raise ValueError("SmtpMailer needs settings.smtp.host")
        self.settings = settings
        self.timeout_s = timeout_s

    def send(self, message: EmailMessage) -> None:
        """Send ``message``; raise ``DeliveryError`` when the server or network fails."""
        s = self.settings
        assert s.host is not None  # noqa: S101 - checked in __init__
        try:
            with smtplib.SMTP(s.host, s.port, timeout=self.timeout_s) as client:
                client.ehlo()
                if s.starttls:
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
                if s.username:
                    password = s.password.get_secret_value() if s.password else ""
                    client.login(s.username, password)
                refused = client.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP {s.host}:{s.port}: {error}") from error
        if refused:
            # Some recipients got it: retrying would send them a duplicate, so only log.
            log.warning("SMTP %s:%s refused recipients %s", s.host, s.port, sorted(refused))


def mailer_from_settings(settings: Settings) -> Mailer:
    """Return an ``SmtpMailer`` when ``smtp.host`` is set, else an ``OutboxMailer``."""
    if settings.smtp.host:
        return SmtpMailer(settings.smtp)
    return OutboxMailer(settings.paths.outbox)

"""The alert engine: match posts against rules, dedupe, throttle, digest, send, retry.

Guarantees, all persisted in the SQLite state file so they hold across restarts:

- at most one email per (rule, doc_id): a pair is claimed before its email is sent, and an
  email interrupted mid-send by a crash is marked ``unknown`` rather than resent;
- a rule with ``throttle_minutes`` sends its first matches at once, then batches every new
  match into one email at the end of the window (new posts are never dropped, only batched);
- a rule with ``digest_minutes`` collects matches and sends one email when the oldest waiting
  match is that old (``flush_due``; ``process`` calls it too);
- a failed send is retried by later ``flush_due`` calls with capped exponential backoff, up to
  ``smtp.max_attempts``; every attempt and error is recorded (``state.deliveries()``).

Rules match the posts as extracted; what is queued, rendered and kept in the state follows
``privacy.contacts`` (``indexer/privacy.py``): tokens or ``[redacted]`` instead of contacts.

Not thread-safe: one engine per state file, used from one thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

from indexer.alerts.mailer import Mailer
from indexer.alerts.matchers import Matcher, PythonMatcher
from indexer.alerts.render import render_alert
from indexer.alerts.rules import Match, MatchContext, Rule
from indexer.alerts.state import AlertState
from indexer.privacy import ContactPrivacy
from pipeline.records import EnrichedPost, utc_now
from pipeline.settings import Settings, get_settings

log = logging.getLogger(__name__)

DeliveryStatus = Literal["sent", "retrying", "failed"]


@dataclass(frozen=True)
class AlertRecord:
    """One email attempt: which rule, which posts, to whom, and how it went."""

    rule: str
    delivery_id: int
    doc_ids: tuple[str, ...]
    recipients: tuple[str, ...]
    subject: str
    status: DeliveryStatus
    attempts: int
    error: str | None
    at: datetime


class AlertEngine:
    """Evaluates rules on batches of posts and emails the matches through a ``Mailer``."""

    def __init__(
        self,
        rules: Sequence[Rule],
        state_path: Path,
        mailer: Mailer,
        *,
        settings: Settings | None = None,
        clock: Callable[[], datetime] = utc_now,
        retry_base_s: float = 30.0,
        retry_max_s: float = 3600.0,
        matcher: Matcher | None = None,
    ) -> None:
        """Keep the enabled rules ``matcher`` can evaluate; report the others in ``skipped``.

        ``matcher`` defaults to the ``PythonMatcher`` (embedded mode); streaming mode passes a
        ``PercolatorMatcher``.
        """
        settings = settings or get_settings()
        self._sender = settings.smtp.sender
        self._kibana = settings.kibana.url
        self._max_attempts = settings.smtp.max_attempts
        self._privacy = ContactPrivacy.from_settings(settings.privacy)
        self._mailer = mailer
        self._clock = clock
        self._retry = (retry_base_s, retry_max_s)
        self.matcher: Matcher = matcher or PythonMatcher()
        self.rules: dict[str, Rule] = {}
        self.skipped: list[str] = []
        for rule in rules:
            if not rule.enabled:
                self.skipped.append(f"{rule.name}: disabled")
            elif (why := self.matcher.unsupported(rule)) is not None:
                self.skipped.append(f"{rule.name}: {why}")
            else:
                self.rules[rule.name] = rule
        for note in self.skipped:
            log.warning("alert rule skipped: %s", note)
        self.state = AlertState(state_path)
        if self.state.interrupted:
            log.warning("%d email(s) were interrupted mid-send; not resent", self.state.interrupted)

    def process(self, posts: Sequence[EnrichedPost]) -> list[AlertRecord]:
        """Match ``posts`` against every rule; send, queue or batch; return the emails tried."""
        now = self._clock()
        ordered = sorted({p.doc_id: p for p in posts}.values(), key=lambda p: p.published_at)
        contexts = {
            p.doc_id: MatchContext(first_post_by_author=self.state.first_post_by_author(p))
            for p in ordered
        }
        self.state.commit()
        by_id = {post.doc_id: post for post in ordered}
        found: dict[str, list[tuple[EnrichedPost, Match]]] = {}
        for match in self.matcher.match(list(self.rules.values()), ordered, contexts):
            if not self.state.already(match.rule, match.doc_id):
                found.setdefault(match.rule, []).append((by_id[match.doc_id], match))
        records: list[AlertRecord] = []
        for name, items in found.items():
            records += self._route(self.rules[name], items, now)
        return records + self.flush_due(now)

    def flush_due(self, now: datetime | None = None) -> list[AlertRecord]:
        """Send the digests and throttled batches whose time has come, and due retries."""
        now = now or self._clock()
        records = []
        for name, oldest in self.state.pending_rules().items():
            rule = self.rules.get(name)
            if rule is not None and now >= self._due(rule, oldest):
                records += self._deliver(rule, self.state.pending(name), now)
        return records + self._retry_due(now)

    def flush_all_digests(self) -> int:
        """Send every waiting digest and throttled batch now (end of a run); return emails sent."""
        now = self._clock()
        records = []
        for name in self.state.pending_rules():
            if name in self.rules:
                records += self._deliver(self.rules[name], self.state.pending(name), now)
        records += self._retry_due(now)
        return sum(record.status == "sent" for record in records)

    def close(self) -> None:
        """Close the state file."""
        self.state.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _due(self, rule: Rule, oldest: datetime) -> datetime:
        if rule.digest_minutes:
            return oldest + timedelta(minutes=rule.digest_minutes)
        last = self.state.last_alert_at(rule.name) or oldest
        return last + timedelta(minutes=rule.throttle_minutes)

    def _route(
        self, rule: Rule, found: list[tuple[EnrichedPost, Match]], now: datetime
    ) -> list[AlertRecord]:
        found = [self._protect(rule, post, match) for post, match in found]
        if rule.digest_minutes:
            self.state.queue(rule.name, found, now)
            return []
        if rule.throttle_minutes:
            last = self.state.last_alert_at(rule.name)
            if last is not None and now < last + timedelta(minutes=rule.throttle_minutes):
                self.state.queue(rule.name, found, now)
                return []
            return self._deliver(rule, found, now)
        records = []
        for item in found:
            records += self._deliver(rule, [item], now)
        return records

    def _protect(
        self, rule: Rule, post: EnrichedPost, match: Match
    ) -> tuple[EnrichedPost, Match]:
        """Return the post and reasons as they may be kept and emailed (``privacy.contacts``)."""
        reasons = self._privacy.protect_lines(match.reasons, post, rule.condition.contacts)
        return self._privacy.protect(post), Match(match.rule, match.doc_id, reasons)

    def _deliver(
        self, rule: Rule, items: list[tuple[EnrichedPost, Match]], now: datetime
    ) -> list[AlertRecord]:
        if not items:
            return []
        message = render_alert(
            rule, items, sender=self._sender, kibana_url=self._kibana, now=now,
            privacy=self._privacy,
        )
        doc_ids = [post.doc_id for post, _ in items]
        delivery = self.state.create_delivery(rule.name, doc_ids, message, now)
        return [self._attempt(rule.name, delivery, doc_ids, message, now)]

    def _retry_due(self, now: datetime) -> list[AlertRecord]:
        records = []
        for delivery, rule, doc_ids, data in self.state.due_retries(now):
            message = message_from_bytes(data, policy=policy.default)
            records.append(self._attempt(rule, delivery, doc_ids, message, now))
        return records

    def _attempt(
        self, rule: str, delivery: int, doc_ids: list[str], message: EmailMessage, now: datetime
    ) -> AlertRecord:
        attempt = self.state.start_attempt(delivery)
        status: DeliveryStatus = "sent"
        error: str | None = None
        retry_at: datetime | None = None
        try:
            self._mailer.send(message)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
            error = f"{type(exc).__name__}: {exc}"
            status = "failed" if attempt >= self._max_attempts else "retrying"
            if status == "retrying":
                base, cap = self._retry
                retry_at = now + timedelta(seconds=min(cap, base * 2 ** (attempt - 1)))
            log.warning("alert email rule=%s delivery=%d attempt=%d %s: %s",
                        rule, delivery, attempt, status, error)
        self.state.finish_attempt(delivery, status, now, error, retry_at)
        return AlertRecord(
            rule=rule, delivery_id=delivery, doc_ids=tuple(doc_ids),
            recipients=tuple(a.strip() for a in str(message["To"]).split(",")),
            subject=str(message["Subject"]), status=status, attempts=attempt,
            error=error, at=now,
        )

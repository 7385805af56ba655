"""Turn a rule and the posts it matched into an email: plain text plus an HTML alternative.

Post text, handles and every extracted value are attacker-controlled: they only ever go into
bodies (never headers), HTML-escaped in the HTML part, and links are only made of http(s)
URLs. Header values come from the rule file and are stripped of control characters anyway.

Contacts follow ``privacy.contacts``: ``render_alert`` shows posts and reasons as the given
``ContactPrivacy`` protects them (the engine passes the deployment's; protecting twice is
harmless), so an email never holds a contact the index would not.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from indexer.alerts._evaluate import describe_price
from indexer.alerts.rules import Match, Rule
from indexer.privacy import CLEAR, ContactPrivacy
from pipeline.records import EnrichedPost, utc_now

MAX_TEXT_CHARS = 4000


def header_safe(value: str, limit: int = 200) -> str:
    """Return ``value`` on one line without control characters, at most ``limit`` chars."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(cleaned.split())[:limit]


def kibana_link(kibana_url: str, doc_id: str) -> str:
    """Return a Kibana Discover link that opens the post with ``doc_id``."""
    kuery = quote(f'doc_id:"{doc_id}"', safe=":")
    return f"{kibana_url.rstrip('/')}/app/discover#/?_a=(query:(language:kuery,query:'{kuery}'))"


def _http_url(url: str) -> str | None:
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def _fields(post: EnrichedPost) -> list[tuple[str, str]]:
    nlp = post.nlp
    return [
        ("Prices", "; ".join(describe_price(p) for p in nlp.prices)),
        ("Places", "; ".join(f"{p.name} → {p.canonical} [{p.role}]" for p in nlp.places)),
        ("Contacts", "; ".join(f"{c.type}: {c.value}" for c in nlp.contacts)),
        ("Aliases", "; ".join(a.value for a in nlp.aliases)),
    ]


def _text_block(post: EnrichedPost, match: Match, kibana_url: str) -> str:
    text = post.text if len(post.text) <= MAX_TEXT_CHARS else post.text[:MAX_TEXT_CHARS] + "…"
    lines = [
        f"{post.platform}/{post.source} · @{post.author.handle} · "
        f"{post.published_at:%Y-%m-%d %H:%M} UTC · score {post.nlp.score:.2f}",
        f"Original: {post.url}",
        f"Kibana:   {kibana_link(kibana_url, post.doc_id)}",
        "Why: " + "; ".join(match.reasons),
    ]
    lines += [f"{label}: {value or '—'}" for label, value in _fields(post)]
    lines += ["", *("  " + line for line in text.splitlines() or [""])]
    return "\n".join(lines)


def _html_block(post: EnrichedPost, match: Match, kibana_url: str) -> str:
    e = html.escape
    text = post.text if len(post.text) <= MAX_TEXT_CHARS else post.text[:MAX_TEXT_CHARS] + "…"
    url = _http_url(post.url)
    original = f'<a href="{e(url)}">original post</a>' if url else e(post.url)
    kibana = f'<a href="{e(kibana_link(kibana_url, post.doc_id))}">open in Kibana</a>'
    rows = "".join(
        f"<tr><th align=left>{e(label)}</th><td>{e(value) or '—'}</td></tr>"
        for label, value in _fields(post)
    )
    reasons = "".join(f"<li>{e(reason)}</li>" for reason in match.reasons)
    return (
        f"<h3>{e(post.platform)}/{e(post.source)} · @{e(post.author.handle)} · "
        f"{post.published_at:%Y-%m-%d %H:%M} UTC · score {post.nlp.score:.2f}</h3>"
        f"<p>{original} · {kibana}</p><ul>{reasons}</ul><table>{rows}</table>"
        f'<pre style="white-space:pre-wrap">{e(text)}</pre><hr>'
    )


def render_alert(
    rule: Rule,
    items: Sequence[tuple[EnrichedPost, Match]],
    *,
    sender: str,
    kibana_url: str,
    now: datetime | None = None,
    privacy: ContactPrivacy = CLEAR,
) -> EmailMessage:
    """Return the email telling the rule's recipients about the matched posts."""
    entries = rule.condition.contacts
    items = [
        (privacy.protect(post),
         Match(match.rule, match.doc_id, privacy.protect_lines(match.reasons, post, entries)))
        for post, match in items
    ]
    count = len(items)
    message = EmailMessage()
    message["Subject"] = header_safe(
        f"[Centinela] {rule.name}: {count} new post{'s' if count != 1 else ''}"
    )
    message["From"] = header_safe(sender)
    message["To"] = ", ".join(header_safe(r) for r in rule.recipients)
    message["Date"] = format_datetime(now or utc_now())
    message["Message-ID"] = make_msgid(domain="centinela.invalid")
    message["X-Centinela-Rule"] = header_safe(rule.name)
    message["X-Centinela-Doc-Ids"] = " ".join(post.doc_id for post, _ in items)
    intro = f"Rule “{rule.name}” matched {count} post(s)."
    if rule.description:
        intro += f"\n{rule.description}"
    plain = [intro, ""]
    plain += [_text_block(post, match, kibana_url) + "\n" for post, match in items]
    message.set_content("\n".join(plain), subtype="plain", charset="utf-8")
    body = "".join(_html_block(post, match, kibana_url) for post, match in items)
    message.add_alternative(
        f"<html><body><p>{html.escape(intro)}</p>{body}</body></html>",
        subtype="html",
        charset="utf-8",
    )
    return message

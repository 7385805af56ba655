"""Contact privacy (indexer/privacy.py): tokens, redaction, text masking, query hashing."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import SecretStr, ValidationError

from indexer.elastic.document import document_bytes, from_document, to_document
from indexer.errors import PrivacyError
from indexer.privacy import (
    CLEAR,
    REDACTED,
    ContactPrivacy,
    hash_token,
    is_token,
)
from indexer.query import SearchQuery
from pipeline.records import EnrichedPost
from pipeline.settings import PrivacySettings, Settings
from tests.indexer.privacy_posts import (
    HANDLE,
    HASH,
    KEY,
    OTHER_KEY,
    OTHER_PHONE,
    PHONE,
    PHONE_DIGITS,
    PHONE_WRITTEN,
    REDACT,
    phone_ad,
    spanned,
)


def _spans_hold_their_words(post: EnrichedPost) -> None:
    nlp = post.nlp
    for mention in (*nlp.prices, *nlp.places, *nlp.aliases, *nlp.contacts):
        assert post.text[mention.start:mention.end] == mention.raw, mention


# --- tokens ---------------------------------------------------------------------------------


def test_same_key_same_token_whatever_the_formatting() -> None:
    tokens = {hash_token(KEY, value) for value in
              (PHONE, PHONE_WRITTEN, "+1 202 555 0142", "1-202-555-0142", " +12025550142 ")}
    assert len(tokens) == 1
    token = tokens.pop()
    assert is_token(token) and re.fullmatch(r"h:[0-9a-f]{32}", token)
    assert HASH.token(PHONE) == token == HASH.query_contact(PHONE_WRITTEN)
    assert HASH.token("@Coyote_Demo_0142") == HASH.token(HANDLE)


def test_different_key_or_contact_different_token() -> None:
    assert hash_token(KEY, PHONE) != hash_token(OTHER_KEY, PHONE)
    assert hash_token(KEY, PHONE) != hash_token(KEY, OTHER_PHONE)
    assert ContactPrivacy("hash", KEY).fingerprint != ContactPrivacy("hash", OTHER_KEY).fingerprint


def test_tokens_and_the_marker_are_never_hashed_again() -> None:
    token = HASH.token(PHONE)
    assert HASH.token(token) == token and HASH.token(REDACTED) == REDACTED
    assert HASH.query_contact(token.upper()) == token
    protected = HASH.protect(phone_ad())
    assert HASH.protect(protected) == protected
    assert REDACT.protect(REDACT.protect(phone_ad())) == REDACT.protect(phone_ad())


def test_the_key_never_shows_in_a_repr() -> None:
    assert KEY.decode() not in repr(HASH)
    settings = PrivacySettings(contacts="hash", hash_key=SecretStr(KEY.decode()))
    assert KEY.decode() not in repr(settings) and KEY.decode() not in str(settings)


def test_hash_mode_needs_a_long_enough_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="hash_key"):
        PrivacySettings(contacts="hash")
    with pytest.raises(ValidationError, match="hash_key"):
        PrivacySettings(contacts="hash", hash_key=SecretStr("short"))
    with pytest.raises(ValueError, match="key"):
        ContactPrivacy("hash", b"short")
    monkeypatch.setenv("CENTINELA_PRIVACY__CONTACTS", "hash")
    monkeypatch.setenv("CENTINELA_PRIVACY__HASH_KEY", KEY.decode())
    monkeypatch.setenv("CENTINELA_PRIVACY__RETENTION_DAYS", "30")
    settings = Settings()
    assert settings.privacy.retention_days == 30
    assert ContactPrivacy.from_settings(settings.privacy) == HASH


def test_default_is_clear_and_changes_nothing() -> None:
    post = phone_ad()
    assert PrivacySettings().contacts == "clear" and PrivacySettings().retention_days is None
    assert ContactPrivacy.from_settings(PrivacySettings()) == CLEAR
    assert CLEAR.protect(post) is post
    assert CLEAR.protect_query(SearchQuery(contact="899 555 0142")).contact == "899 555 0142"
    assert to_document(post) == to_document(post, CLEAR)


# --- posts ----------------------------------------------------------------------------------


def test_hash_replaces_every_contact_and_keeps_everything_else() -> None:
    post = phone_ad()
    protected = HASH.protect(post)
    phone, handle = HASH.token(PHONE), HASH.token(HANDLE)
    expected = (post.text.replace(PHONE_WRITTEN, phone).replace("wa.me/12025550142",
                f"wa.me/{phone}").replace(f"@{HANDLE}", handle))
    assert protected.text == expected
    assert [(c.type, c.value, c.raw) for c in protected.nlp.contacts] == [
        ("whatsapp", phone, phone), ("telegram", handle, handle)]
    assert protected.media[0].url == f"https://wa.me/{phone}"
    _spans_hold_their_words(protected)
    assert protected.nlp.prices[0].raw == "5,500 dlls"
    assert protected.nlp.aliases[0].raw == "El Güero"
    dumped = protected.model_dump_json()
    assert PHONE_DIGITS not in dumped and HANDLE not in dumped.lower()
    assert {k: v for k, v in protected.model_dump().items() if k not in {"text", "nlp", "media"}} \
        == {k: v for k, v in post.model_dump().items() if k not in {"text", "nlp", "media"}}


def test_redact_keeps_the_type_and_drops_the_value() -> None:
    protected = REDACT.protect(phone_ad())
    assert [(c.type, c.value) for c in protected.nlp.contacts] == [
        ("whatsapp", REDACTED), ("telegram", REDACTED)]
    assert protected.text.count(REDACTED) == 3 and PHONE_DIGITS not in protected.model_dump_json()
    _spans_hold_their_words(protected)
    assert REDACT.index_key(REDACTED) is None


@pytest.mark.parametrize("before, after", [
    ("", ""),
    ("🚐💯🇬🇹 ", " 🚐💯"),
    ("Звони ", " сейчас"),
    ("اتصل على ", " الآن"),
    ("电话：", "。谢谢"),
    ("e\u0301 combinado ", " ñ\u0303 \u200d\ufeff"),
    ("\x00\n\t", "\r\n"),
])
def test_masking_keeps_every_other_character_exactly(before: str, after: str) -> None:
    text = f"{before}{PHONE_WRITTEN}{after} | {before}@{HANDLE}{after}"
    post = spanned("t", text, contacts=((PHONE_WRITTEN, "phone", PHONE),
                                        (f"@{HANDLE}", "telegram", HANDLE)))
    for policy in (HASH, REDACT):
        protected = policy.protect(post)
        one, two = policy.token(PHONE), policy.token(HANDLE)
        assert protected.text == f"{before}{one}{after} | {before}{two}{after}"
        assert protected.text.encode("utf-8") == (
            f"{before}{one}{after} | {before}{two}{after}".encode())
        _spans_hold_their_words(protected)


@pytest.mark.timeout(30)
def test_a_100_kb_text_is_masked_exactly() -> None:
    filler = "Viajes seguros 🇺🇸 Reynosa – قطار – 火车 – поезд. " * 40
    chunks = [filler] * 50
    text = f"{PHONE_WRITTEN} " + f" {PHONE_WRITTEN} ".join(chunks) + " 5,500 dlls"
    assert len(text.encode("utf-8")) > 100_000
    post = spanned("big", text, contacts=((PHONE_WRITTEN, "whatsapp", PHONE),),
                   prices=(("5,500 dlls", 5500),))
    protected = HASH.protect(post)
    token = HASH.token(PHONE)
    assert protected.text == text.replace(PHONE_WRITTEN, token)
    assert PHONE_DIGITS not in protected.text
    _spans_hold_their_words(protected)


def test_a_span_that_does_not_hold_its_raw_is_not_trusted() -> None:
    text = f"Precio 5,500 dlls, llama al {PHONE_WRITTEN}"
    post = spanned("stale", text, contacts=((PHONE_WRITTEN, "phone", PHONE),))
    stale = post.nlp.contacts[0].model_copy(update={"start": 0, "end": len(PHONE_WRITTEN)})
    post = post.model_copy(update={"nlp": post.nlp.model_copy(update={"contacts": (stale,)})})
    assert HASH.protect(post).text == f"Precio 5,500 dlls, llama al {HASH.token(PHONE)}"


def test_contacts_the_nlp_missed_are_masked_but_not_prices_or_dates() -> None:
    text = ("Salida 10-03-2026, precio 12.000.000 COP. Info t.me/otro_demo_0199 o "
            "@otro_demo_0142, correo demo0142@example.org, tel 202.555.0199")
    post = spanned("missed", text, prices=(("12.000.000 COP", 12_000_000),))
    protected = HASH.protect(post)
    assert protected.text == (
        f"Salida 10-03-2026, precio 12.000.000 COP. Info t.me/{HASH.token('otro_demo_0199')} o "
        f"{HASH.token('otro_demo_0142')}, correo {HASH.token('demo0142@example.org')}, "
        f"tel {HASH.token('2025550199')}")
    _spans_hold_their_words(protected)


def test_a_mention_overlapping_a_contact_is_re_read() -> None:
    text = f"pregunta por Don Beto {PHONE_WRITTEN} ya"
    post = spanned("overlap", text, contacts=((PHONE_WRITTEN, "phone", PHONE),),
                   aliases=(f"Don Beto {PHONE_WRITTEN}",))
    protected = REDACT.protect(post)
    assert protected.nlp.aliases[0].value == protected.nlp.aliases[0].raw == "Don Beto [redacted]"
    _spans_hold_their_words(protected)


# --- queries and documents ------------------------------------------------------------------


def test_queries_are_hashed_like_the_stored_values() -> None:
    query = SearchQuery(contact=PHONE_WRITTEN, text="reynosa")
    hashed = HASH.protect_query(query)
    assert hashed.contact == HASH.token(PHONE) and hashed.text == "reynosa"
    with pytest.raises(PrivacyError, match="redact"):
        REDACT.protect_query(query)
    assert REDACT.protect_query(SearchQuery(text="x")).text == "x"


def test_document_in_hash_mode_holds_tokens_only() -> None:
    post = phone_ad()
    document = to_document(post, HASH)
    facets = document["facets"]
    token = HASH.token(PHONE)
    assert facets["contact_values"] == facets["contact_keys"] == [token, HASH.token(HANDLE)]
    assert facets["contact_types"] == ["whatsapp", "telegram"]
    raw = document_bytes(document).decode()
    assert PHONE_DIGITS not in raw and "555-0142" not in raw and HANDLE not in raw.lower()
    assert from_document(json.loads(raw)) == HASH.protect(post)


def test_document_in_redact_mode_has_no_contact_keys() -> None:
    facets = to_document(phone_ad(), REDACT)["facets"]
    assert facets["contact_values"] == [REDACTED] and facets["contact_keys"] == []
    assert facets["contact_types"] == ["whatsapp", "telegram"]


def test_alert_reasons_are_masked_with_the_post_and_the_watchlist() -> None:
    post = phone_ad()
    reasons = (f"watchlisted contact {PHONE} (whatsapp) = '202 555 0142'", "price 5,500 USD")
    masked = HASH.protect_lines(reasons, post, ["202 555 0142"])
    assert masked[1] == "price 5,500 USD"
    assert PHONE_DIGITS not in masked[0] and "555 0142" not in masked[0]
    assert HASH.token(PHONE) in masked[0]
    assert CLEAR.protect_lines(reasons, post, ["x"]) == reasons

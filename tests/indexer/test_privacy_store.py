"""Contact privacy where posts are kept: the embedded SQLite store and the alert emails."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from pydantic import SecretStr

from indexer.alerts import AlertEngine, Rule
from indexer.alerts.mailer import OutboxMailer
from indexer.alerts.render import render_alert
from indexer.alerts.rules import Match
from indexer.embedded import EmbeddedStore
from indexer.errors import PrivacyError, StoreError
from indexer.privacy import REDACTED, ContactPrivacy
from indexer.query import SearchQuery
from pipeline.settings import PathsSettings, PrivacySettings, Settings
from tests.indexer.privacy_posts import (
    HANDLE,
    HASH,
    KEY,
    OTHER_KEY,
    PHONE,
    PHONE_DIGITS,
    PHONE_WRITTEN,
    REDACT,
    phone_ad,
    spanned,
)

OTHER = spanned("other", "Cruce por Reynosa, llama al +1 202 555 0187",
                contacts=(("+1 202 555 0187", "phone", "+12025550187"),))
WATCH = Rule(name="Watched number", recipients=("analista@example.org",),
             condition={"contacts": ["+1 202 555 0142"]})
DIGEST = Rule(name="Digest of Reynosa", recipients=("analista@example.org",),
              digest_minutes=60, condition={"places": ["Reynosa"]})


def _file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _ids(store: EmbeddedStore, **query: object) -> list[str]:
    return [hit.post.native_id for hit in store.search(SearchQuery.model_validate(query))]


def test_hash_store_never_holds_the_number_yet_finds_it(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with EmbeddedStore(path, HASH) as store:
        store.add([phone_ad(), OTHER])
        store.flush()
        assert _ids(store, contact=PHONE_WRITTEN) == ["phone-ad"]
        assert _ids(store, contact="+12025550142") == ["phone-ad"]
        assert _ids(store, contact=f"@{HANDLE.upper()}") == ["phone-ad"]
        assert _ids(store, contact=HASH.token(PHONE)) == ["phone-ad"]
        assert _ids(store, contact="+1 202 555 0187") == ["other"]
        assert sorted(_ids(store, text="reynosa")) == ["other", "phone-ad"]
        assert _ids(store, text="whatsapp", contact=PHONE) == ["phone-ad"]
        stored = store.get(phone_ad().doc_id)
        assert stored is not None and stored.nlp.contacts[0].value == HASH.token(PHONE)
        assert store.stats().contacts == 3
    data = _file_bytes(path)
    for leak in (PHONE_DIGITS.encode(), b"555-0142", b"555 0142", HANDLE.encode()):
        assert leak not in data, leak
    with EmbeddedStore(path, ContactPrivacy("hash", OTHER_KEY)) as other_key, \
            pytest.raises(StoreError, match="hash:"):
        other_key.search(SearchQuery(contact=PHONE))


def test_redact_store_refuses_contact_search(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store.sqlite3", REDACT) as store:
        store.add([phone_ad()])
        store.flush()
        with pytest.raises(PrivacyError, match="redact"):
            store.search(SearchQuery(contact=PHONE))
        hit = store.search(SearchQuery(text="reynosa"))[0]
        assert [c.value for c in hit.post.nlp.contacts] == [REDACTED, REDACTED]
        assert [c.type for c in hit.post.nlp.contacts] == ["whatsapp", "telegram"]
    assert PHONE_DIGITS.encode() not in _file_bytes(tmp_path / "store.sqlite3")


def test_one_store_never_mixes_policies(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with EmbeddedStore(path, ContactPrivacy()) as clear:
        clear.add([OTHER])
    for wrong in (HASH, REDACT):
        with EmbeddedStore(path, wrong) as store:
            with pytest.raises(StoreError, match="'clear'"):
                store.add([phone_ad()])
            with pytest.raises(StoreError, match="'clear'"):
                store.check_privacy()
            assert _ids(store, text="reynosa") == ["other"]  # no contact: still readable
    with EmbeddedStore(tmp_path / "h.sqlite3", HASH) as store:
        store.add([phone_ad()])
    with EmbeddedStore(tmp_path / "h.sqlite3", ContactPrivacy("hash", OTHER_KEY)) as store, \
            pytest.raises(StoreError, match="hash:"):
        store.add([OTHER])


def _settings(tmp_path: Path, contacts: str) -> Settings:
    key = SecretStr(KEY.decode()) if contacts == "hash" else None
    return Settings(paths=PathsSettings(data_dir=tmp_path),
                    privacy=PrivacySettings.model_validate({"contacts": contacts, "hash_key": key}))


def _text(message: EmailMessage) -> str:
    parts = [message.get_body(preferencelist=(kind,)) for kind in ("plain", "html")]
    return "\n".join(part.get_content() for part in parts if part is not None)


@pytest.mark.parametrize("contacts", ["hash", "redact"])
def test_alert_emails_and_alert_state_follow_the_setting(tmp_path: Path, contacts: str) -> None:
    settings = _settings(tmp_path, contacts)
    privacy = ContactPrivacy.from_settings(settings.privacy)
    with AlertEngine([WATCH, DIGEST], settings.paths.alert_state,
                     OutboxMailer(settings.paths.outbox), settings=settings) as engine:
        sent = engine.process([phone_ad()])
        assert [record.rule for record in sent] == ["Watched number"]  # rules see the number
        assert PHONE_DIGITS.encode() not in _file_bytes(settings.paths.alert_state)
        assert engine.flush_all_digests() == 1
    emails = [message_from_bytes(p.read_bytes(), policy=policy.default)
              for p in sorted(settings.paths.outbox.glob("*.eml"))]
    assert len(emails) == 2
    for email in emails:
        assert isinstance(email, EmailMessage)
        body = _text(email)
        assert "Contacts: whatsapp:" in body
        assert privacy.token(PHONE) in body
        for leak in (PHONE_DIGITS, "555-0142", "555 0142", HANDLE):
            assert leak not in body, leak
    assert PHONE_DIGITS.encode() not in _file_bytes(settings.paths.alert_state)


def test_render_alert_masks_when_asked_and_only_then() -> None:
    post = phone_ad()
    match = Match(WATCH.name, post.doc_id, (f"watchlisted contact {PHONE} (whatsapp) = "
                                             "'+1 202 555 0142'",))
    sender, kibana = "centinela@example.org", "http://kibana.invalid"
    clear = _text(render_alert(WATCH, [(post, match)], sender=sender, kibana_url=kibana))
    hashed = _text(render_alert(WATCH, [(post, match)], sender=sender, kibana_url=kibana,
                                privacy=HASH))
    assert PHONE in clear and PHONE_WRITTEN in clear
    assert PHONE_DIGITS not in hashed and "555 0142" not in hashed
    assert hashed.count(HASH.token(PHONE)) >= 3

"""The alert engine against a real SMTP server on loopback: content, dedupe, restarts, safety."""

from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr

from indexer.alerts import AlertEngine, Rule, SmtpMailer, load_rules
from pipeline.records import EnrichedPost
from pipeline.settings import PROJECT_ROOT
from tests.alerts.conftest import KIBANA, Inbox, SmtpServer, _EphemeralController
from tests.indexer.posts import alias, contact, enriched, place, price

REYNOSA = enriched(
    "r1", "VIAJES SEGUROS 🇺🇸 cruce por Reynosa $5,500 dlls. Pregunta por El Güero",
    prices=(price(5500),), places=(place("Reynosa", "crossing"),),
    contacts=(contact("+528990107323"),), aliases=(alias("El Güero"),),
)
HOUSTON = enriched(
    "h1", "Salida de Tapachula, entrega en Houston, 12 mil dólares", source="rutas_hou",
    prices=(price(12000),), places=(place("Tapachula", "origin"), place("Houston", "destination")),
)
NEWS = enriched("n1", "Noticia: rescatan migrantes en Reynosa", is_ad=False, score=0.1,
                places=(place("Reynosa", "unknown"),))
UNDER_6000 = Rule(
    name="Reynosa under 6000", recipients=("analista@example.org", "jefa@example.org"),
    condition={"places": [{"name": "Reynosa", "role": "crossing"}], "max_price_usd": 6000},
)
ALIASES = Rule(
    name="Watchlist aliases", recipients=("caso@example.org",),
    condition={"aliases": ["el guero"]},
)


def _engine(server: SmtpServer, state: Path, rules: list[Rule]) -> AlertEngine:
    settings = server.settings()
    return AlertEngine(rules, state, SmtpMailer(settings.smtp), settings=settings)


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert plain is not None and rich is not None
    return plain.get_content(), rich.get_content()


def test_matching_posts_arrive_with_their_fields(smtp_server: SmtpServer, tmp_path: Path) -> None:
    with _engine(smtp_server, tmp_path / "state.sqlite3", [UNDER_6000, ALIASES]) as engine:
        records = engine.process([REYNOSA, HOUSTON, NEWS])
    assert [(r.rule, r.doc_ids, r.status) for r in records] == [
        ("Reynosa under 6000", (REYNOSA.doc_id,), "sent"),
        ("Watchlist aliases", (REYNOSA.doc_id,), "sent"),
    ]
    received = smtp_server.inbox.messages
    assert len(received) == 2
    first = received[0]
    assert first.mail_from == "centinela@example.org"
    assert first.rcpt_tos == ["analista@example.org", "jefa@example.org"]
    assert first.message["Subject"] == "[Centinela] Reynosa under 6000: 1 new post"
    assert first.message["X-Centinela-Doc-Ids"] == REYNOSA.doc_id
    plain, html = _parts(first.message)
    for expected in (
        "5,500 USD", "Reynosa → Reynosa, Tamaulipas, MX [crossing]", "whatsapp: +528990107323",
        "Aliases: El Güero", f"Original: {REYNOSA.url}", f"{KIBANA}/app/discover#/",
        REYNOSA.doc_id, "cruce por Reynosa $5,500 dlls", "place Reynosa = Reynosa",
    ):
        assert expected in plain
    assert f'<a href="{REYNOSA.url}">original post</a>' in html
    assert "Reynosa → Reynosa, Tamaulipas, MX [crossing]" in html
    assert received[1].rcpt_tos == ["caso@example.org"]


def test_a_restart_sends_no_duplicates(smtp_server: SmtpServer, tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with _engine(smtp_server, state, [UNDER_6000]) as engine:
        assert len(engine.process([REYNOSA])) == 1
        assert engine.process([REYNOSA]) == []            # same engine, redelivery
    later = enriched("r2", "Otro cruce por Reynosa, 5 mil", prices=(price(5000),),
                     places=(place("Reynosa", "crossing"),))
    with _engine(smtp_server, state, [UNDER_6000]) as engine:  # a new process, same state
        records = engine.process([REYNOSA, later, REYNOSA])
    assert [r.doc_ids for r in records] == [(later.doc_id,)]
    ids = [m.message["X-Centinela-Doc-Ids"] for m in smtp_server.inbox.messages]
    assert ids == [REYNOSA.doc_id, later.doc_id]


def test_markup_and_header_injection_in_a_post_stay_inert(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    hostile = enriched(
        "x1",
        'Cruce por Reynosa</pre><script>alert("x")</script>\r\nBcc: victima@example.net\r\n'
        "\r\n<img src=x onerror=alert(1)> 5 mil",
        handle="<b>coyote</b>\nBcc: otra@example.net",
        url="javascript:alert(1)",
        prices=(price(5000),), places=(place("Reynosa", "crossing"),),
        aliases=(alias('<a href="http://evil.example">El Güero</a>'),),
    )
    with _engine(smtp_server, tmp_path / "state.sqlite3", [UNDER_6000]) as engine:
        assert [r.status for r in engine.process([hostile])] == ["sent"]
    (received,) = smtp_server.inbox.messages
    assert received.rcpt_tos == ["analista@example.org", "jefa@example.org"]
    assert received.message.get_all("Bcc") is None
    assert "victima" not in str(received.message["To"])
    plain, html = _parts(received.message)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "javascript:" not in html.split("original post")[0].rsplit("<a href", 1)[-1]
    assert 'href="javascript' not in html and "evil.example\">" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;/pre&gt;" in html
    assert 'Bcc: victima@example.net' in plain                 # shown as text, inert


def test_the_example_rules_run_and_a_broken_rule_is_skipped(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "fixtures" / "rules", rules_dir)
    (rules_dir / "zz_broken.yaml").write_text(
        "name: Broken\nrecipients: [a@example.org]\ncondition:\n  max_price_usd: [1]\n"
    )
    ruleset = load_rules(rules_dir)
    assert [(e.file.name, e.line, e.field) for e in ruleset.errors] == [
        ("zz_broken.yaml", 4, "condition.max_price_usd")
    ]
    darien = enriched("d1", "Paso seguro por la trocha desde Necoclí", source="cuenta_nueva",
                      places=(place("Necoclí", "transit"),))
    posts: list[EnrichedPost] = [REYNOSA, HOUSTON, NEWS, darien]
    with _engine(smtp_server, tmp_path / "state.sqlite3", ruleset.rules) as engine:
        assert engine.skipped == [
            "Channel boat ads (raw query): has raw_query, not evaluable embedded"
        ]
        records = engine.process(posts)
        sent_now = {r.rule for r in records}
        assert engine.flush_all_digests() == 2                   # Houston and Darién digests
    assert sent_now == {"Reynosa crossings under $6,000", "Watchlist numbers", "Watchlist aliases"}
    subjects = sorted(str(m.message["Subject"]) for m in smtp_server.inbox.messages)
    assert subjects == [
        "[Centinela] New accounts advertising the Darién: 1 new post",
        "[Centinela] Reynosa crossings under $6,000: 1 new post",
        "[Centinela] Routes to Houston: 1 new post",
        "[Centinela] Watchlist aliases: 1 new post",
        "[Centinela] Watchlist numbers: 1 new post",
    ]


def _authenticator(
    server: object, session: object, envelope: object, mechanism: str, auth_data: object
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"centinela", b"s3cret-demo")
    return AuthResult(success=ok, auth_data=auth_data)


def test_smtp_login_with_the_configured_credentials(tmp_path: Path) -> None:
    inbox = Inbox()
    controller = _EphemeralController(
        inbox, hostname="127.0.0.1", port=0, authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        server = SmtpServer("127.0.0.1", controller.port, inbox)
        settings = server.settings(username="centinela", password=SecretStr("s3cret-demo"))
        with AlertEngine([UNDER_6000], tmp_path / "s.sqlite3", SmtpMailer(settings.smtp),
                         settings=settings) as engine:
            (record,) = engine.process([REYNOSA])
    finally:
        controller.stop()
    assert record.status == "sent"
    assert [received.login for received in inbox.messages] == [b"centinela"]

"""The public Extractor: total on any text, offsets exact, pipeline built from config."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp import NLP_VERSION, Extractor
from nlp.pipeline import CONFIG_PATH, build_pipeline
from pipeline.records import ExtractRequest, ExtractResult, NlpAnnotations
from pipeline.settings import NlpSettings

AD = (
    "🚨 Viajes seguros a USA 🇺🇸 Salida de Tapachula, pasando por CDMX, cruce por Reynosa, "
    "entrega en Houston. Precio 8 mil dólares, niños 5 mil. Mitad al salir y mitad al llegar. "
    "WhatsApp 962 123 4567. Pregunta por Don Beto"
)


def check_offsets(text: str, ann: NlpAnnotations) -> None:
    for item in (*ann.prices, *ann.places, *ann.contacts, *ann.aliases):
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start : item.end] == item.raw


def annotate(extractor: Extractor, text: str, platform: str | None = None) -> NlpAnnotations:
    (ann,) = extractor.annotate([ExtractRequest(id="t", text=text, platform=platform)])
    check_offsets(text, ann)
    return ann


def test_full_ad(extractor: Extractor) -> None:
    ann = annotate(extractor, AD, "facebook")
    assert ann.is_smuggling_ad and ann.score > 0.8 and ann.lang == "es"
    assert [(p.amount, p.currency) for p in ann.prices] == [(8000, "USD"), (5000, "USD")]
    assert [p.role for p in ann.places] == [
        "destination",
        "origin",
        "transit",
        "crossing",
        "destination",
    ]
    assert [(c.type, c.value) for c in ann.contacts] == [("whatsapp", "+529621234567")]
    assert [a.value for a in ann.aliases] == ["Don Beto"]
    assert "staged" in ann.payment_terms and "crossing" in ann.services
    assert ExtractResult(id="t", **ann.model_dump()).id == "t"


@pytest.mark.parametrize(
    "text",
    [
        "⚠️ CUIDADO: estafadores ofrecen cruzar a Estados Unidos por $5,000. Denuncie al 089.",
        "Autobuses Tapachula – CDMX, salidas diarias desde la central, boletos desde $1,450 pesos",
        "Alguien sabe de un albergue en Tijuana? Necesito ayuda con mis hijos 🙏",
        "Police arrested 3 smugglers in Calais who charged £3,000 per place, officials said.",
    ],
)
def test_look_alikes_are_rejected(extractor: Extractor, text: str) -> None:
    assert not annotate(extractor, text).is_smuggling_ad


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\t",
        "🚐🇺🇸✅💯🙏",
        "Москва — Нью-Йорк, 5000 долларов",
        "偷渡到美国 联系 微信",
        "مرحبا بكم في رحلة آمنة",
        "\x00\ud7ff\ufffd",
        "$" * 500,
        "5" * 2000,
        "@" * 300,
        "1 " * 3000,
        "a." * 3000,
        "9" * 400 + " mil",
    ],
)
def test_edge_texts_give_valid_annotations(extractor: Extractor, text: str) -> None:
    failures = extractor.failures
    ann = annotate(extractor, text)
    assert 0.0 <= ann.score <= 1.0
    assert extractor.failures == failures, "a component raised; the fallback hid it"


def test_large_post(extractor: Extractor) -> None:
    text = (AD + "\n") * (100_000 // len(AD) + 1)
    ann = annotate(extractor, text)
    assert len(text) > 100_000 and ann.is_smuggling_ad and len(ann.prices) > 100


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_is_annotated(extractor: Extractor, text: str) -> None:
    failures = extractor.failures
    ann = annotate(extractor, text)
    assert extractor.failures == failures
    NlpAnnotations.model_validate(ann.model_dump())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(AD.split() + ["cinco", "5️⃣", "O", "$", "mil", "k", "@x", "→"]), max_size=60
    )
)
def test_ad_like_word_salad(extractor: Extractor, words: list[str]) -> None:
    annotate(extractor, " ".join(words))


def test_batch_keeps_order(extractor: Extractor) -> None:
    texts = [AD, "", "hola", AD.replace("Houston", "Dallas")]
    got = extractor.annotate([ExtractRequest(id=str(i), text=t) for i, t in enumerate(texts)])
    assert [len(a.places) for a in got] == [5, 0, 0, 5]


def test_threshold_from_settings() -> None:
    strict = Extractor.load(NlpSettings(ad_threshold=0.9999))
    (ann,) = strict.annotate([ExtractRequest(id="1", text="Viaje a Houston")])
    assert not ann.is_smuggling_ad


def test_pipeline_from_config() -> None:
    nlp = build_pipeline(CONFIG_PATH)
    assert nlp.pipe_names[0] == "centinela_normalizer"
    assert nlp.pipe_names[-2:] == ["centinela_relevance", "centinela_roles"]
    assert "doc._.prices" in nlp.get_pipe_meta("centinela_prices").assigns
    skipped = build_pipeline(exclude=["centinela_relevance", "centinela_roles"])
    assert skipped.pipe_names[-1] == "centinela_tags"


def test_version(extractor: Extractor) -> None:
    assert extractor.version == NLP_VERSION and "+" in NLP_VERSION


@pytest.mark.parametrize(
    "text",
    [
        "a." * 50_000,
        "1 " * 50_000,
        "a" * 100_000,
        "Reynosa, " * 10_000,
        "5." * 50_000,
        ("a" * 50 + "@") * 2_000,
        "cinco  " * 2_000,
        "dos mil " * 10_000,
    ],
)
def test_pathological_inputs_stay_fast(extractor: Extractor, text: str) -> None:
    import time

    started = time.perf_counter()
    annotate(extractor, text)
    assert time.perf_counter() - started < 10, "a regex went quadratic"

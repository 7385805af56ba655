"""The learned route-role model: its features, its weights file, its place in the pipeline,
and that it carries over to writers it never saw better than the rules alone."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp import Extractor
from nlp.gold.roleset import ROLE_SETS, read_role_set, role_sets
from nlp.places import PlaceExtractor
from nlp.resources import data_path
from nlp.role_model import ROLES, PostContext, RoleModel, place_features, settle
from nlp.textmap import normalise
from nlp.train_roles import (
    Examples,
    design,
    featurise,
    fit_softmax,
    from_gold,
    probabilities,
    train,
)
from pipeline.records import ExtractRequest


def context(places: PlaceExtractor, text: str, is_offer: bool = True) -> PostContext:
    norm = normalise(text).text
    return PostContext(norm, places.extract(norm, []), is_offer, "es")


def test_features_see_the_rules_and_both_sides(places: PlaceExtractor) -> None:
    post = context(places, "Salida de Tapachula → Monterrey, entrega en Houston")
    feats = place_features(post, 1)
    assert "rule=transit" in feats or "rule=crossing" in feats
    assert "l1=ARROW" in feats and "l2=PLACE" in feats  # the arrow, then the place before it
    assert "r1=," in feats and "first=False" in feats and "last=False" in feats
    assert "offer=True" in feats and f"prev={post.places[0].role}" in feats
    last = place_features(post, 2)
    assert "l1=en" in last and "l2=entrega" in last and "last=True" in last


def test_probabilities_are_a_distribution(places: PlaceExtractor) -> None:
    model = RoleModel.from_file(data_path("role_weights.json"))
    post = context(places, "viaje de Guate a Houston 🇺🇸")
    for i in range(len(post.places)):
        probs = model.probabilities(place_features(post, i))
        assert len(probs) == len(ROLES) and abs(sum(probs) - 1.0) < 1e-9
    assert model.probabilities(["never-seen"]) == pytest.approx([0.2] * 5)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"roles": ["origin"], "weights": {}}, "roles"),
        ({"roles": list(ROLES), "weights": {"bias": [0.0, 1.0]}}, "'bias' has not 5 weights"),
    ],
)
def test_bad_weights_file_names_the_problem(tmp_path: Path, content: dict, message: str) -> None:
    path = tmp_path / "w.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        RoleModel.from_file(path)


def test_the_model_decides_in_the_pipeline(extractor: Extractor) -> None:
    text = (
        "VIAJE SEGURO salida de Tegucigalpa, pasamos por Tapachula, cruce por Reynosa y "
        "entrega en Houston. $9,000 WhatsApp 555 010 0142"
    )
    (ann,) = extractor.annotate([ExtractRequest(id="1", text=text)])
    assert ann.is_smuggling_ad
    assert [(p.name, p.role) for p in ann.places] == [
        ("Tegucigalpa", "origin"),
        ("Tapachula", "transit"),
        ("Reynosa", "crossing"),
        ("Houston", "destination"),
    ]
    assert "crossing" in ann.services  # offer tags follow the final roles


def test_sparse_design_matches_dense() -> None:
    feats = [["a", "b"], ["b", "c", "c"], []]
    x = design(feats, ["a", "b", "c"])
    dense = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 0]], dtype=float)
    w = np.arange(15, dtype=float).reshape(3, 5)
    assert np.allclose(x.dot(w), dense @ w)
    g = np.arange(15, dtype=float).reshape(3, 5)
    assert np.allclose(x.tdot(g), dense.T @ g)


def test_softmax_fit_is_deterministic_and_learns() -> None:
    feats = [[f"w={i % 5}"] for i in range(50)]
    y = np.array([i % 5 for i in range(50)])
    x = design(feats, [f"w={k}" for k in range(5)])
    w1 = fit_softmax(x, y, np.ones(50), np.full(5, 1e-3))
    w2 = fit_softmax(x, y, np.ones(50), np.full(5, 1e-3))
    assert np.array_equal(w1, w2)
    assert (x.dot(w1).argmax(axis=1) == y).all()


def test_role_sets_are_well_formed() -> None:
    posts = role_sets()
    assert len(posts) >= 700 and len({p["id"] for p in posts}) == len(posts)
    assert {p["lang"] for p in posts} == {"es", "en", "pt", "fr", "ht"}
    for post in posts:
        for m in post["places"]:
            assert post["text"][m["start"] : m["end"]] == m["raw"]
        assert "[[" not in post["text"]


def test_role_set_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "ad": true, "markup": "de [[Xela|origen]]"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: role 'origen'"):
        read_role_set(bad)
    bad.write_text('{"id": "x", "markup": "truncated', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: not a role-set line"):
        read_role_set(bad)


@pytest.mark.timeout(600)
def test_model_beats_the_rules_on_writers_it_never_saw() -> None:
    """Leave two writers out (Spanish w1; en/pt/fr/ht w2), train on the others, and score
    both on the held-out writers' places: the model, and what ships, must be right more
    often than the rules."""
    posts = from_gold(role_sets(), "source", 1.0)
    ex: Examples = featurise(posts)
    held = {"w1", "w2"}
    train_rows = [i for i, g in enumerate(ex.groups) if g not in held]
    test_rows = [i for i, g in enumerate(ex.groups) if g in held]
    names, w = train(ex, train_rows, l2=0.003)
    gold = np.array([ex.labels[i] for i in test_rows])
    probs = probabilities(names, w, [ex.features[i] for i in test_rows])
    model = probs.argmax(axis=1)
    rules = np.array([ex.rule[i] for i in test_rows])
    shipped = np.array([settle(ex.rule[i], ex.stands[i], list(row))
                        for i, row in zip(test_rows, probs, strict=True)])
    model_acc, rules_acc = float((model == gold).mean()), float((rules == gold).mean())
    shipped_acc = float((shipped == gold).mean())
    assert len(test_rows) > 800
    assert model_acc > rules_acc + 0.02, (model_acc, rules_acc)
    assert shipped_acc > rules_acc + 0.02, (shipped_acc, rules_acc)


def test_every_role_set_file_is_documented() -> None:
    readme = (ROLE_SETS / "README.md").read_text(encoding="utf-8")
    for path in ROLE_SETS.glob("*.jsonl"):
        assert f"| {path.stem} |" in readme


def test_role_sets_read_crossing_as_design_does(places: PlaceExtractor) -> None:
    """DESIGN.md: crossing is a "border city or point where the border is crossed". A sea
    departure port (the gazetteer's default role ``origin``) and the Darién are never
    labelled crossing in the role sets (README: "One reading of crossing")."""
    wrong, checked = [], 0
    for post in role_sets():
        norm = normalise(post["text"])
        for span in places.extract(norm.text, []):
            start, end = norm.to_raw(span.start, span.end)
            gold = [m["role"] for m in post["places"] if m["start"] < end and start < m["end"]]
            port = span.entry.default_role == "origin" and span.entry.kind != "country"
            if gold and (port or span.entry.canonical.startswith("Darién")):
                checked += 1
                if gold[0] == "crossing":
                    wrong.append((post["source"], post["id"], span.entry.canonical))
    assert checked > 300
    assert not wrong, wrong[:10]

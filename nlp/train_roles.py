"""Fit the route-role model of ``nlp.role_model`` from the project's own role-marked posts.

    python -m nlp.train_roles            # writes nlp/data/role_weights.json
    python -m nlp.train_roles --report   # also: leave-one-source-out accuracy, rules vs model

Training posts: the hand-written role sets in ``fixtures/gold/roles/`` (``[[raw|role]]``
markup, one file per writer), ``fixtures/gold/handwritten.jsonl`` and templated posts from
``nlp.gold.generate`` with a seed distinct from the dev set's (weighted down: the rules were
written on templates, so there they teach the model only to copy the rules). The blind sets
and ``handwritten_blind.jsonl`` are never trained on.

Every post runs through the pipeline with the rules' roles only; each place found is paired
with the gold mark it overlaps and described by ``nlp.role_model.place_features``. The model
is an L2-regularised multinomial logistic regression, fitted by full-batch gradient descent
from zero weights: deterministic for given data.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp.gold.generate import HANDWRITTEN, generate, handwritten
from nlp.gold.roleset import role_sets
from nlp.pipeline import build_pipeline
from nlp.resources import DATA_DIR
from nlp.role_model import ROLES, PostContext, place_features, rule_stands, settle
from nlp.sparse import Array, Sparse

WEIGHTS = DATA_DIR / "role_weights.json"
TEMPLATE_WEIGHT = 0.25
MIN_COUNT = 2  # a feature seen once cannot generalise
RULE_L2 = 1e-4


@dataclass(frozen=True)
class RolePost:
    """A post's text, where it came from, and its gold place spans with roles."""

    id: str
    group: str  # the source the post came from: a writer's file or a template
    text: str
    lang: str | None
    platform: str | None
    marks: tuple[tuple[int, int, str], ...]
    weight: float = 1.0


def from_gold(posts: Iterable[dict[str, Any]], group_key: str, weight: float) -> list[RolePost]:
    """Turn gold records (ExtractResult shape plus ``text``) into role posts."""
    return [
        RolePost(
            str(p["id"]),
            str(p.get(group_key, p["id"])),
            p["text"],
            p.get("lang"),
            p.get("platform"),
            tuple((m["start"], m["end"], m["role"]) for m in p["places"]),
            weight,
        )
        for p in posts
    ]


@dataclass
class Examples:
    """One row per place the rules found and the gold marks: features, labels and sources."""

    features: list[list[str]]
    labels: list[int]
    rule: list[int]
    groups: list[str]
    weights: list[float]
    stands: list[bool] = field(default_factory=list)  # the rules' role is final (rule_stands)
    unmatched_gold: int = 0


def featurise(posts: Sequence[RolePost]) -> Examples:
    """Run the pipeline (rules' roles) over ``posts`` and pair its places with gold marks."""
    nlp = build_pipeline(overrides={"centinela_roles": {"model_file": ""}})  # rules' roles
    docs = []
    for post in posts:
        doc = nlp.make_doc(post.text)
        doc._.platform, doc._.lang_hint = post.platform, post.lang
        docs.append(doc)
    ex = Examples([], [], [], [], [])
    for post, doc in zip(posts, nlp.pipe(docs, batch_size=64), strict=True):
        norm = doc._.norm
        context = PostContext(norm.text, doc._.places, bool(doc._.is_smuggling_ad), doc._.lang)
        matched = 0
        for i, place in enumerate(doc._.places):
            start, end = norm.to_raw(place.start, place.end)
            gold = [r for s, e, r in post.marks if s < end and start < e]
            if not gold:
                continue
            matched += 1
            ex.features.append(place_features(context, i))
            ex.labels.append(ROLES.index(gold[0]))
            ex.rule.append(ROLES.index(place.role))
            ex.stands.append(rule_stands(context, i))
            ex.groups.append(post.group)
            ex.weights.append(post.weight)
        ex.unmatched_gold += max(0, len(post.marks) - matched)
    return ex


def design(features: Sequence[Sequence[str]], names: Sequence[str]) -> Sparse:
    """Return the 0/1 matrix of ``features`` over the columns ``names``."""
    index = {name: j for j, name in enumerate(names)}
    rows, cols = [], []
    for row, feats in enumerate(features):
        for j in sorted({index[f] for f in feats if f in index}):
            rows.append(row)
            cols.append(j)
    return Sparse(
        np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), (len(features), len(names))
    )


def fit_softmax(  # noqa: PLR0913
    x: Sparse,
    y: Array,
    sample_weight: Array,
    penalty: Array,
    steps: int = 400,
    rate: float = 0.5,
) -> Array:
    """Return (features × roles) weights of a multinomial logistic regression with a
    per-feature L2 ``penalty``.

    Full-batch gradient descent with Nesterov momentum from zero weights: deterministic.
    """
    onehot = np.eye(len(ROLES))[y]
    w = np.zeros((x.shape[1], len(ROLES)))
    velocity = np.zeros_like(w)
    total = float(sample_weight.sum())
    for _ in range(steps):
        ahead = w + 0.9 * velocity
        z = x.dot(ahead)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = x.tdot((p - onehot) * sample_weight[:, None]) / total + penalty[:, None] * ahead
        velocity = 0.9 * velocity - rate * grad
        w += velocity
    return w


def vocabulary(features: Sequence[Sequence[str]]) -> list[str]:
    """Features seen at least ``MIN_COUNT`` times (and always the bias), sorted."""
    counts = Counter(f for feats in features for f in set(feats))
    return sorted(f for f, c in counts.items() if c >= MIN_COUNT or f == "bias")


def penalties(names: Sequence[str], l2: float) -> Array:
    """L2 per feature: the rules' own role and the bias are hardly held back, so the model
    starts from the rules and the context features learn where to depart from them."""
    return np.array([RULE_L2 if n == "bias" or re.fullmatch(r"rule=\w+", n) else l2 for n in names])


def train(ex: Examples, rows: Sequence[int], l2: float) -> tuple[list[str], Array]:
    """Fit on the examples ``rows``; return the feature names and their weights."""
    names = vocabulary([ex.features[r] for r in rows])
    x = design([ex.features[r] for r in rows], names)
    y = np.array([ex.labels[r] for r in rows])
    w = fit_softmax(x, y, np.array([ex.weights[r] for r in rows]), penalties(names, l2))
    return names, w


def probabilities(names: Sequence[str], w: Array, features: Sequence[Sequence[str]]) -> Array:
    """Return P(role) of each feature list, one row per list."""
    z = design(features, names).dot(w)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    result: Array = e / e.sum(axis=1, keepdims=True)
    return result


def leave_one_source_out(ex: Examples, l2: float, sources: Sequence[str]) -> list[str]:
    """Per hand-written source: accuracy of the rules, of a model trained without it on every
    place, and of what ships (``settle``: the model, unless the rules' role stands and the
    model is unsure)."""
    lines = []
    for source in sources:
        test = [i for i, g in enumerate(ex.groups) if g == source]
        train_rows = [i for i, g in enumerate(ex.groups) if g != source]
        if not test:
            continue
        names, w = train(ex, train_rows, l2)
        probs = probabilities(names, w, [ex.features[i] for i in test])
        pred = probs.argmax(axis=1)
        gold = np.array([ex.labels[i] for i in test])
        rules = np.array([ex.rule[i] for i in test])
        shipped = np.array(
            [settle(ex.rule[i], ex.stands[i], list(r)) for i, r in zip(test, probs, strict=True)]
        )
        lines.append(
            f"{source:<14} places {len(test):>4}  rules {float((rules == gold).mean()):.3f}"
            f"  model {float((pred == gold).mean()):.3f}"
            f"  shipped {float((shipped == gold).mean()):.3f}"
        )
    return lines


def load_posts(seed: int, n_templates: int) -> list[RolePost]:
    """The training posts: hand-written role sets, handwritten.jsonl, templated posts."""
    posts: list[RolePost] = []
    posts += from_gold(role_sets(), "source", 1.0)
    posts += from_gold(handwritten(HANDWRITTEN), "origin", 1.0)
    for p in (templated := generate(seed, n_templates)):
        p["template"] = f"template-{p.get('template', p['id'])}"
    posts += from_gold(templated, "template", TEMPLATE_WEIGHT)
    return posts


def main(argv: list[str] | None = None) -> None:
    """Train, optionally report held-out accuracy, and write the weights file."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=2002, help="templated posts' seed")
    parser.add_argument("--templates", type=int, default=600, help="templated posts")
    parser.add_argument("--l2", type=float, default=0.003)
    parser.add_argument(
        "--report",
        action="store_true",
        help="print leave-one-source-out accuracy of rules and model",
    )
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    posts = load_posts(args.seed, args.templates)
    ex = featurise(posts)
    hand = sorted({p.group for p in posts if not p.group.startswith("template-")})
    print(
        f"{len(posts)} posts, {len(ex.labels)} places paired with gold "
        f"({ex.unmatched_gold} gold marks not found by the gazetteer)"
    )
    if args.report:
        print("\n".join(leave_one_source_out(ex, args.l2, hand)))
    names, w = train(ex, list(range(len(ex.labels))), args.l2)
    keep = [j for j in range(len(names)) if float(np.abs(w[j]).max()) >= 1e-3]
    args.out.write_text(
        json.dumps(
            {
                "version": f"roles-seed{args.seed}-n{len(ex.labels)}",
                "trained_on": f"fixtures/gold/roles/*.jsonl + handwritten.jsonl + "
                f"nlp.gold.generate seed={args.seed} n={args.templates} (weight "
                f"{TEMPLATE_WEIGHT})",
                "l2": args.l2,
                "roles": list(ROLES),
                "weights": {names[j]: [round(float(v), 4) for v in w[j]] for j in keep},
            },
            ensure_ascii=False,
            sort_keys=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out}: {len(keep)} features")


if __name__ == "__main__":
    main()

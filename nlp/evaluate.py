"""Score predicted nlp blocks against gold: precision/recall/F1 per field, role accuracy.

Matching follows DESIGN.md's normalisation rules: prices by (amount, currency), places by
canonical name (case- and accent-insensitive), contacts by (type, value), aliases by value
(case-insensitive). Mentions are compared as multisets per post, so a repeated mention counts.
Tags (services, transport modes, payment terms) are compared as sets per post, and scored
only when the gold file annotates them (some post has one); the templated dev set does not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from nlp.textmap import fold

Post = Mapping[str, Any]
FIELDS = ("classification", "prices", "places", "contacts", "aliases")
TAG_FIELDS = ("services", "transport_modes", "payment_terms")


@dataclass
class Score:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted items that are right (1.0 when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of gold items that were found (1.0 when there was nothing to find)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores per field, place-role accuracy, negative rejection rate and per-post misses."""

    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    role_correct: int = 0
    role_total: int = 0
    negatives: int = 0
    negatives_rejected: int = 0
    posts: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def role_accuracy(self) -> float:
        """Share of matched places whose route role is right."""
        return self.role_correct / self.role_total if self.role_total else 1.0

    @property
    def negative_rejection(self) -> float:
        """Share of gold negatives the classifier rejected."""
        return self.negatives_rejected / self.negatives if self.negatives else 1.0

    def levels(self) -> dict[str, float]:
        """Return the headline numbers as a flat dict (what levels.json records)."""
        out = {f"{name}_f1": round(s.f1, 4) for name, s in self.scores.items()}
        out["role_accuracy"] = round(self.role_accuracy, 4)
        out["negative_rejection"] = round(self.negative_rejection, 4)
        return out


KEYS: dict[str, Callable[[Mapping[str, Any]], tuple[Any, ...]]] = {
    "prices": lambda m: (round(float(m["amount"]), 2), m["currency"]),
    "places": lambda m: (fold(m["canonical"]),),
    "contacts": lambda m: (m["type"], m["value"]),
    "aliases": lambda m: (fold(m["value"]).strip(),),
}


def _compare(
    report: Report, name: str, gold: Sequence[Post], pred: Sequence[Post], pid: str
) -> None:
    key = KEYS[name]
    g, p = Counter(key(m) for m in gold), Counter(key(m) for m in pred)
    tp = sum((g & p).values())
    score = report.scores[name]
    score.tp += tp
    score.fp += sum(p.values()) - tp
    score.fn += sum(g.values()) - tp
    for item in g - p:
        report.errors.append(f"{pid} {name} missed {item}")
    for item in p - g:
        report.errors.append(f"{pid} {name} spurious {item}")


def _compare_tags(report: Report, name: str, gold: set[str], pred: set[str], pid: str) -> None:
    score = report.scores[name]
    score.tp += len(gold & pred)
    score.fp += len(pred - gold)
    score.fn += len(gold - pred)
    for item in sorted(gold - pred):
        report.errors.append(f"{pid} {name} missed {item}")
    for item in sorted(pred - gold):
        report.errors.append(f"{pid} {name} spurious {item}")


def _as_dict(post: Post | BaseModel) -> Post:
    return post.model_dump() if isinstance(post, BaseModel) else post


def evaluate(gold: Sequence[Post | BaseModel], pred: Sequence[Post | BaseModel]) -> Report:
    """Compare predictions to gold posts, joined on ``id``; a missing prediction scores empty.

    Posts are dicts in the ExtractResult shape or ExtractResult models.
    """
    by_id = {p["id"]: p for p in map(_as_dict, pred)}
    gold_posts = [_as_dict(g) for g in gold]
    report = Report()
    tags = [name for name in TAG_FIELDS if any(g.get(name) for g in gold_posts)]
    report.scores.update((name, Score()) for name in tags)
    for g in gold_posts:
        p = by_id.get(g["id"], {"is_smuggling_ad": False})
        report.posts += 1
        truth, guess = bool(g["is_smuggling_ad"]), bool(p.get("is_smuggling_ad"))
        cls = report.scores["classification"]
        cls.tp += truth and guess
        cls.fp += guess and not truth
        cls.fn += truth and not guess
        if not truth:
            report.negatives += 1
            report.negatives_rejected += not guess
        if truth != guess:
            report.errors.append(f"{g['id']} classification gold={truth} pred={guess}")
        for name in KEYS:
            _compare(report, name, g.get(name, ()), p.get(name, ()), str(g["id"]))
        for name in tags:
            _compare_tags(report, name, set(g.get(name) or ()), set(p.get(name) or ()), g["id"])
        _roles(report, g, p)
    return report


def _roles(report: Report, gold: Post, pred: Post) -> None:
    """Compare roles of places found in both, pairing repeated places in text order."""
    predicted: dict[str, list[str]] = {}
    for m in pred.get("places", ()):
        predicted.setdefault(fold(m["canonical"]), []).append(m.get("role", "unknown"))
    for m in gold.get("places", ()):
        queue = predicted.get(fold(m["canonical"]))
        if not queue:
            continue
        role = queue.pop(0)
        report.role_total += 1
        report.role_correct += role == m.get("role")
        if role != m.get("role"):
            report.errors.append(f"{gold['id']} role {m['raw']!r} gold={m.get('role')} pred={role}")


def format_report(report: Report) -> str:
    """Return the report as a small fixed-width table."""
    lines = [f"{'field':<15}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for name, s in report.scores.items():
        lines.append(
            f"{name:<15}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}"
        )
    roles = f"({report.role_correct}/{report.role_total})"
    rejected = f"({report.negatives_rejected}/{report.negatives})"
    lines.append(f"{'role accuracy':<15}{report.role_accuracy:>8.3f}  {roles}")
    lines.append(f"{'negatives rej.':<15}{report.negative_rejection:>8.3f}  {rejected}")
    lines.append(f"posts: {report.posts}")
    return "\n".join(lines)

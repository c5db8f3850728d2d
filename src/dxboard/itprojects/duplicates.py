"""Duplicate candidates: systems doing the same job for overlapping users in different units.

After the 2025 merger the province runs pairs of systems built by old Bắc Ninh and old Bắc Giang for
the same purpose. Two systems are a candidate pair when they are not retired, belong to different
owner units, and either share the same `function` key, or share the domain and their names and
purposes read alike (character trigram Jaccard similarity on diacritic-folded text). Pairs whose
levels served overlap and whose origins differ (one from each former province) score higher.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re

from dxboard.core.text import fold

SAME_FUNCTION_MIN = 0.0  # the same declared function is enough
SAME_DOMAIN_MIN = 0.6  # same domain only: the texts must read alike
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"he", "thong", "phan", "mem", "cua", "va", "cho", "cac", "tinh", "bac", "ninh", "giang", "so", "tren",
         "dia", "ban", "quan", "ly", "the", "system", "of", "and", "for"}


def trigrams(text: str) -> set[str]:
    """Character trigrams of the folded words of `text`, common words left out."""
    words = [w for w in _WORD.findall(fold(text or "")) if w not in _STOP]
    grams: set[str] = set()
    for w in words:
        padded = f" {w} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def tfidf_vectors(texts: dict) -> dict:
    """{key: {trigram: weight}}, each vector of unit length (binary TF, smoothed IDF)."""
    grams = {k: trigrams(t) for k, t in texts.items()}
    n = len(grams)
    df: dict[str, int] = {}
    for g in grams.values():
        for t in g:
            df[t] = df.get(t, 0) + 1
    vectors = {}
    for k, g in grams.items():
        weights = {t: math.log((1 + n) / (1 + df[t])) + 1 for t in g}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors[k] = {t: w / norm for t, w in weights.items()}
    return vectors


def cosine(a: dict, b: dict) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _levels_overlap(a: str, b: str) -> bool:
    return a == b or "both" in (a, b)


@dataclasses.dataclass
class Pair:
    a: object
    b: object
    similarity: float
    same_function: bool
    cross_origin: bool
    levels_overlap: bool
    score: float


def candidates(systems, limit: int | None = None) -> list[Pair]:
    """Candidate pairs among `systems`, most likely first."""
    live = [s for s in systems if s.stage != "retired"]
    vectors = tfidf_vectors({s.pk: f"{s.name} {s.purpose}" for s in live})
    pairs: list[Pair] = []
    for a, b in itertools.combinations(live, 2):
        if a.owner_id == b.owner_id:
            continue
        same_function = bool(a.function) and a.function == b.function
        if not same_function and a.domain != b.domain:
            continue
        similarity = cosine(vectors[a.pk], vectors[b.pk])
        if similarity < (SAME_FUNCTION_MIN if same_function else SAME_DOMAIN_MIN):
            continue
        cross_origin = bool(a.origin_id and b.origin_id and a.origin_id != b.origin_id)
        overlap = _levels_overlap(a.level, b.level)
        score = similarity + (0.4 if same_function else 0) + (0.2 if cross_origin else 0) + (0.1 if overlap else 0)
        first, second = sorted((a, b), key=lambda s: s.pk)
        pairs.append(Pair(first, second, round(similarity, 3), same_function, cross_origin, overlap, round(score, 3)))
    pairs.sort(key=lambda p: (-p.score, p.a.pk, p.b.pk))
    return pairs[:limit] if limit else pairs


def for_system(system, systems) -> list[Pair]:
    return [p for p in candidates(systems) if system.pk in (p.a.pk, p.b.pk)]

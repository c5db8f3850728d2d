"""A routing suggestion learned from the province's own routed history.

TF-IDF over character n-grams (2–4, within words: robust to missing diacritics and typos in
Vietnamese) of category + commune + text, and a logistic regression. The label is the unit that
answered the report (a report re-routed before its answer teaches the right unit, not the first
guess). A person always confirms; the suggestion and its confidence are stored on the assignment, so
routing accuracy is measured on real decisions too.
"""

import dataclasses
import random
import re

from dxboard.core.text import fold

MIN_EXAMPLES = 10
_cache: dict = {}


def features(report) -> str:
    return text_features(report.category.code, report.commune.code if report.commune_id else "", report.description)


def text_features(category_code: str, commune_code: str, description: str) -> str:
    return f"[{category_code}] [{commune_code or '-'}] {fold(description)}"


def _phrase(row) -> str:
    """A row's text without its numbers: reports that differ only by a house number or a count are the
    same phrase, and a phrase seen in training would make a held-out score flatter the classifier."""
    return " ".join(re.sub(r"\d+", "", row[0].split("] ", 2)[-1]).split())


def training_rows():
    from .models import Answer

    rows = []
    for a in Answer.objects.select_related("report__category", "report__commune", "unit").order_by("pk"):
        rows.append((features(a.report), a.unit_id))
    return rows


def _fit(texts, labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1),
                          LogisticRegression(max_iter=1000, C=5.0))
    model.fit(texts, labels)
    return model


def model():
    rows = training_rows()
    if len(rows) < MIN_EXAMPLES or len({label for _, label in rows}) < 2:
        return None
    key = (len(rows), rows[-1])
    if _cache.get("key") != key:
        _cache["key"], _cache["model"] = key, _fit([t for t, _ in rows], [label for _, label in rows])
    return _cache["model"]


@dataclasses.dataclass
class Suggestion:
    unit: object
    confidence: float


def suggest(report) -> Suggestion | None:
    from dxboard.units.models import Unit

    m = model()
    if m is None:
        return None
    proba = m.predict_proba([features(report)])[0]
    best = int(proba.argmax())
    unit = Unit.objects.filter(pk=m.classes_[best]).first()
    return Suggestion(unit, float(proba[best])) if unit else None


def evaluate(held_out: list[tuple[str, object]] | None = None, test_share: float = 0.2, seed: int = 42) -> dict:
    """Accuracy on reports the classifier did not learn from: `held_out` rows (text_features, unit pk) when
    given, trained on the whole history; otherwise a split of the history (shuffled with a fixed seed) in
    which no held-out phrase also occurs in training (`_phrase`), so a repeated text is never scored."""
    rows = training_rows()
    if held_out is not None:
        train, test = rows, list(held_out)
    else:
        random.Random(seed).shuffle(rows)
        n_test = max(1, int(len(rows) * test_share))
        test, train = rows[:n_test], rows[n_test:]
    seen = {_phrase(row) for row in train}
    test = [row for row in test if _phrase(row) not in seen]
    if len(train) < MIN_EXAMPLES or len({label for _, label in train}) < 2 or not test:
        return {"train": len(train), "test": len(test), "accuracy": None}
    m = _fit([t for t, _ in train], [label for _, label in train])
    predicted = m.predict([t for t, _ in test])
    correct = sum(int(p == label) for p, (_, label) in zip(predicted, test, strict=True))
    return {"train": len(train), "test": len(test), "accuracy": round(correct / len(test), 3)}


def decision_accuracy() -> dict:
    """Of the first routings of answered reports: how often the first unit chosen answered, and how
    often the suggestion (when there was one) named the unit that answered."""
    from .models import Answer, Assignment

    first_right = total = sugg_right = sugg_total = 0
    for a in Answer.objects.select_related("report"):
        first = Assignment.objects.filter(report=a.report).order_by("assigned_at", "pk").first()
        if first is None:
            continue
        total += 1
        first_right += int(first.unit_id == a.unit_id)
        if first.suggested_unit_id:
            sugg_total += 1
            sugg_right += int(first.suggested_unit_id == a.unit_id)
    return {"routed": total, "first_routing_right": round(first_right / total, 3) if total else None,
            "suggested": sugg_total, "suggestion_right": round(sugg_right / sugg_total, 3) if sugg_total else None}

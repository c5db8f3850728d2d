"""The statistical audit page for the standing office: how the index behaves (correlations,
Cronbach's alpha, PCA, outliers) and what-if weights. Nothing here touches the official result."""

import math

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

import dxindex
from dxindex.audit import audit

from . import scoring
from .models import Campaign, Submission
from .views import _is_staff_reader


def what_if(payload: dict, weights: dict[str, float]) -> list[dict]:
    """Ranks when the main indices are weighted differently: score = Σ wᵢ·pointsᵢ / Σ wᵢ·maxᵢ."""
    parts = payload["main"]
    rows = []
    for code, unit in payload["units"].items():
        num = sum(weights[p] * (unit["points"].get(p) or 0.0) for p in parts)
        den = sum(weights[p] * (unit["max"].get(p) or 0.0) for p in parts)
        rows.append({"code": code, "name": unit["name"], "official": (unit.get("ranks") or {}).get(payload["root"]),
                     "score": num / den if den else None})
    values = np.array([r["score"] if r["score"] is not None else -1.0 for r in rows])
    for row, value in zip(rows, values, strict=True):
        row["rank"] = int((values > value).sum()) + 1
        row["shift"] = (int(row["official"]) - row["rank"]) if row["official"] is not None else None
    return sorted(rows, key=lambda r: r["rank"])


# The engine's column names, as the page reads them (a column not listed keeps its name, marked as a code).
COLUMN_LABELS = {
    "aggregate": _("Index"), "iCode": _("Indicator"), "parent": _("Parent index"), "r": _("Correlation"),
    "alpha": _("Cronbach's alpha"), "k": _("Components"), "n": _("Complete units"),
    "min": _("Minimum"), "max": _("Maximum"), "mean": _("Mean"), "median": _("Median"), "std": _("Standard deviation"),
    "skew": _("Skewness"), "kurt": _("Kurtosis"),
    "n_avail": _("Units with data"), "frc_avail": _("Share with data"), "flag_avail": _("Little data"),
    "n_nonzero": _("Units above zero"), "frc_nonzero": _("Share above zero"), "flag_nonzero": _("Mostly zero"),
    "n_same": _("Units on the most common value"), "frc_same": _("Share on the most common value"),
    "n_unique": _("Distinct values"), "frc_unique": _("Share of distinct values"),
    "flag_unique": _("Few distinct values"),
    "flag_skewkurt": _("Outliers"),
}


def _table(frame, limit=None):
    frame = frame.reset_index() if frame.index.name else frame
    records = frame.head(limit).to_dict("records") if limit else frame.to_dict("records")
    def cell(v):
        if isinstance(v, float):
            return None if math.isnan(v) else round(v, 4)
        return v

    clean = [{k: cell(v) for k, v in r.items()} for r in records]
    return {"columns": [COLUMN_LABELS.get(c, c) for c in frame.columns], "rows": clean}


@login_required
def audit_page(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("official", "framework"), pk=pk)
    if not _is_staff_reader(request.user) or campaign.official is None:
        raise Http404
    payload = campaign.official.payload
    weights = {}
    for part in payload["main"]:
        try:
            weights[part] = max(0.0, float(request.GET.get(f"w_{part}", "1").replace(",", ".")))
        except ValueError:
            weights[part] = 1.0
    # the units the result ranks: those that sent their form (see results.build_snapshot)
    submissions = list(scoring.with_answers(Submission.objects.filter(campaign=campaign)
                                            .exclude(status=Submission.Status.DRAFT)).order_by("unit__code"))
    data = scoring.dataset(submissions, campaign.official.basis)
    engine = campaign.framework.engine()
    tables = audit(engine, data, dxindex.compute(engine, data))
    main = [payload["root"], *payload["main"]]
    indicators = tables["indicators"]
    flagged = indicators[indicators.get("flag_skewkurt", False) == True] if "flag_skewkurt" in indicators else None  # noqa: E712
    return render(request, "index/audit.html", {
        "campaign": campaign, "weights": weights, "what_if": what_if(payload, weights),
        "cronbach": _table(tables["cronbach"]),
        "pca": _table(tables["pca_variance"]) if "pca_variance" in tables else None,
        "parents": _table(tables["parents"][tables["parents"]["parent"].isin(main)]),
        "outliers": _table(flagged) if flagged is not None else None,
        "availability": _table(indicators[["n_avail"]] if "n_avail" in indicators else indicators.iloc[:, :1]),
    })

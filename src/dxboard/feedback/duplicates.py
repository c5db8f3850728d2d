"""Possible duplicates: same category, close by (or same commune when there is no point), recent,
and similar text (Jaccard similarity of character trigrams of the folded text)."""

import datetime
import math

from dxboard.core.text import fold

from .models import OPEN_STATUSES, Report

RADIUS_M = 200
DAYS = 30


def distance_m(lat1, lon1, lat2, lon2) -> float:
    r = 6371000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def trigrams(text: str) -> set[str]:
    t = f"  {fold(text)} "
    return {t[i:i + 3] for i in range(len(t) - 2)}


def similarity(a: str, b: str) -> float:
    x, y = trigrams(a), trigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def candidates(report: Report, limit: int = 5) -> list[tuple[Report, float, float | None]]:
    """(report, text similarity, distance in metres) of likely duplicates, best first."""
    since = report.created_at - datetime.timedelta(days=DAYS)
    qs = (Report.objects.filter(category=report.category, created_at__gte=since, merged_into__isnull=True,
                                status__in=[*OPEN_STATUSES, "answered"])
          .exclude(pk=report.pk).select_related("category"))
    found = []
    for other in qs[:500]:
        dist = None
        if None not in (report.latitude, report.longitude, other.latitude, other.longitude):
            dist = distance_m(report.latitude, report.longitude, other.latitude, other.longitude)
            if dist > RADIUS_M:
                continue
        elif not (report.commune_id and report.commune_id == other.commune_id):
            continue
        sim = similarity(report.description, other.description)
        if sim >= 0.2:
            found.append((other, round(sim, 2), None if dist is None else round(dist)))
    return sorted(found, key=lambda f: -f[1])[:limit]

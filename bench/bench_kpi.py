"""Benchmark of the KPI module on PostgreSQL: province roll-up of one metric over a year, and a push of
10,000 observations in one batch.

    python bench/bench_kpi.py --out var/bench/kpi.json [--database-url postgres://…/dxboard_bench]
                              [--communes 3321] [--metrics 30] [--years 10]

Builds its own database (dropped and re-created: `dxboard_bench` by default, never the working one),
migrates it, and fills it with SQL (generate_series): `communes` communes × `metrics` weekly metrics
× `years` years of weekly observations (numerator ≤ denominator, deterministic). Then:
- rollup: `rollup.province(metric, 1 Jan, 31 Dec)` — Σ numerator / Σ denominator over every commune
  and week of one year (3,321 × 52 rows at full scale) — median of 15 runs after one warm-up. It reads
  the preferred source's rows only (`is_preferred`, kept at write time): an index-only scan of the
  partial unique index `kpi_obs_preferred` (metric, period_start, unit) INCLUDE (numerator, denominator)
  WHERE is_preferred, so rows of lower-priority sources are not even in the index. The
  baseline, measured in the same run, is the same query with index scans disabled (sequential scan).
- push: `POST /api/v1/kpi/observations/` with 10,000 new observations in one batch (source token),
  through the real view, validation, upsert and audit (after one warm-up request of one row); then the
  same batch again (all unchanged) and
  a batch correcting every value (10,000 revisions kept). Baseline: the same rows stored one by one
  through `actions.store_observations` (1,000 rows, extrapolated ×10).
Targets: roll-up < 100 ms; push of 10,000 < 5 s. Exit status 1 when a target is missed; 0 with
`"skipped"` when PostgreSQL is not reachable.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _admin_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def _recreate(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _fill(communes: int, metrics: int, years: int) -> dict:
    from django.db import connection

    from dxboard.kpi.models import Metric

    codes = [f"B{i:02d}" for i in range(metrics)]
    Metric.objects.bulk_create([Metric(code=c, name=f"Bench {c}", numerator_label="n", denominator_label="d",
                                       frequency="weekly", unit_kinds=["commune"]) for c in codes])
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("""INSERT INTO units_unit (code, official_code, name, name_en, short_name, kind, admin_type,
                       search_text) VALUES ('P', '', 'Province', '', '', 'province', '', 'province')""")
        cur.execute("""INSERT INTO units_unit (code, official_code, name, name_en, short_name, kind, admin_type,
                       parent_id, search_text)
                       SELECT 'C' || g, '', 'Xã ' || g, '', '', 'commune', 'Xã',
                              (SELECT id FROM units_unit WHERE code = 'P'), 'xa ' || g
                       FROM generate_series(1, %s) g""", [communes])
        cur.execute("""
            INSERT INTO kpi_observation (metric_id, unit_id, period, period_start, period_end, numerator,
                                         denominator, value, source, is_current, is_preferred, created, is_demo)
            SELECT m.id, u.id, to_char(d, 'IYYY-"W"IW'), d::date, (d + interval '6 days')::date,
                   n, den, n / den, 'bench', true, true, now(), false
            FROM kpi_metric m
            JOIN units_unit u ON u.kind = 'commune'
            CROSS JOIN generate_series(date '2016-01-04', date '2016-01-04' + (%s * 52 - 1) * interval '7 days',
                                       interval '7 days') d
            CROSS JOIN LATERAL (SELECT 100 + (u.id * 7 + m.id * 13) %% 400 AS den0) a
            CROSS JOIN LATERAL (SELECT a.den0::float AS den,
                                       floor(a.den0 * (0.80 + ((u.id * 31 + extract(week from d)::int * 17
                                             + m.id) %% 20) / 100.0))::float AS n) b
            WHERE m.code LIKE 'B%%'""", [years])
        cur.execute("ANALYZE kpi_observation")
        cur.execute("SELECT count(*) FROM kpi_observation")
        rows = cur.fetchone()[0]
    return {"rows": rows, "fill_seconds": round(time.perf_counter() - t0, 1), "metric_codes": codes}


def _vacuum() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                         password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) kpi_observation")


def _time(fn, runs=15) -> float:
    fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("var/bench/kpi.json"))
    parser.add_argument("--database-url", default=os.environ.get("KPI_BENCH_DATABASE_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/dxboard_bench"))
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--metrics", type=int, default=30)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        _recreate(args.database_url)
    except Exception as exc:  # noqa: BLE001 — no PostgreSQL here: say so
        args.out.write_text(json.dumps({"skipped": f"PostgreSQL not reachable: {exc}"}, indent=2))
        print("skipped:", exc)
        return 0
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxboard.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    filled = _fill(args.communes, args.metrics, args.years)
    _vacuum()

    from django.db import connection, transaction
    from django.test import Client

    from dxboard.kpi import actions, rollup
    from dxboard.kpi.models import Metric, Observation, SourceSystem
    from dxboard.units.models import Unit

    metric = Metric.objects.get(code=filled["metric_codes"][0])
    import datetime

    year = 2016 + args.years // 2
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    figure = rollup.province(metric, start, end)
    rollup_s = _time(lambda: rollup.province(metric, start, end))
    with connection.cursor() as cur:
        cur.execute("SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off")
    baseline_rollup_s = _time(lambda: rollup.province(metric, start, end), runs=3)
    with connection.cursor() as cur:
        cur.execute("RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan")
    with connection.cursor() as cur:
        cur.execute("EXPLAIN SELECT SUM(numerator), SUM(denominator) FROM kpi_observation WHERE metric_id = %s "
                    "AND is_preferred AND period_start BETWEEN %s AND %s", [metric.pk, start, end])
        plan = [r[0] for r in cur.fetchall()]

    system = SourceSystem(code="bench", name="bench")
    token = system.new_token()
    system.save()
    system.metrics.set(Metric.objects.filter(code__in=filled["metric_codes"][:4]))
    codes = list(Unit.objects.filter(kind="commune").order_by("pk").values_list("code", flat=True))
    weeks = [f"{2016 + args.years}-W{w:02d}" for w in (1, 2, 3, 4)]
    batch = []
    for week in weeks:
        for m in filled["metric_codes"][:4]:
            for code in codes:
                if len(batch) == 10000:
                    break
                batch.append({"metric": m, "unit": code, "period": week, "numerator": 80, "denominator": 100})
    client = Client()
    body = json.dumps({"observations": batch})

    def push(payload):
        t0 = time.perf_counter()
        response = client.post("/api/v1/kpi/observations/", payload, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200, response.content[:500]
        return time.perf_counter() - t0, response.json()

    push(json.dumps({"observations": [batch[0] | {"period": f"{2016 + args.years}-W09"}]}))  # warm-up request
    push_s, push_counts = push(body)
    again_s, again_counts = push(body)
    corrected = json.dumps({"observations": [r | {"numerator": 81} for r in batch]})
    correct_s, correct_counts = push(corrected)
    one = [r | {"period": f"{2016 + args.years}-W10"} for r in batch[:1000]]
    t0 = time.perf_counter()
    for row in one:
        with transaction.atomic():
            actions.store_observations(acting_user=None, rows=[row], source="bench-one", check_alerts=False)
    baseline_push_s = (time.perf_counter() - t0) * 10

    result = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "postgresql": connection.pg_version},
        "data": {"communes": args.communes, "metrics": args.metrics, "years": args.years,
                 "observations": Observation.objects.count(),
                 "fill_seconds": filled["fill_seconds"]},
        "rollup": {"metric": metric.code, "year": year, "rows": figure.count, "value": round(figure.value, 6),
                   "median_ms": round(rollup_s * 1000, 2), "target_ms": 100,
                   "baseline_seq_scan_ms": round(baseline_rollup_s * 1000, 2),
                   "speedup": round(baseline_rollup_s / rollup_s, 1), "plan": plan},
        "push": {"observations": len(batch), "seconds": round(push_s, 3), "counts": push_counts, "target_s": 5,
                 "same_batch_again_s": round(again_s, 3), "again_counts": again_counts,
                 "correction_batch_s": round(correct_s, 3), "correction_counts": correct_counts,
                 "baseline_one_by_one_s": round(baseline_push_s, 2),
                 "speedup": round(baseline_push_s / push_s, 1)},
    }
    result["ok"] = rollup_s < 0.1 and push_s < 5
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

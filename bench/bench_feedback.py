"""Benchmark of citizen feedback: submissions through the citizen's page, retries of the same
submission, Open311 reads, and the handling figures over a year of reports.

    python bench/bench_feedback.py --out var/bench/feedback.json [--database-url postgres://…/dxboard_bench_fb]
                                   [--reports 20000] [--submissions 200]

Builds its own database (SQLite file under var/bench by default; with --database-url a PostgreSQL database
dropped and re-created, never the working one), migrates it and fills it with `reports` reports spread
over 365 days in 20 communes, each routed and most answered (bulk inserts). Then:
- submit: `submissions` reports POSTed to /feedback/new/ (JSON, one photo re-encoded each), median ms;
  baseline: the same number of bare `Report` + `PersonalData` inserts (no checks, no photo, no audit).
- retry: the same submissions again with the same idempotency keys (the stored answer), median ms.
- open311: GET /open311/v2/requests.json over the last 90 days (up to 1,000 rows), median of 5.
- figures: `figures.table()` over every assignment (the public page's table), median of 3.
Targets: submit < 250 ms, retry < 50 ms, open311 < 1 s, figures < 3 s. Exit status 1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime
import io
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
TARGETS = {"submit_ms": 250, "retry_ms": 50, "open311_ms": 1000, "figures_ms": 3000}


def _recreate_pg(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(urlunparse(urlparse(url)._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1280, 960), (120, 90, 60)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _fill(n: int) -> dict:
    from django.utils import timezone

    from dxboard.feedback.models import Answer, Assignment, Category, ConsentVersion, Report, ReportEvent
    from dxboard.units.models import Unit

    province = Unit.objects.create(code="BP", name="Tỉnh", kind="province")
    communes = Unit.objects.bulk_create([Unit(code=f"BC{i}", name=f"Xã {i}", kind="commune", parent=province,
                                              search_text=f"xa {i}") for i in range(20)])
    cats = Category.objects.bulk_create([Category(code=f"c{i}", name=f"Lĩnh vực {i}", on_site=False) for i in range(8)])
    ConsentVersion.objects.create(version="bench", text="Đồng ý")
    now = timezone.now()
    t0 = time.perf_counter()
    reports, stays, answers, events = [], [], [], []
    for i in range(n):
        at = now - datetime.timedelta(days=i % 365, hours=i % 24)
        reports.append(Report(code=f"PAKN.{at:%Y%m%d}.{i:06d}", access_key="x", idempotency_key=f"bench-{i}",
                              body_hash="0", category=cats[i % 8], description=f"Phản ánh thử số {i}",
                              commune=communes[i % 20], latitude=21.1 + (i % 100) / 1000,
                              longitude=106.0 + (i % 97) / 1000, status="answered" if i % 5 else "in_progress",
                              unit=communes[i % 20], deadline=at + datetime.timedelta(days=5)))
    Report.objects.bulk_create(reports, batch_size=2000)
    Report.objects.update(created_at=now)  # auto_now_add: spread below through the assignments
    for r in Report.objects.only("pk", "unit_id", "status", "code").iterator():
        i = int(r.code.rsplit(".", 1)[1])
        at = now - datetime.timedelta(days=i % 365, hours=i % 24)
        stays.append(Assignment(report_id=r.pk, unit_id=r.unit_id, assigned_at=at,
                                deadline=at + datetime.timedelta(days=5),
                                first_response_at=at + datetime.timedelta(hours=3),
                                ended_at=(at + datetime.timedelta(hours=10 + i % 200)
                                          if r.status == "answered" else None),
                                outcome="answered" if r.status == "answered" else "open"))
        events.append(ReportEvent(report_id=r.pk, kind="received"))
    Assignment.objects.bulk_create(stays, batch_size=2000)
    ReportEvent.objects.bulk_create(events, batch_size=2000)
    for a in Assignment.objects.filter(outcome="answered").iterator():
        answers.append(Answer(report_id=a.report_id, assignment_id=a.pk, unit_id=a.unit_id, text="Đã xử lý",
                              answered_at=a.ended_at))
    Answer.objects.bulk_create(answers, batch_size=2000)
    return {"reports": n, "fill_seconds": round(time.perf_counter() - t0, 1), "category": cats[0].pk,
            "commune": communes[0].pk}


def _median_ms(samples) -> float:
    return round(statistics.median(samples) * 1000, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("var/bench/feedback.json"))
    parser.add_argument("--database-url", default=os.environ.get("FEEDBACK_BENCH_DATABASE_URL", ""))
    parser.add_argument("--reports", type=int, default=20000)
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        _recreate_pg(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        path = (args.out.parent / "feedback-bench.sqlite3").resolve()
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxboard.settings.test")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = args.out.parent / "feedback-media"
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    filled = _fill(args.reports)

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    from dxboard.feedback import figures
    from dxboard.feedback.models import ConsentVersion, PersonalData, Report

    settings.FEEDBACK_RATE_PER_DEVICE = 10**9
    from dxboard.feedback import actions

    actions.RATE_PER_DEVICE = actions.RATE_PER_ADDRESS = 10**9
    client = Client()
    photo = _jpeg()

    def post(i):
        data = {"idempotency_key": f"sub-{i}", "category": filled["category"], "description": f"Ổ gà số {i}",
                "commune": filled["commune"], "consent": "on", "name": "Bench",
                "photos": SimpleUploadedFile("p.jpg", photo, content_type="image/jpeg")}
        t0 = time.perf_counter()
        response = client.post("/feedback/new/", data, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.content[:300]
        return time.perf_counter() - t0

    submit = [post(i) for i in range(args.submissions)]
    retry = [post(i) for i in range(args.submissions)]
    consent = ConsentVersion.objects.first()
    base = []
    for i in range(args.submissions):
        t0 = time.perf_counter()
        r = Report.objects.create(code=f"BASE.{i:06d}", access_key="x", idempotency_key=f"base-{i}", body_hash="0",
                                  category_id=filled["category"], description="x", commune_id=filled["commune"])
        PersonalData.objects.create(report=r, name="Bench", consent=consent)
        base.append(time.perf_counter() - t0)
    o311 = []
    for _ in range(6):
        t0 = time.perf_counter()
        response = client.get("/open311/v2/requests.json")
        assert response.status_code == 200
        o311.append(time.perf_counter() - t0)
    rows = len(response.json())
    fig = []
    for _ in range(4):
        t0 = time.perf_counter()
        table = figures.table()
        fig.append(time.perf_counter() - t0)
    result = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "database": connection.vendor},
        "data": filled,
        "submit": {"n": args.submissions, "median_ms": _median_ms(submit), "target_ms": TARGETS["submit_ms"],
                   "baseline_bare_insert_ms": _median_ms(base)},
        "retry": {"median_ms": _median_ms(retry), "target_ms": TARGETS["retry_ms"],
                  "duplicates": Report.objects.filter(idempotency_key__startswith="sub-").count() - args.submissions},
        "open311": {"rows": rows, "median_ms": _median_ms(o311[1:]), "target_ms": TARGETS["open311_ms"]},
        "figures": {"units": len(table["units"]), "received": table["total"].received,
                    "median_ms": _median_ms(fig[1:]), "target_ms": TARGETS["figures_ms"]},
    }
    ok = (result["submit"]["median_ms"] < TARGETS["submit_ms"] and result["retry"]["median_ms"] < TARGETS["retry_ms"]
          and result["open311"]["median_ms"] < TARGETS["open311_ms"]
          and result["figures"]["median_ms"] < TARGETS["figures_ms"] and result["retry"]["duplicates"] == 0)
    result["ok"] = ok
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

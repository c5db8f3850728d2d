"""Load benchmark of citizen feedback (issue 5, "Load"): the platform served by gunicorn on PostgreSQL,
driven over HTTP by keep-alive clients, each figure beside a bare Django view measured in the same run.

    python bench/bench_feedback.py --out var/bench/feedback.json [--quick] [--seconds 20] [--reports 20000]

Builds its own PostgreSQL database (`dxboard_bench_feedback`, dropped and re-created, dropped again at the
end unless --keep-db; never the working one), migrates it and fills it with `reports` reports in 20
communes, each routed and most answered (bulk inserts). Then, through one gunicorn (bench/http_load.py):
- submit: POST /feedback/new/ as the phone's outbox does (JSON answer, CSRF cookie + header, a new device
  cookie and idempotency key per report, consent, commune), no photo; 8 connections. Two intake officers
  are notified of each report (in the platform; their e-mail queued as a job).
  Baseline: POST /bench/bare/insert (one INSERT of a report row).
- submit_photo: the same with one 3 MB JPEG (4000 × 3000) re-encoded by the upload check; 4 connections.
  Baseline: the same 3 MB multipart body POSTed to the bare insert (the upload is parsed, not re-encoded).
- list: GET /open311/v2/requests.json (the last 90 days, up to 1,000 reports); 8 connections.
  Baseline: GET /bench/bare/select (one SELECT of the same rows, as JSON).
After the load: every submission answered 200 is in the database exactly once.
Targets: submit >= 100/s at p95 <= 250 ms; photo >= 8/s at p95 <= 1.5 s; list >= 150/s. Exit 1 when one is
missed. The per-address rate limit is raised in the bench settings (every simulated phone is 127.0.0.1);
the per-device limit is the shipped one, each simulated phone having its own device.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import shutil
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

from http_load import Call, NoDatabase, Server, django_on_bench_database, load, machine, multipart, verdict  # noqa: E402, E501

TARGETS = {"submit": {"min_per_second": 100, "max_p95_ms": 250},
           "submit_photo": {"min_per_second": 8, "max_p95_ms": 1500},
           "list": {"min_per_second": 150}}
CSRF = "benchcsrf" + "x" * 23  # a 32-character token: cookie and header carry the same one


def photo_3mb() -> bytes:
    """A phone-sized photo: 4000 × 3000, gradient and grain, about 3 MB as JPEG quality 85."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(2025)
    h, w = 3000, 4000
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 // w, y * 255 // h, (x + y) * 255 // (w + h)], -1).astype(np.int16)
    grain = rng.normal(0, 12, (h // 2, w // 2, 3)).repeat(2, 0).repeat(2, 1)
    buf = io.BytesIO()
    Image.fromarray(np.clip(base + grain, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=85)
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
    # The intake office, as in production: each submission notifies them (in the platform, e-mail queued)
    from django.contrib.auth import get_user_model

    from dxboard.accounts.models import Membership, Role

    for i in range(2):
        user = get_user_model().objects.create_user(f"intake{i}", f"intake{i}@example.org", "bench-only")
        Membership.objects.create(user=user, unit=province, role=Role.ADMIN)
    now = timezone.now()
    t0 = time.perf_counter()
    reports, stays, answers, events = [], [], [], []
    for i in range(n):
        at = now - datetime.timedelta(days=i % 365, hours=i % 24)
        reports.append(Report(code=f"PAKN.{at:%Y%m%d}.{i + 1:04d}", access_key="x", idempotency_key=f"bench-{i}",
                              body_hash="0", category=cats[i % 8], description=f"Phản ánh thử số {i}",
                              commune=communes[i % 20], latitude=21.1 + (i % 100) / 1000,
                              longitude=106.0 + (i % 97) / 1000, status="answered" if i % 5 else "in_progress",
                              unit=communes[i % 20], deadline=at + datetime.timedelta(days=5)))
    Report.objects.bulk_create(reports, batch_size=2000)
    Report.objects.update(created_at=now)  # auto_now_add: spread below through the assignments
    for r in Report.objects.only("pk", "unit_id", "status", "code").iterator():
        i = int(r.code.rsplit(".", 1)[1]) - 1
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



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("var/bench/feedback.json"))
    parser.add_argument("--quick", action="store_true", help="3,000 reports, 4 s per measure: checks the harness")
    parser.add_argument("--seconds", type=float, default=None, help="duration of each measure (default 20)")
    parser.add_argument("--reports", type=int, default=None)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    seconds = args.seconds or (4 if args.quick else 20)
    reports = args.reports or (3000 if args.quick else 20000)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = machine()
    media = (args.out.parent / "feedback-media").resolve()
    try:
        with django_on_bench_database("dxboard_bench_feedback", keep=args.keep_db) as url:
            filled = _fill(reports)
            try:
                result = _measure(url, filled, seconds, media)
            finally:
                if not args.keep_db:
                    shutil.rmtree(media, ignore_errors=True)  # the stored photos of the run (~0.7 MB each)
    except NoDatabase as exc:
        args.out.write_text(json.dumps({"skipped": str(exc)}, indent=2))
        print("skipped:", exc)
        return 0
    result = {"machine": started, "server": result.pop("server"), "seconds_per_measure": seconds,
              "data": filled, **result}
    result["ok"] = all(v["ok"] for k, v in result.items() if isinstance(v, dict) and "ok" in v)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["ok"] else 1


def _measure(url: str, filled: dict, seconds: float, media: Path) -> dict:
    from dxboard.feedback.models import Report

    photo = photo_3mb()
    cat, commune = filled["category"], filled["commune"]

    def form(n: str, with_photo: bool) -> Call:
        fields = {"idempotency_key": f"load-{n}", "category": cat, "description": f"Ổ gà trên đường, phản ánh {n}",
                  "commune": commune, "consent": "on", "name": "Người dân", "phone": "0912345678"}
        files = [("photos", "anh.jpg", "image/jpeg", photo)] if with_photo else []
        body, content_type = multipart(fields, files)
        return Call("POST", "/feedback/new/", body, {
            "Content-Type": content_type, "Accept": "application/json", "X-CSRFToken": CSRF,
            "Cookie": f"csrftoken={CSRF}; fb_device={uuid.uuid4().hex}"})

    def created(worker, n, status, body):
        answer = json.loads(body)
        if not answer.get("created"):
            raise RuntimeError(f"not created: {answer}")

    bare_path = f"/bench/bare/insert?category={cat}&commune={commune}"
    photo_body, photo_type = multipart({"x": "1"}, [("photos", "anh.jpg", "image/jpeg", photo)])
    out = {}
    with Server(url, media=media) as server:
        out["server"] = {"wsgi": "gunicorn gthread", "workers": server.workers, "threads": server.threads,
                         "database": "postgresql", "db_conn_max_age": 60}
        # warm-up: imports, templates, connections of every worker thread
        load(server.port, lambda w, n: Call("GET", "/open311/v2/requests.json"), concurrency=8, count=16)
        load(server.port, lambda w, n: form(f"warm-{w}-{n}", False), concurrency=8, count=16)
        load(server.port, lambda w, n: Call("POST", bare_path), concurrency=8, count=16)
        load(server.port, lambda w, n: form(f"warmp-{w}-{n}", True), concurrency=2, count=4)

        base = load(server.port, lambda w, n: Call("POST", bare_path), concurrency=8, seconds=seconds,
                    servers=(server,))
        measured = load(server.port, lambda w, n: form(f"s-{w}-{n}", False), concurrency=8, seconds=seconds,
                        servers=(server,), on_response=created)
        out["submit"] = {"measured": measured, "baseline_bare_insert": base,
                         **verdict(measured, **TARGETS["submit"])}

        base = load(server.port, lambda w, n: Call("POST", bare_path, photo_body, {"Content-Type": photo_type}),
                    concurrency=4, seconds=seconds, servers=(server,))
        measured = load(server.port, lambda w, n: form(f"p-{w}-{n}", True), concurrency=4, seconds=seconds,
                        servers=(server,), on_response=created)
        out["submit_photo"] = {"photo_bytes": len(photo), "photo_pixels": "4000x3000", "measured": measured,
                               "baseline_bare_insert_same_upload": base, **verdict(measured, **TARGETS["submit_photo"])}

        status, body = server.get("/open311/v2/requests.json")
        rows = len(json.loads(body))
        base = load(server.port, lambda w, n: Call("GET", "/bench/bare/select"), concurrency=8, seconds=seconds,
                    servers=(server,))
        measured = load(server.port, lambda w, n: Call("GET", "/open311/v2/requests.json"), concurrency=8,
                        seconds=seconds, servers=(server,))
        out["list"] = {"rows": rows, "bytes": len(body), "measured": measured, "baseline_bare_select": base,
                       **verdict(measured, **TARGETS["list"])}
    # every submission that got a success answer is stored, once
    for key, prefix in (("submit", "load-s-"), ("submit_photo", "load-p-")):
        stored = Report.objects.filter(idempotency_key__startswith=prefix).count()
        out[key]["stored"] = stored
        out[key]["ok"] = out[key]["ok"] and stored == out[key]["measured"]["requests"]
    return out


if __name__ == "__main__":
    sys.exit(main())

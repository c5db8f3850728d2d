"""Load benchmark of the index platform (issue 9, "Load"): the platform served by gunicorn on PostgreSQL,
driven over HTTP by keep-alive clients (bench/http_load.py), each figure beside its baseline measured in
the same run.

    python bench/bench_proof.py --out var/bench/proof.json [--quick] [--seconds 20] [--communes 3321]
    python bench/bench_proof.py --only recompute --db dxboard_bench_recompute [--profile var/bench/recompute.prof]

Builds its own PostgreSQL database (`dxboard_bench_proof`, dropped and re-created, dropped again at the
end unless --keep-db; never the working one), migrates it and fills it: a province of `communes` communes,
the commune framework shipped in frameworks/, a national campaign answered by every commune (plausible
values as in the demo), accepted, computed, finalised and published; and an open campaign in which
8 commune officers (one per connection, each logged in with a session) fill in their own form. Then:
- ranking: GET /portal/<campaign>/ (the public national ranking, cached 60 s), 8 connections, no cookie.
  Baseline: GET /bench/bare/bytes answering the same number of bytes without any work.
- save: an officer's autosave of one value (POST /index/answers/<pk>/ as HTMX sends it: session, CSRF,
  the version read), through permission checks, validation, optimistic locking, the points preview and
  the audit row; each answer's new version is read from the answer and sent with the next save.
  Baseline: POST /bench/bare/update/<pk> (one UPDATE of the same row).
- recompute: `actions.compute_results` on the national campaign (read every answer → dxindex → rank
  intervals → store a snapshot), after one value changed so a new snapshot is stored; median of 3.
  Baseline: the same answers read by one raw SQL query and a payload of the same size stored (no compute).
- two_processes: a second gunicorn on the same database. A value saved through A is read back through B
  (API); a save through B with the version read before A's save is refused (409) and changes nothing;
  a campaign published meanwhile is on B's public home page at once (no stale cache); then the officers'
  saves alternate between A and B for the measure's duration, each sending the version the other
  process answered (any stale read would be a conflict, counted as an error).
`--only save` (repeatable) runs just that measure, e.g. while working on the autosave.
Targets: ranking >= 300/s at p95 <= 100 ms; save >= 50/s at p95 <= 300 ms; recompute <= 2 s; the two
processes consistent. Exit status 1 when one is missed; 0 with "skipped" without PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

from http_load import Call, NoDatabase, Server, django_on_bench_database, load, machine, verdict  # noqa: E402

TARGETS = {"ranking": {"min_per_second": 300, "max_p95_ms": 100},
           "save": {"min_per_second": 50, "max_p95_ms": 300},
           "recompute_s": 2.0}
CSRF = "benchcsrf" + "y" * 23
OFFICERS = 8
MEASURES = ("ranking", "save", "recompute", "two_processes")
VERSION = re.compile(rb'name="version" value="(\d+)"')


def _bulk_open(campaign, units) -> None:
    """What actions.open_campaign does, in bulk (one submission per unit, one answer per indicator)."""
    from dxboard.index.models import Answer, Campaign, Submission

    indicators = list(campaign.framework.indicators.filter(is_aggregate=False))
    Submission.objects.bulk_create([Submission(campaign=campaign, unit=u) for u in units], batch_size=2000)
    subs = Submission.objects.filter(campaign=campaign).select_related("unit")
    Answer.objects.bulk_create([Answer(submission=s, indicator=i) for s in subs for i in indicators
                                if i.applies(s.unit.kind)], batch_size=5000)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN)
    campaign.refresh_from_db()


def _answer_all(campaign) -> None:
    """Plausible values for every answer (the demo's generator), written with COPY + one UPDATE."""
    from django.db import connection

    from dxboard.index.demo import _inputs, _rng
    from dxboard.index.models import Answer, Submission

    rows = []
    for a in Answer.objects.filter(submission__campaign=campaign).select_related("indicator", "submission__unit"):
        rng = _rng(a.submission.unit.code, a.indicator.code)
        quality = _rng(a.submission.unit.code).uniform(0.35, 0.95)
        fields = _inputs(a.indicator, rng, quality)
        rows.append((a.pk, fields.get("value"), fields.get("numerator"), fields.get("denominator"),
                     fields.get("choice", "")))
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_fill (id bigint, value float8, numerator float8, denominator float8,"
                    " choice text)")
        with cur.cursor.copy("COPY bench_fill FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute("UPDATE index_answer a SET value = f.value, numerator = f.numerator, "
                    "denominator = f.denominator, choice = f.choice, review = 'accepted' "
                    "FROM bench_fill f WHERE a.id = f.id")
        cur.execute("DROP TABLE bench_fill")
    Submission.objects.filter(campaign=campaign).update(status=Submission.Status.ACCEPTED)


def _publish(campaign, admin) -> None:
    from dxboard.index import actions
    from dxboard.index.models import Campaign

    actions.publish_provisional(acting_user=admin, campaign=campaign, appeal_days=0)
    Campaign.objects.filter(pk=campaign.pk).update(appeal_until=datetime.date(2025, 2, 1))
    campaign.refresh_from_db()
    actions.finalise_campaign(acting_user=admin, campaign=campaign)
    actions.publish(acting_user=admin, campaign=campaign)


def _campaign(framework, name: str, period: str, units):
    from dxboard.index import actions

    return actions.create_campaign(acting_user=None, framework=framework, name=name, period=period,
                                   unit_kind="commune", opens=datetime.date(2025, 11, 1),
                                   closes=datetime.date(2026, 12, 20), units=units)


def _fill(communes: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from dxboard.accounts.models import Membership, Role
    from dxboard.index.demo import _framework_file, _inputs, _rng
    from dxboard.index.frameworks import import_framework
    from dxboard.index.models import Answer
    from dxboard.units.models import Unit

    t0 = time.perf_counter()
    User = get_user_model()
    admin = User.objects.create_superuser("bench-admin", "admin@bench.invalid", "Correct-Horse-Battery-9")
    province = Unit.objects.create(code="BP", name="Tỉnh Bench", kind="province", search_text="tinh bench")
    Unit.objects.bulk_create([Unit(code=f"X{i:05d}", name=f"Xã Bench {i}", kind="commune", parent=province,
                                   admin_type="Xã", search_text=f"xa bench {i}") for i in range(1, communes + 1)],
                             batch_size=2000)
    units = list(Unit.objects.filter(kind="commune").order_by("code"))
    path = _framework_file("province-commune-template.yaml")
    framework, _ = import_framework(path.read_bytes(), path.name, acting_user=None, year=2025)
    national = _campaign(framework, "Bench quốc gia 2025", "2025", units)
    _bulk_open(national, units)
    _answer_all(national)
    t_publish = time.perf_counter()
    _publish(national, admin)
    publish_s = time.perf_counter() - t_publish

    form = _campaign(framework, "Bench tự đánh giá 2026", "2026", units[:OFFICERS])
    _bulk_open(form, units[:OFFICERS])
    officers = []
    for i, unit in enumerate(units[:OFFICERS]):
        user = User.objects.create_user(f"bench-officer-{i}", f"o{i}@bench.invalid", "Correct-Horse-Battery-9")
        Membership.objects.create(user=user, unit=unit, role=Role.OFFICER)
        client = Client()
        client.force_login(user)
        answers = []
        for a in (Answer.objects.filter(submission__campaign=form, submission__unit=unit)
                  .select_related("indicator").order_by("pk")):
            if a.indicator.source not in ("", "self"):
                continue
            rng = _rng(unit.code, a.indicator.code, "load")
            choices = [_inputs(a.indicator, rng, q) for q in (0.3, 0.6, 0.9)]
            answers.append({"pk": a.pk, "version": a.version, "inputs": [c for c in choices if c]})
        officers.append({"session": client.cookies["sessionid"].value,
                         "answers": [a for a in answers if a["inputs"]]})
    return {"communes": communes, "indicators": framework.indicators.filter(is_aggregate=False).count(),
            "answers": Answer.objects.filter(submission__campaign=national).count(),
            "fill_seconds": round(time.perf_counter() - t0, 1),
            "first_publication_seconds": round(publish_s, 2),
            "national": national.pk, "form_campaign": form.pk, "officers": officers, "admin": admin.pk,
            "framework": framework.pk}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("var/bench/proof.json"))
    parser.add_argument("--quick", action="store_true", help="4 s per measure: checks the harness (all communes)")
    parser.add_argument("--seconds", type=float, default=None, help="duration of each measure (default 20)")
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--db", default="dxboard_bench_proof",
                        help="name of the bench database (dropped and re-created): a different one per parallel run")
    parser.add_argument("--only", choices=MEASURES, action="append",
                        help="run only this measure (repeatable); default: all of them")
    parser.add_argument("--profile", type=Path, default=None,
                        help="with --only recompute alone: write cProfile stats of one more recomputation here")
    args = parser.parse_args()
    seconds = args.seconds or (4 if args.quick else 20)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = machine()
    try:
        with django_on_bench_database(args.db, keep=args.keep_db) as url:
            filled = _fill(args.communes)
            if args.only == ["recompute"]:  # no server needed: read → compute → store in this process
                result = {"recompute": _recompute(filled, profile=args.profile)}
            else:
                result = _measure(url, filled, seconds, set(args.only or MEASURES))
    except NoDatabase as exc:
        args.out.write_text(json.dumps({"skipped": str(exc)}, indent=2))
        print("skipped:", exc)
        return 0
    data = {k: v for k, v in filled.items() if k not in ("officers",)}
    result = {"machine": started, "seconds_per_measure": seconds, "data": data, **result}
    result["ok"] = all(v["ok"] for k, v in result.items() if isinstance(v, dict) and "ok" in v)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["ok"] else 1


def _save_calls(officers: list[dict], ports: list[int] | None = None):
    """make_call / on_response for officers' autosaves: officer `w` cycles through their answers, each
    save sending the version the previous answer showed; with `ports`, saves alternate between servers."""
    expected: dict[tuple[int, int], int] = {}

    def make_call(w: int, n: int) -> Call:
        officer = officers[w % len(officers)]
        answer = officer["answers"][n % len(officer["answers"])]
        fields = answer["inputs"][(n // len(officer["answers"])) % len(answer["inputs"])]
        body = urllib.parse.urlencode({**fields, "version": answer["version"]}).encode()
        expected[(w, n)] = answer["version"] + 1
        return Call("POST", f"/index/answers/{answer['pk']}/", body, {
            "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "X-CSRFToken": CSRF,
            "Cookie": f"sessionid={officer['session']}; csrftoken={CSRF}"},
            port=ports[n % len(ports)] if ports else None)

    def on_response(w: int, n: int, status: int, body: bytes) -> None:
        officer = officers[w % len(officers)]
        answer = officer["answers"][n % len(officer["answers"])]
        found = VERSION.search(body)
        if found is None or int(found.group(1)) != expected[(w, n)] or b'role="alert"' in body:
            raise RuntimeError(f"answer {answer['pk']}: version {found and found.group(1)}, "
                               f"expected {expected[(w, n)]}: {body[:300]!r}")
        answer["version"] = expected[(w, n)]

    return make_call, on_response


def _recompute(filled: dict, profile: Path | None = None) -> dict:
    """compute_results on the national campaign, end to end, after one value changed (a new snapshot).
    Wall time and this process's CPU time (the machine is shared: wall time alone depends on the others)."""
    from django.db import connection

    from dxboard.index import actions, results, scoring
    from dxboard.index.models import Answer, Campaign, ResultSnapshot, Submission

    campaign = Campaign.objects.get(pk=filled["national"])
    target = (Answer.objects.filter(submission__campaign=campaign, indicator__rule__type="goalposts")
              .order_by("pk").first())
    runs, cpu = [], []
    for i in range(3):
        Answer.objects.filter(pk=target.pk).update(value=10 + i)  # as a review adjusting one value would
        before = ResultSnapshot.objects.count()
        t0, c0 = time.perf_counter(), time.process_time()
        actions.compute_results(acting_user=None, campaign=Campaign.objects.get(pk=campaign.pk))
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert ResultSnapshot.objects.count() == before + 1, "no new snapshot stored"
    if profile is not None:
        import cProfile

        Answer.objects.filter(pk=target.pk).update(value=30)
        profiler = cProfile.Profile()
        profiler.runcall(actions.compute_results, acting_user=None, campaign=Campaign.objects.get(pk=campaign.pk))
        profiler.dump_stats(profile)
    # where the time goes (one more run, step by step; the same functions build_snapshot calls)
    Answer.objects.filter(pk=target.pk).update(value=20)
    steps = {}
    t = time.perf_counter()
    units = list(Submission.objects.filter(campaign=campaign).order_by("unit__code")
                 .values_list("pk", "unit__code", "unit__kind"))
    steps["read_submissions_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    dataset = scoring.unit_dataset([(pk, code, str(kind)) for pk, code, kind in units], {campaign.pk},
                                   campaign.framework, scoring.VERIFIED)
    steps["answers_to_dataset_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    import dxindex

    engine = campaign.framework.engine()
    result = dxindex.compute(engine, dataset)
    steps["engine_ms"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    root = results.root_code(engine)
    results.rank_intervals(result.points, result.max_points, results.main_indices(engine, root))
    steps["rank_intervals_one_thread_ms"] = (time.perf_counter() - t) * 1000
    payload = ResultSnapshot.objects.filter(campaign=campaign).order_by("-pk").values_list("payload", flat=True)[0]
    # baseline: the same answers read by one raw query, and a payload of the same size stored
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("""SELECT u.code, i.code, a.value, a.numerator, a.denominator, a.choice, a.state, a.review
                       FROM index_answer a JOIN index_submission s ON s.id = a.submission_id
                       JOIN units_unit u ON u.id = s.unit_id JOIN index_indicator i ON i.id = a.indicator_id
                       WHERE s.campaign_id = %s""", [campaign.pk])
        rows = cur.fetchall()
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS bench_store (payload jsonb)")
        # stored as the snapshots' payload is (its column's compression: lz4 since index 0003)
        cur.execute("SELECT attcompression FROM pg_attribute WHERE attrelid = 'index_resultsnapshot'::regclass "
                    "AND attname = 'payload'")
        if cur.fetchone()[0] == "l":
            cur.execute("ALTER TABLE bench_store ALTER COLUMN payload SET COMPRESSION lz4")
        cur.execute("INSERT INTO bench_store VALUES (%s::jsonb)", [json.dumps(payload)])
    baseline = time.perf_counter() - t
    median = statistics.median(runs)
    return {"units": len(units), "answers_read": len(rows), "payload_bytes": len(json.dumps(payload)),
            "runs_s": [round(r, 3) for r in runs], "median_s": round(median, 3),
            "cpu_runs_s": [round(c, 3) for c in cpu], "cpu_median_s": round(statistics.median(cpu), 3),
            "steps_ms": {k: round(v, 1) for k, v in steps.items()},
            "baseline_raw_read_and_store_s": round(baseline, 3), "target_s": TARGETS["recompute_s"],
            "ok": median <= TARGETS["recompute_s"]}


def _publish_small(filled: dict) -> str:
    """A second campaign published while the servers run (20 communes): its name, for the stale-cache check."""
    from django.contrib.auth import get_user_model

    from dxboard.index.models import Framework
    from dxboard.units.models import Unit

    name = f"Bench công bố {random.randint(1000, 9999)}"
    units = list(Unit.objects.filter(kind="commune").order_by("-code")[:20])
    campaign = _campaign(Framework.objects.get(pk=filled["framework"]), name, "2024", units)
    _bulk_open(campaign, units)
    _answer_all(campaign)
    _publish(campaign, get_user_model().objects.get(pk=filled["admin"]))
    return name


def _two_processes(a: Server, b: Server, filled: dict, seconds: float) -> dict:
    officer = filled["officers"][0]
    answer = officer["answers"][0]
    cookie = {"Cookie": f"sessionid={officer['session']}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
    checks = {}
    read_version = answer["version"]
    fields = {**answer["inputs"][0], "version": read_version}
    status, body = a.post(f"/index/answers/{answer['pk']}/", urllib.parse.urlencode(fields).encode(),
                          {**cookie, "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"})
    answer["version"] = read_version + 1
    status_b, body_b = b.get(f"/api/v1/index/answers/{answer['pk']}/", cookie)
    seen = json.loads(body_b) if status_b == 200 else {}
    checks["saved_through_a_read_through_b"] = (status == 200 and seen.get("version") == read_version + 1)
    stale = {**answer["inputs"][-1], "version": read_version}
    status_c, _ = b.post(f"/index/answers/{answer['pk']}/", urllib.parse.urlencode(stale).encode(),
                         {**cookie, "Content-Type": "application/x-www-form-urlencoded"})
    status_d, body_d = a.get(f"/api/v1/index/answers/{answer['pk']}/", cookie)
    after = json.loads(body_d) if status_d == 200 else {}
    checks["stale_save_through_b_refused"] = status_c == 409 and after.get("version") == read_version + 1
    for server in (a, b):
        server.get("/portal/")  # both processes now hold the home page in their caches
    name = _publish_small(filled)
    checks["new_publication_seen_through_both_at_once"] = all(
        name.encode() in server.get("/portal/")[1] for server in (a, b))
    make_call, on_response = _save_calls(filled["officers"], ports=[a.port, b.port])
    alternating = load(a.port, make_call, concurrency=OFFICERS, seconds=seconds, on_response=on_response,
                       servers=(a, b))
    return {"checks": checks, "alternating_saves": alternating,
            "ok": all(checks.values()) and alternating["errors"] == 0 and alternating["requests"] > 0}


def _measure(url: str, filled: dict, seconds: float, only: set[str]) -> dict:
    out = {}
    national = filled["national"]
    with Server(url) as a:
        out["server"] = {"wsgi": "gunicorn gthread", "workers": a.workers, "threads": a.threads,
                         "database": "postgresql", "db_conn_max_age": 60}
        status, page = a.get(f"/portal/{national}/")
        assert status == 200, page[:300]
        make_save, on_save = _save_calls(filled["officers"])
        # warm-up: imports, templates, one connection per worker thread, the page cached in each worker
        load(a.port, lambda w, n: Call("GET", f"/portal/{national}/"), concurrency=8, count=32)
        load(a.port, make_save, concurrency=OFFICERS, count=2 * OFFICERS, on_response=on_save)

        if "ranking" in only:
            base = load(a.port, lambda w, n: Call("GET", f"/bench/bare/bytes?n={len(page)}"), concurrency=8,
                        seconds=seconds, servers=(a,))
            measured = load(a.port, lambda w, n: Call("GET", f"/portal/{national}/"), concurrency=8,
                            seconds=seconds, servers=(a,))
            out["ranking"] = {"page_bytes": len(page), "rows": page.count(b"<tr>") - 1, "measured": measured,
                              "baseline_bare_same_bytes": base, **verdict(measured, **TARGETS["ranking"])}

        if "save" in only:
            pks = [a_["pk"] for o in filled["officers"] for a_ in o["answers"]]
            base = load(a.port, lambda w, n: Call("POST", f"/bench/bare/update/{pks[(w * 7 + n) % len(pks)]}",
                                                  b"value=1", {"Content-Type": "application/x-www-form-urlencoded"}),
                        concurrency=OFFICERS, seconds=seconds, servers=(a,))
            # the bare updates bumped versions behind the officers' backs: read them again
            from dxboard.index.models import Answer

            current = dict(Answer.objects.filter(pk__in=pks).values_list("pk", "version"))
            for o in filled["officers"]:
                for a_ in o["answers"]:
                    a_["version"] = current[a_["pk"]]
            measured = load(a.port, make_save, concurrency=OFFICERS, seconds=seconds, on_response=on_save,
                            servers=(a,))
            out["save"] = {"officers": OFFICERS, "measured": measured, "baseline_bare_update": base,
                           **verdict(measured, **TARGETS["save"])}

        if "recompute" in only:
            out["recompute"] = _recompute(filled)
        if "two_processes" in only:
            with Server(url) as b:
                b.get(f"/portal/{national}/")
                out["two_processes"] = _two_processes(a, b, filled, seconds)
    return out


if __name__ == "__main__":
    sys.exit(main())

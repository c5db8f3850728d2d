"""Fault tests: the platform keeps working and loses nothing when things break (issue 9, "Faults").

Bounded and part of `make test`: scripts/run-tests runs them in
the SQLite pass and again in the PostgreSQL pass. Real parts only — a real full disk, a real
PostgreSQL restart, real worker and server processes killed or cut off; nothing of ours is mocked.

test_postgres_restart.py   PostgreSQL restarted under a load of citizen reports. A private PostgreSQL
                           15 instance (initdb as the `postgres` user in a temporary folder, a free
                           port, never the shared server on 5432) gets a copy of the migrated test
                           database; gunicorn serves the app on it with persistent connections;
                           four threads post Open311 reports; `pg_ctl restart -m fast` mid-way.
                           Errors only for requests overlapping the restart, recovery by itself
                           (CONN_HEALTH_CHECKS), every success stored, retried failures stored once.
                           PostgreSQL pass only (skipped in the SQLite pass: "needs PostgreSQL");
                           fails, saying why, without root or /usr/lib/postgresql/15/bin.
test_disk_full.py          MEDIA_ROOT on a 2 MB tmpfs filled up: a report with two photos (the
                           second write fails half-way), an evidence upload and a task's
                           progress report with an attachment get a bilingual
                           "disk may be full" error (503 for the phone's outbox), no row without
                           its file, no file (partial or whole) without its row; then the same
                           upload succeeds. Needs root for `mount` (fails, saying so, without it).
test_worker_killed.py      a real `dxboard worker` stopped half-way through an index recomputation
                           (after inserting the new snapshot, inside the job's transaction) and
                           SIGKILLed: the public ranking serves the previous official result
                           meanwhile; after the lease another worker reruns the job; exactly one
                           new snapshot, official, audited once. The same for a reminder run: one
                           e-mail in the end.
test_concurrency.py        50 threads posting one report with one idempotency key through the
                           request stack: one report, one photo file, one audit row. Two officers
                           saving the same answer at once: one saved, the other 409 "changed by
                           someone else", one audit row. Eight phones of one network posting at
                           once to the live server against a limit of three: exactly three stored.
test_behind_nginx.py       a real nginx (the test's own process, config in tmp_path) in front of the
                           live server, as docs/deploy.md configures it: phones from their own
                           loopback addresses keep limits of their own whatever X-Forwarded-For
                           they forge; a forged header sent straight to Django is ignored. Fails,
                           saying so, without nginx (.ci/run installs it).
test_injected_faults.py    an exception injected at query k of a multi-step action, for every k
                           (injection.py, through `connection.execute_wrapper`): index submit,
                           return, accept, provisional results, appeal decision, finalise, publish;
                           feedback route, merge, answer with evidence photo; steering extension
                           approval; KPI upload apply (a correction). After every failed run every
                           table (audit log included) and the media folder are exactly as before;
                           without the fault the action succeeds with the expected audit rows.
"""
